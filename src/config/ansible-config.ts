// The ansible.cfg settings and ANSIBLE_* variables tsplay honours, read as
// ansible-core 2.14 reads them: the environment over the file over the
// default; values typed as Ansible types them (booleans as Ansible's boolean(),
// paths from the file relative to the file's directory, from the environment
// relative to the current one). Everything else set in the file or the
// environment is named in one warning (unhonoured()), never silently dropped.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { OptionsError } from '../errors.js';
import { findConfigFile } from './find-config.js';
import { parseIni, type IniSections } from './ini.js';

type Kind = 'string' | 'bool' | 'int' | 'path' | 'pathlist' | 'pathspec';

interface SettingDef {
  section: string;
  key: string;
  env: string[];
  kind: Kind;
  choices?: string[];
}

const def = (section: string, key: string, kind: Kind, env: string[], choices?: string[]): SettingDef => ({ section, key, kind, env, choices });

/** What tsplay honours, by the name used in code. */
export const SETTINGS = {
  inventory: def('defaults', 'inventory', 'pathlist', ['ANSIBLE_INVENTORY']),
  remoteUser: def('defaults', 'remote_user', 'string', ['ANSIBLE_REMOTE_USER']),
  privateKeyFile: def('defaults', 'private_key_file', 'path', ['ANSIBLE_PRIVATE_KEY_FILE']),
  rolesPath: def('defaults', 'roles_path', 'pathspec', ['ANSIBLE_ROLES_PATH']),
  forks: def('defaults', 'forks', 'int', ['ANSIBLE_FORKS']),
  timeout: def('defaults', 'timeout', 'int', ['ANSIBLE_TIMEOUT']),
  hostKeyChecking: def('defaults', 'host_key_checking', 'bool', ['ANSIBLE_HOST_KEY_CHECKING']),
  gathering: def('defaults', 'gathering', 'string', ['ANSIBLE_GATHERING'], ['implicit', 'explicit', 'smart']),
  vaultPasswordFile: def('defaults', 'vault_password_file', 'path', ['ANSIBLE_VAULT_PASSWORD_FILE']),
  anyErrorsFatal: def('defaults', 'any_errors_fatal', 'bool', ['ANSIBLE_ANY_ERRORS_FATAL']),
  retryFilesEnabled: def('defaults', 'retry_files_enabled', 'bool', ['ANSIBLE_RETRY_FILES_ENABLED']),
  stdoutCallback: def('defaults', 'stdout_callback', 'string', ['ANSIBLE_STDOUT_CALLBACK']),
  nocolor: def('defaults', 'nocolor', 'bool', ['ANSIBLE_NOCOLOR', 'NO_COLOR']),
  forceColor: def('defaults', 'force_color', 'bool', ['ANSIBLE_FORCE_COLOR']),
  become: def('privilege_escalation', 'become', 'bool', ['ANSIBLE_BECOME']),
  becomeMethod: def('privilege_escalation', 'become_method', 'string', ['ANSIBLE_BECOME_METHOD']),
  becomeUser: def('privilege_escalation', 'become_user', 'string', ['ANSIBLE_BECOME_USER']),
  becomeAskPass: def('privilege_escalation', 'become_ask_pass', 'bool', ['ANSIBLE_BECOME_ASK_PASS']),
  sshArgs: def('ssh_connection', 'ssh_args', 'string', ['ANSIBLE_SSH_ARGS']),
  // Read where they are used (from the environment); known here so they draw no warning.
  pipelining: def('ssh_connection', 'pipelining', 'bool', ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING']),
  deprecationWarnings: def('defaults', 'deprecation_warnings', 'bool', ['ANSIBLE_DEPRECATION_WARNINGS']),
} satisfies Record<string, SettingDef>;

export type SettingName = keyof typeof SETTINGS;

/** ANSIBLE_* variables other parts of tsplay read themselves. */
const READ_ELSEWHERE = new Set([
  'ANSIBLE_CONFIG', 'ANSIBLE_DUPLICATE_YAML_DICT_KEY', 'ANSIBLE_UUID_NAMESPACE',
  'ANSIBLE_VAULT_IDENTITY', 'ANSIBLE_VAULT_IDENTITY_LIST', 'ANSIBLE_VAULT_ENCRYPT_IDENTITY',
]);

// Known settings whose every value tsplay honours even though some change
// nothing here: it writes no retry files and always sends modules over one
// channel (pipelining). nocolor and force_color decide colour (apply-config.ts).
// interpreter_python's auto values: tsplay needs no interpreter discovery.
const NO_EFFECT_KEYS: Record<string, (v: string) => boolean> = {
  'defaults.interpreter_python': (v) => /^auto/.test(v),
};
const NO_EFFECT_ENV: Record<string, (v: string) => boolean> = {
  ANSIBLE_PYTHON_INTERPRETER: (v) => /^auto/.test(v),
};

export interface SettingValue {
  value: string | boolean | number | string[];
  /** `env: NAME` or the config file, as ansible-config names origins. */
  origin: string;
}

export interface AnsibleConfig {
  /** The config file in use, if any. */
  file?: string;
  /** Ansible's warning when ./ansible.cfg was skipped. */
  findWarning?: string;
  values: Partial<Record<SettingName, SettingValue>>;
  /** What was set and is not honoured: `[section] key` of the file, `NAME` of the environment. */
  unhonoured: string[];
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** `~`, `$VAR` expanded; relative to `base`; `..` folded (Ansible's unfrackpath without following links). */
function resolvePath(p: string, base: string, env: NodeJS.ProcessEnv, home: string): string {
  let v = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? m);
  if (v === '~' || v.startsWith('~/')) v = join(home, v.slice(1));
  return normalize(isAbsolute(v) ? v : join(base, v));
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

function typed(name: SettingName, raw: string, origin: string, base: string, env: NodeJS.ProcessEnv, home: string): SettingValue['value'] {
  const d: SettingDef = SETTINGS[name];
  const bad = (why: string): never => {
    throw new OptionsError(`Invalid type for configuration option setting: ${d.key} (from ${origin}): ${why}`);
  };
  switch (d.kind) {
    case 'bool':
      return TRUE.has(raw.trim().toLowerCase());
    case 'int':
      if (!/^\s*[-+]?\d+\s*$/.test(raw)) bad(`invalid literal for int() with base 10: '${raw}'`);
      return Number(raw);
    case 'path':
      return resolvePath(raw, base, env, home);
    case 'pathlist':
      return raw.split(',').map((p) => resolvePath(p.trim(), base, env, home));
    case 'pathspec':
      return raw.split(':').map((p) => resolvePath(p, base, env, home));
    default: {
      const v = unquote(raw);
      if (d.choices && !d.choices.includes(v)) bad(`'${v}' is not one of ${d.choices.join(', ')}`);
      return v;
    }
  }
}

export interface ReadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

export function readAnsibleConfig(o: ReadOptions = {}): AnsibleConfig {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const home = o.home ?? homedir();
  const choice = findConfigFile(env, cwd, home);
  let ini: IniSections = new Map();
  if (choice.file) {
    let text: string;
    try {
      text = readFileSync(choice.file, 'utf8');
    } catch (e) {
      throw new OptionsError(`Error reading config file (${choice.file}): ${(e as Error).message}`);
    }
    ini = parseIni(text, choice.file);
  }
  const values: AnsibleConfig['values'] = {};
  const unhonoured: string[] = [];
  const known = new Set<string>();
  for (const [name, d] of Object.entries(SETTINGS) as [SettingName, SettingDef][]) {
    known.add(`${d.section}.${d.key}`);
    const envName = d.env.find((n) => env[n] !== undefined);
    const fileValue = ini.get(d.section)?.get(d.key);
    let v: SettingValue | undefined;
    if (envName !== undefined) v = { value: typed(name, env[envName]!, `env: ${envName}`, cwd, env, home), origin: `env: ${envName}` };
    else if (fileValue !== undefined) v = { value: typed(name, fileValue, choice.file!, dirname(choice.file!), env, home), origin: choice.file! };
    if (v === undefined) continue;
    values[name] = v;
  }
  for (const [section, keys] of ini) {
    for (const [key, value] of keys) {
      const id = `${section}.${key}`;
      if (known.has(id) || NO_EFFECT_KEYS[id]?.(value)) continue;
      unhonoured.push(`[${section}] ${key}`);
    }
  }
  const envKnown = new Set(Object.values(SETTINGS).flatMap((d: SettingDef) => d.env));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ANSIBLE_') || value === undefined) continue;
    if (envKnown.has(name) || READ_ELSEWHERE.has(name) || NO_EFFECT_ENV[name]?.(value)) continue;
    unhonoured.push(name);
  }
  return { file: choice.file, findWarning: choice.warning, values, unhonoured };
}

/** The one warning naming what tsplay does not honour, or undefined. */
export function unhonouredWarning(config: AnsibleConfig): string | undefined {
  if (config.unhonoured.length === 0) return undefined;
  const where = config.file ? ` (config file ${config.file})` : '';
  return `tsplay does not honour these Ansible settings${where}, they are ignored: ${config.unhonoured.join(', ')}`;
}

/** ansible-playbook's first line at -v. */
export function configFileLine(config: AnsibleConfig): string {
  return config.file ? `Using ${config.file} as config file` : 'No config file found; using defaults';
}
