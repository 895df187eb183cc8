// How the hostname module reads and sets a host's name, per strategy (the
// `use` choices of Ansible's hostname module), from one probe's sections.
// A name read as null is OpenRC's file without a `hostname=` line (Python's
// None, which Ansible's module then crashes on).
import { quote } from '../host/shell.js';
import type { HostCommand } from '../host/run.js';

type Section = (name: string) => { rc: number; out: string };

export interface Strategy {
  read?: (section: Section) => { current: string | null; permanent: string | null };
  setCurrent(name: string): (HostCommand | string)[];
  setPermanent(name: string, section: Section): (HostCommand | string)[];
  permanentFirst?: boolean;
  maxLength?: number;
  /** The directory the name's file goes in, when it may be missing (Ansible's open() then fails). */
  fileDir?: { section: string; file: string };
  /** The exception Ansible's strategy raises before reading anything. */
  raises?: string;
}

/**
 * Writes `text` to `file` through a temporary name in the same directory,
 * keeping an existing file's mode and owner (Ansible rewrites it in place).
 */
const writeFile = (file: string, text: string): string => {
  const f = quote(file);
  const keep = `if [ -e ${f} ]; then chmod --reference=${f} "$t" && chown --reference=${f} "$t"; else chmod 644 "$t"; fi`;
  return `t=$(mktemp ${quote(`${file}.XXXXXX`)}) && printf '%s' ${quote(text)} > "$t" && ${keep} && mv -f "$t" ${f}`;
};

const fileContent = (s: { rc: number; out: string }): string => (s.rc === 0 ? s.out.trim() : '');

/** A strategy keeping the name in a file (the current name is the file's). */
const fileStrategy = (section: string, file: string, after: (name: string) => string[] = () => []): Strategy => ({
  read: (get) => {
    const name = fileContent(get(section));
    return { current: name, permanent: name };
  },
  setCurrent: () => [],
  setPermanent: (name) => [writeFile(file, `${name}\n`), ...after(name)],
});

const systemd: Strategy = {
  read: (get) => ({ current: get('transient').out.trim(), permanent: get('static').out.trim() }),
  setCurrent: (name) => [['hostnamectl', '--transient', 'set-hostname', name]],
  setPermanent: (name) => [['hostnamectl', '--pretty', '--static', 'set-hostname', name]],
  permanentFirst: true,
  maxLength: 64,
};

/** RedHat's /etc/sysconfig/network: its HOSTNAME= line replaced or added. */
const redhat: Strategy = {
  read: (get) => {
    const line = get('network').out.split('\n').map((l) => l.trim()).find((l) => l.startsWith('HOSTNAME'));
    const name = line ? (line.split('=')[1] ?? '').trim() : '';
    return { current: name, permanent: name };
  },
  setCurrent: () => [],
  setPermanent: (name) => [
    `f=/etc/sysconfig/network; t=$(mktemp "$f.XXXXXX") && { if [ -f "$f" ]; then grep -v '^[[:space:]]*HOSTNAME' "$f"; fi; printf 'HOSTNAME=%s\\n' ${quote(name)}; } > "$t" && chmod 644 "$t" && mv -f "$t" "$f"`,
  ],
};

/** Python's str.splitlines() boundaries. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Gentoo's /etc/conf.d/hostname: the first `hostname=` line, read without its first 10 characters and quotes. */
const openrcLines = (s: { rc: number; out: string }): string[] => (s.rc === 0 ? s.out.trim().split(LINE_BREAK).map((l) => l.trim()) : []);
const openrc: Strategy = {
  read: (get) => {
    const section = get('openrc');
    const line = openrcLines(section).find((l) => l.startsWith('hostname='));
    const name = section.rc !== 0 ? '' : line === undefined ? null : line.slice(10).replace(/^"+|"+$/g, '');
    return { current: name, permanent: name };
  },
  setCurrent: () => [],
  // That line rewritten (none is added), every line stripped.
  setPermanent: (name, get) => {
    const lines = openrcLines(get('openrc'));
    const at = lines.findIndex((l) => l.startsWith('hostname='));
    if (at >= 0) lines[at] = `hostname="${name}"`;
    return [writeFile('/etc/conf.d/hostname', `${lines.join('\n')}\n`)];
  },
  fileDir: { section: 'openrcDir', file: '/etc/conf.d/hostname' },
};

const unsupported: Strategy = { setCurrent: () => [], setPermanent: () => [] };

export const STRATEGIES: Record<string, Strategy> = {
  alpine: fileStrategy('file', '/etc/hostname', () => ['hostname -F /etc/hostname']),
  debian: systemd,
  freebsd: unsupported,
  // Ansible 2.14 maps it to its base class, whose reading raises.
  generic: { ...unsupported, raises: 'NotImplementedError' },
  macos: unsupported,
  macosx: unsupported,
  darwin: unsupported,
  openbsd: unsupported,
  openrc,
  redhat,
  sles: fileStrategy('sles', '/etc/HOSTNAME'),
  solaris: unsupported,
  systemd,
};

/** A Debian-like host without systemd: /etc/hostname (not a `use` choice). */
export const FILE_STRATEGY = fileStrategy('file', '/etc/hostname');

/** Python's socket.getfqdn() on the host: the first name of the host's address that holds a dot, else its canonical name. */
export function fqdnScript(): string {
  return `(${[
    'n=$(hostname); ip=$(getent hosts "$n" | awk \'{print $1; exit}\')',
    'if [ -z "$ip" ]; then echo "$n"; exit 0; fi',
    'set -- $(getent hosts "$ip" | head -n 1); shift',
    'if [ $# -eq 0 ]; then echo "$n"; exit 0; fi',
    'for w in "$@"; do case "$w" in *.*) echo "$w"; exit 0;; esac; done; echo "$1"',
  ].join('\n')})`;
}

export function hostnameFacts(name: string, fqdn: string): Record<string, string> {
  return {
    ansible_hostname: name.split('.')[0]!,
    ansible_nodename: name,
    ansible_fqdn: fqdn,
    ansible_domain: fqdn.split('.').slice(1).join('.'),
  };
}
