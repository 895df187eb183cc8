// SELinux contexts of the paths file-like modules manage (seuser, serole,
// setype, selevel), with Ansible's rules: nothing at all where SELinux is
// disabled; else the path's current context with the given parts put in
// (`_default` meaning the policy's default, from `matchpathcon`), the level
// only where the policy is MLS, and on a "special" file system (nfs, fuse...)
// the mount point's context instead. One probe reads all of it; `chcon` applies.
import { quote, quoteArgv, raw } from '../host/shell.js';
import { probe } from '../host/run.js';
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';

export interface SelinuxSpec {
  seuser?: string;
  serole?: string;
  setype?: string;
  selevel?: string;
}

/** What the probe found; `enabled: false` means leave everything alone. */
export interface SelinuxProbe {
  enabled: boolean;
  mls?: boolean;
  /** The path's context now; undefined when it does not exist yet. */
  current?: string;
  /** What the policy says the path should have (matchpathcon); undefined when it could not say. */
  default?: string;
  /** The mount point's context when the path is on a special file system. */
  special?: string;
}

/** Ansible's selinux_special_fs default. */
const SPECIAL_FS = ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'];

const SELINUX_KEYS = ['seuser', 'serole', 'setype', 'selevel'] as const;

/** The SELinux options a task gave, or undefined when it gave none (then nothing is probed). */
export function selinuxSpec(args: object): SelinuxSpec | undefined {
  const a = args as Record<string, unknown>;
  const spec: SelinuxSpec = {};
  for (const k of SELINUX_KEYS) if (typeof a[k] === 'string') spec[k] = a[k] as string;
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/**
 * One shell script: is SELinux enabled (selinuxfs mounted, else `selinuxenabled`),
 * is it MLS, and for `path` its context, its default context and a special
 * file system's context. Prints only `selinux=disabled` on a host without it.
 */
export function selinuxProbeScript(path: string, follow = false): string {
  const specials = SPECIAL_FS.map((f) => `*${f}*`).join('|');
  return [
    'if [ -e /sys/fs/selinux/enforce ] || { command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; }; then',
    'echo selinux=enabled',
    `[ "$(cat /sys/fs/selinux/mls 2>/dev/null)" = 1 ] && echo mls=1`,
    `p=${quote(path)}`,
    `if [ -e "$p" ] || [ -L "$p" ]; then printf 'current=%s\\n' "$(stat ${follow ? '-L ' : ''}-c %C -- "$p")"; q=$p; else q=$(dirname -- "$p"); fi`,
    `printf 'default=%s\\n' "$(matchpathcon -n -- "$p" 2>/dev/null)"`,
    `m=$(findmnt -no FSTYPE,TARGET -T "$q" 2>/dev/null)`,
    `case "\${m%% *}" in ${specials}) printf 'special=%s\\n' "$(stat -c %C -- "\${m#* }")";; esac`,
    'else echo selinux=disabled; fi',
  ].join('\n');
}

export function parseSelinuxProbe(stdout: string): SelinuxProbe {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (fields.get('selinux') !== 'enabled') return { enabled: false };
  const value = (k: string) => (fields.get(k) ? fields.get(k) : undefined);
  const probed: SelinuxProbe = { enabled: true, mls: fields.get('mls') === '1', current: value('current'), default: value('default') };
  if (fields.has('current') && !probed.current) probed.current = '';
  const special = value('special');
  if (special) probed.special = special;
  return probed;
}

/** Probe SELinux for `path` in one round trip. */
export async function probeSelinux(conn: Connection, path: string, follow = false): Promise<SelinuxProbe> {
  const res = await probe(conn, raw(selinuxProbeScript(path, follow)));
  return parseSelinuxProbe(res.stdout);
}

/** A context as Ansible lists it: user, role, type and (MLS) the level, which may hold colons. */
export function splitContext(context: string): string[] {
  const parts = context.split(':');
  return parts.length > 4 ? [...parts.slice(0, 3), parts.slice(3).join(':')] : parts;
}

/** The given parts by position, `_default` taken from the policy's default (unknown: keep the current). */
function givenParts(spec: SelinuxSpec, probed: SelinuxProbe): (string | undefined)[] {
  const given = [spec.seuser, spec.serole, spec.setype, probed.mls ? spec.selevel : undefined];
  const defaults = probed.default ? splitContext(probed.default) : [];
  return given.map((g, i) => (g === '_default' ? defaults[i] : g));
}

/** The context `base` becomes with the given parts put in. */
function merged(base: string[], given: (string | undefined)[]): string[] {
  return base.map((part, i) => given[i] ?? part);
}

export interface ContextWork {
  /** The context differs now (or the path is to be made): the task changes. */
  changed: boolean;
  /** Ansible's diff entries (only for a path that exists). */
  before?: string[];
  after?: string[];
  /** The chcon command to run after the module's own change; undefined when nothing is to be set. */
  command?: string;
}

/**
 * What to do about the context of `path`. `rewritten`: the module's own change
 * may replace the file (a new inode gets its directory's context), so the full
 * context is set again after it even when it is right now, as Ansible keeps it.
 */
export function contextWork(
  probed: SelinuxProbe,
  spec: SelinuxSpec,
  path: string,
  options: { follow?: boolean; rewritten?: boolean } = {},
): ContextWork | undefined {
  if (!probed.enabled) return undefined;
  const h = options.follow ? [] : ['-h'];
  const chcon = (context: string[]) => quoteArgv(['chcon', ...h, '--', context.join(':'), path]);
  const given = givenParts(spec, probed);
  if (probed.current === '') throw new ModuleFailure('failed to retrieve selinux context', { path });
  if (probed.current === undefined) {
    // Not there and not made by the module (lineinfile absent on a missing file): nothing to label.
    if (!options.rewritten) return undefined;
    // Made by the module's change: Ansible's check mode says changed; the run sets default + given parts.
    if (probed.special) return { changed: true, command: chcon(splitContext(probed.special)) };
    if (probed.default) return { changed: true, command: chcon(merged(splitContext(probed.default), given)) };
    const flags: string[] = [];
    ['-u', '-r', '-t', '-l'].forEach((flag, i) => given[i] !== undefined && flags.push(flag, given[i]!));
    return { changed: true, command: flags.length > 0 ? quoteArgv(['chcon', ...h, ...flags, '--', path]) : undefined };
  }
  const before = splitContext(probed.current);
  const after = probed.special ? splitContext(probed.special) : merged(before, given);
  const changed = after.join(':') !== before.join(':');
  if (!changed) return options.rewritten ? { changed: false, command: chcon(after) } : undefined;
  return { changed, before, after, command: chcon(after) };
}
