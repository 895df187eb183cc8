// A yum/dnf .repo file as Ansible's yum_repository sees it: read and written
// the way Python's RawConfigParser does (keys lower-cased, comments dropped,
// `key = value` lines, continuation lines indented with a tab), and compared
// by Ansible's dump (sections and keys sorted), so a file that only looks
// different is left alone.

export type RepoItems = [key: string, value: string][];

export interface RepoSection {
  name: string;
  items: RepoItems;
}

export interface RepoFile {
  /** The [DEFAULT] section: configparser writes it first and merges it into every section's items. */
  defaults: RepoItems;
  sections: RepoSection[];
}

const DEFAULT = 'DEFAULT';

/** Parses a .repo file as RawConfigParser.read does; throws with the line that it cannot read. */
export function parseRepoFile(text: string): RepoFile {
  // Each section's values as lines, joined at the end as configparser does.
  const parsed = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  let option: string | undefined;
  let indent = Number.MAX_SAFE_INTEGER;
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, n) => {
    const isComment = /^\s*[#;]/.test(line);
    const value = isComment ? '' : line.trim();
    if (value === '') {
      // A blank line inside a value is kept (configparser's empty_lines_in_values).
      if (!isComment && current && option) current.get(option)!.push('');
      return;
    }
    const level = line.length - line.trimStart().length;
    if (current && option && level > indent) {
      current.get(option)!.push(value);
      return;
    }
    indent = level;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      const name = header[1]!;
      if (parsed.has(name) && name !== DEFAULT) throw new Error(`line ${n + 1}: section '${name}' already exists`);
      current = parsed.get(name) ?? new Map();
      parsed.set(name, current);
      option = undefined;
      return;
    }
    if (!current) throw new Error(`line ${n + 1}: no section header before ${JSON.stringify(line)}`);
    const kv = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
    const key = kv?.[1]!.trimEnd().toLowerCase();
    if (!kv || !key) throw new Error(`line ${n + 1}: cannot parse ${JSON.stringify(line)}`);
    if (current.has(key)) throw new Error(`line ${n + 1}: option '${key}' already exists`);
    option = key;
    current.set(key, [kv[3]!.trim()]);
  });
  const items = (values: Map<string, string[]>): RepoItems => [...values].map(([k, v]) => [k, v.join('\n').trimEnd()]);
  const file: RepoFile = { defaults: [], sections: [] };
  for (const [name, values] of parsed) {
    if (name === DEFAULT) file.defaults = items(values);
    else file.sections.push({ name, items: items(values) });
  }
  return file;
}

function writeSection(name: string, items: RepoItems): string {
  return `[${name}]\n${items.map(([k, v]) => `${k} = ${v.replace(/\n/g, '\n\t')}\n`).join('')}\n`;
}

/** The file as RawConfigParser.write writes it. */
export function renderRepoFile(file: RepoFile): string {
  const defaults = file.defaults.length > 0 ? writeSection(DEFAULT, file.defaults) : '';
  return defaults + file.sections.map((s) => writeSection(s.name, s.items)).join('');
}

const byKey = <T extends { 0: string } | RepoSection>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Ansible's dump(): what it compares and shows as the diff (sorted, defaults merged in). */
export function dumpRepoFile(file: RepoFile): string {
  return [...file.sections]
    .sort(byKey((s: RepoSection) => s.name))
    .map((s) => {
      const merged = new Map([...file.defaults, ...s.items]);
      const items = [...merged].sort(byKey((i: [string, string]) => i[0]));
      return `[${s.name}]\n${items.map(([k, v]) => `${k} = ${v}\n`).join('')}\n`;
    })
    .join('');
}

/** The file without `name`'s section. */
export function withoutSection(file: RepoFile, name: string): RepoFile {
  return { ...file, sections: file.sections.filter((s) => s.name !== name) };
}

/** The file with `section` replacing one of its name, at the end (Ansible removes, then adds). */
export function withSection(file: RepoFile, section: RepoSection): RepoFile {
  const rest = withoutSection(file, section.name);
  return { ...rest, sections: [...rest.sections, section] };
}

/** Keys Ansible writes into a section, with the module option each comes from. */
export const REPO_KEYS = [
  'async', 'bandwidth', 'baseurl', 'cost', 'deltarpm_metadata_percentage', 'deltarpm_percentage', 'enabled',
  'enablegroups', 'exclude', 'failovermethod', 'gpgcakey', 'gpgcheck', 'gpgkey', 'module_hotfixes', 'http_caching',
  'include', 'includepkgs', 'ip_resolve', 'keepalive', 'keepcache', 'metadata_expire', 'metadata_expire_filter',
  'metalink', 'mirrorlist', 'mirrorlist_expire', 'name', 'password', 'priority', 'protect', 'proxy', 'proxy_password',
  'proxy_username', 'repo_gpgcheck', 'retries', 's3_enabled', 'skip_if_unavailable', 'sslcacert',
  'ssl_check_cert_permissions', 'sslclientcert', 'sslclientkey', 'sslverify', 'throttle', 'timeout', 'ui_repoid_vars',
  'username',
] as const;

/** Lists joined with a space; baseurl and gpgkey (one URL a line) with newlines. */
const SPACE_LISTS = new Set(['exclude', 'includepkgs']);

/**
 * The section Ansible writes for a repository: every option given, keys
 * sorted, booleans as 0/1, the `description` option as the `name` key.
 */
export function repoSection(repoid: string, options: Record<string, unknown>): RepoSection {
  const items: RepoItems = [];
  const values: Record<string, unknown> = { ...options, name: options.description };
  for (const key of [...REPO_KEYS].sort()) {
    const value = values[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) items.push([key, value.join(SPACE_LISTS.has(key) ? ' ' : '\n')]);
    else if (typeof value === 'boolean') items.push([key, value ? '1' : '0']);
    else items.push([key, String(value)]);
  }
  return { name: repoid, items };
}
