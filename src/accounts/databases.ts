// The account databases as NSS answers them (getent passwd/shadow/group), read
// in the same round trip as whatever else a module asks of the host: a probe
// script made of sections, each printing its output then a mark with its exit code.
import type { Connection } from '../connection/connection.js';
import { probe } from '../host/run.js';
import { raw } from '../host/shell.js';

export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

export interface ShadowEntry {
  name: string;
  password: string;
  /** Days since the epoch the account expires; -1 when the field is empty. */
  expire: number;
  /** Least and most days between password changes; -1 when the field is empty. */
  min: number;
  max: number;
}

export function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  return { name: f[0]!, password: f[1]!, uid: Number(f[2]), gid: Number(f[3]), gecos: f[4]!, home: f[5]!, shell: f.slice(6).join(':') };
}

export function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4) return undefined;
  return { name: f[0]!, password: f[1]!, gid: Number(f[2]), members: f[3] === '' ? [] : f[3]!.split(',') };
}

export function parseShadow(line: string): ShadowEntry | undefined {
  const f = line.split(':');
  if (f.length < 8) return undefined;
  const days = (v: string) => (v === '' ? -1 : Number(v));
  return { name: f[0]!, password: f[1]!, expire: days(f[7]!), min: days(f[3]!), max: days(f[4]!) };
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

export const parseGroups = (text: string): GroupEntry[] =>
  text.split('\n').flatMap((l) => {
    const g = parseGroup(l);
    return g ? [g] : [];
  });

/** Python's grp lookup as Ansible's user and group modules do it: by gid when the text is a number, else by name. */
export function findGroup(groups: readonly GroupEntry[], nameOrGid: string | number): GroupEntry | undefined {
  const text = String(nameOrGid).trim();
  if (/^[+-]?\d+$/.test(text)) {
    const byGid = groups.find((g) => g.gid === Number(text));
    if (byGid) return byGid;
  }
  return groups.find((g) => g.name === String(nameOrGid));
}

const MARK = '@@tsplay-accounts@@';

/** One probe of several named sections (trusted shell fragments, their words quoted by the caller). */
export async function probeSections(conn: Connection, sections: Record<string, string>): Promise<Record<string, { rc: number; out: string }>> {
  const script = Object.entries(sections)
    .map(([name, text]) => `( ${text}\n) 2>/dev/null; printf '\\n%s %s %s\\n' ${MARK} ${name} $?`)
    .join('\n');
  const res = await probe(conn, raw(script));
  return splitSections(res.stdout);
}

/** The sections of a probe's output, by name. */
export function splitSections(stdout: string): Record<string, { rc: number; out: string }> {
  const found: Record<string, { rc: number; out: string }> = {};
  let rest = stdout;
  for (;;) {
    const at = rest.indexOf(`\n${MARK} `);
    if (at < 0) break;
    const end = rest.indexOf('\n', at + 1);
    const [, name, rc] = rest.slice(at + 1, end < 0 ? undefined : end).split(' ');
    found[name!] = { rc: Number(rc), out: rest.slice(0, at) };
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  return found;
}

export const passwdOf = (section?: { rc: number; out: string }): PasswdEntry | undefined =>
  section && section.rc === 0 ? parsePasswd(firstLine(section.out)) : undefined;

export const shadowOf = (section?: { rc: number; out: string }): ShadowEntry | undefined =>
  section && section.rc === 0 ? parseShadow(firstLine(section.out)) : undefined;
