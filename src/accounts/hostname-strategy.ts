// How the hostname module reads and sets a host's name, per strategy (the
// `use` choices of Ansible's hostname module), from one probe's sections.
import { quote } from '../host/shell.js';
import type { HostCommand } from '../host/run.js';

type Section = (name: string) => { rc: number; out: string };

export interface Strategy {
  read?: (section: Section) => { current: string; permanent: string };
  setCurrent(name: string): (HostCommand | string)[];
  setPermanent(name: string): (HostCommand | string)[];
  permanentFirst?: boolean;
  maxLength?: number;
}

/** Writes `text` to `file` through a temporary name in the same directory. */
const writeFile = (file: string, text: string): string =>
  `t=$(mktemp ${quote(`${file}.XXXXXX`)}) && printf '%s' ${quote(text)} > "$t" && chmod 644 "$t" && mv -f "$t" ${quote(file)}`;

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

const unsupported: Strategy = { setCurrent: () => [], setPermanent: () => [] };

export const STRATEGIES: Record<string, Strategy> = {
  alpine: fileStrategy('file', '/etc/hostname', () => ['hostname -F /etc/hostname']),
  debian: systemd,
  freebsd: unsupported,
  generic: unsupported,
  macos: unsupported,
  macosx: unsupported,
  darwin: unsupported,
  openbsd: unsupported,
  openrc: unsupported,
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
