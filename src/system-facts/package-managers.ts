// The package managers package_facts reads, as Ansible 2.14's package_facts:
// apt and rpm (packages.ts), pacman (pacman -Qi), apk (apk info -v), portage
// (qlist -Iv | qatom), pkg (FreeBSD's pkg query) and pkg_info (the BSDs'
// pkg_info -a). One host script finds which are there and lists the first.
import { quote, quoteArgv } from '../host/shell.js';
import { APT_LIST_SCRIPT, parseAptPackages, parseRpmPackages, RPM_LIST_SCRIPT } from './packages.js';

/** tsplay's `auto` order: the distributions' own managers first (Ansible's order is that of a Python set). */
export const MANAGERS = ['apt', 'rpm', 'pacman', 'apk', 'portage', 'pkg', 'pkg_info'] as const;
export type Manager = (typeof MANAGERS)[number];

export type Entry = { name: string; source: string } & Record<string, unknown>;
export type Facts = Record<string, Entry[]>;

interface ManagerSpec {
  /** The program whose presence makes the manager usable. */
  tool: string;
  /** The listing, as a shell command. */
  list: string;
  /** Ansible's listing fails on any stderr output (not only on a non-zero exit). */
  stderrFails?: boolean;
  parse(out: string): Facts;
}

function group(entries: Entry[]): Facts {
  const facts: Facts = {};
  for (const e of entries) (facts[e.name] ??= []).push(e);
  return facts;
}

const lines = (out: string) => out.split(/\r\n|\r|\n/).filter((l) => l !== '');

/** pacman -Qi: blocks of "Key : value" lines, a value continued on indented lines. */
export function parsePacman(out: string): Facts {
  // As Ansible: blocks end with a blank line; the text after the last one is not a package.
  const blocks = out.split('\n\n').slice(0, -1);
  return group(
    blocks.map((block) => {
      const d: Record<string, string> = {};
      let last = '';
      for (const line of block.split(/\r\n|\r|\n/)) {
        const m = /^([\p{L}\p{N}_ ]*[\p{L}\p{N}_]) +: (.*)$/u.exec(line);
        if (m) d[(last = m[1]!)] = m[2]!;
        else d[last] = `${d[last] ?? ''}  ${line.trimStart()}`;
      }
      const provides = (d.Provides ?? 'None') === 'None' ? null : d.Provides!.split('  ').map((p) => p.split('=')[0]!);
      return { name: d.Name!, version: d.Version!, arch: d.Architecture!, provides, source: 'pacman' };
    }),
  );
}

/** apk info -v: name-version-release, split at the last two dashes. */
export function parseApk(out: string): Facts {
  return group(
    lines(out).map((line) => {
      const parts = rsplit(line, '-', 2);
      return parts.length === 3
        ? { name: parts[0]!, version: parts[1]!, release: parts[2]!, source: 'apk' }
        : { name: line, version: '', release: '', source: 'apk' };
    }),
  );
}

/** qatom's words: category, name, version, revision, slot... (as many as it printed). */
export function parsePortage(out: string): Facts {
  const atoms = ['category', 'name', 'version', 'ebuild_revision', 'slots', 'prefixes', 'sufixes'];
  return group(
    lines(out).map((line) => {
      const words = line.trim().split(/\s+/);
      const e: Record<string, unknown> = {};
      atoms.forEach((a, i) => words[i] !== undefined && (e[a] = words[i]));
      return { source: 'portage', ...e } as Entry;
    }),
  );
}

const PKG_ATOMS = ['name', 'version', 'origin', 'installed', 'automatic', 'arch', 'category', 'prefix', 'vital'];
const PKG_FORMAT = ['n', 'v', 'R', 't', 'a', 'q', 'o', 'p', 'V'].map((c) => `%${c}`).join('\t');

/** pkg query's tab-separated fields, with Ansible's conversions (arch, epoch, revision, flags). */
export function parsePkg(out: string): Facts {
  return group(
    lines(out).map((line) => {
      const fields = line.split('\t');
      const p: Record<string, unknown> = {};
      PKG_ATOMS.forEach((a, i) => fields[i] !== undefined && (p[a] = fields[i]));
      if (typeof p.arch === 'string') p.arch = p.arch.split(':')[2] ?? p.arch;
      if (typeof p.automatic === 'string') p.automatic = Number.parseInt(p.automatic, 10) !== 0;
      if (typeof p.category === 'string') p.category = p.category.split('/')[0];
      if (typeof p.version === 'string') {
        const [v, epoch] = splitOnce(p.version, ',');
        p.port_epoch = epoch ?? 0;
        const [ver, revision] = splitOnce(v, '_');
        p.version = ver;
        p.revision = revision ?? '0';
      }
      if (typeof p.vital === 'string') p.vital = Number.parseInt(p.vital, 10) !== 0;
      return { source: 'pkg', ...p } as Entry;
    }),
  );
}

/** pkg_info -a: "name-version   comment". */
export function parsePkgInfo(out: string): Facts {
  return group(
    lines(out).map((line) => {
      const word = line.trim().split(/\s+/)[0]!;
      const parts = rsplit(word, '-', 1);
      return parts.length === 2 ? { name: parts[0]!, version: parts[1]!, source: 'pkg_info' } : { name: line, version: '', source: 'pkg_info' };
    }),
  );
}

/** Python's str.rsplit(sep, max). */
function rsplit(s: string, sep: string, max: number): string[] {
  const parts = s.split(sep);
  return parts.length <= max + 1 ? parts : [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)];
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export const SPECS: Record<Manager, ManagerSpec> = {
  apt: { tool: 'dpkg-query', list: APT_LIST_SCRIPT, parse: parseAptPackages },
  rpm: { tool: 'rpm', list: RPM_LIST_SCRIPT, parse: parseRpmPackages },
  pacman: { tool: 'pacman', list: 'LC_ALL=C pacman -Qi', stderrFails: true, parse: parsePacman },
  apk: { tool: 'apk', list: 'apk info -v', stderrFails: true, parse: parseApk },
  portage: { tool: 'qlist', list: 'qlist -Iv | xargs -n 1024 qatom', parse: parsePortage },
  pkg: { tool: 'pkg', list: quoteArgv(['pkg', 'query', PKG_FORMAT]), stderrFails: true, parse: parsePkg },
  pkg_info: { tool: 'pkg_info', list: 'pkg_info -a', stderrFails: true, parse: parsePkgInfo },
};

/** Where Ansible's get_bin_path also looks. */
const SBIN = 'PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"; export PATH';
const MARK = '@@tsplay-listing@@';

/**
 * One script: `@@pm NAME` for each manager of `order` that is there, then the
 * listing of the first of them after a mark line (its stderr and exit code are
 * the script's).
 */
export function detectScript(order: readonly Manager[]): string {
  const found = order.map((m) => `if command -v ${quote(SPECS[m].tool)} >/dev/null 2>&1; then echo '@@pm ${m}'; f=\${f:-${m}}; fi`);
  const cases = order.map((m) => `${m}) ${SPECS[m].list} ;;`);
  return [SBIN, 'f=', ...found, `echo ${MARK}`, `case "$f" in`, ...cases, 'esac'].join('\n');
}

export function parseDetect(stdout: string): { available: Manager[]; listing: string } {
  const at = stdout.indexOf(`${MARK}\n`);
  const head = at < 0 ? stdout : stdout.slice(0, at);
  const available = head
    .split('\n')
    .filter((l) => l.startsWith('@@pm '))
    .map((l) => l.slice(5) as Manager);
  return { available, listing: at < 0 ? '' : stdout.slice(at + MARK.length + 1) };
}

/** The listing of one manager (strategy all: the ones after the first). */
export function listScript(m: Manager): string {
  return `${SBIN}\n${SPECS[m].list}`;
}

/** Ansible's reason a listing is not usable, or undefined when it is. */
export function listingError(m: Manager, res: { rc: number; stderr: string }): string | undefined {
  if (m === 'apt') return undefined;
  const spec = SPECS[m];
  if (res.rc !== 0 || (spec.stderrFails && res.stderr !== '')) return `Unable to list packages rc=${res.rc} : ${res.stderr}`;
  return undefined;
}
