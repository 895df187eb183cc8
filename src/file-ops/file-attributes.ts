// File attributes shared by copy, template and file: parsing Ansible's `mode`
// (octal number, octal string or symbolic `u+rwx,g-w,o=r` evaluated against the
// current mode), comparing mode/owner/group with a probed state, the shell to
// apply them, and Ansible's dict-style diff (`{before: {path, state}, ...}`).
import { ModuleFailure, type FileDiff } from '../module-api/module-types.js';
import { quoteArgv } from '../host/shell.js';

export type ModeInput = string | number;

export interface AttributeSpec {
  mode?: ModeInput;
  owner?: string;
  group?: string;
}

/** What a path looks like now (a subset of a probe result). */
export interface AttributeState {
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
}

/** Ansible's rendering of a mode: "0" then at least three octal digits. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

const SYMBOLIC_CLAUSE = /^([ugoa]*)([-+=])([rwxXstugo]*)$/;

function isOctal(mode: ModeInput): boolean {
  return typeof mode === 'number' || /^[0-7]+$/.test(mode);
}

function badMode(mode: ModeInput, detail: string): ModuleFailure {
  return new ModuleFailure(`mode must be in octal or symbolic form`, { details: `${detail}: ${String(mode)}` });
}

/** Check a user's mode up front (so plan fails before anything is changed). */
export function validateMode(mode: ModeInput): void {
  if (isOctal(mode)) return;
  for (const clause of String(mode).split(',')) {
    if (!SYMBOLIC_CLAUSE.test(clause)) throw badMode(mode, 'bad symbolic permission for mode');
  }
}

/** A user's mode as a number, symbolic clauses applied in order to `current`. */
export function resolveMode(mode: ModeInput, current: number, isDir: boolean): number {
  if (typeof mode === 'number') return mode & 0o7777;
  if (/^[0-7]+$/.test(mode)) return parseInt(mode, 8) & 0o7777;
  validateMode(mode);
  let result = current & 0o7777;
  for (const clause of mode.split(',')) {
    const [, whoText, op, permText] = SYMBOLIC_CLAUSE.exec(clause)!;
    const who = whoText === '' || whoText!.includes('a') ? 'ugo' : whoText!;
    let mask = 0;
    for (const w of who) mask |= w === 'u' ? 0o4700 : w === 'g' ? 0o2070 : 0o1007;
    let bits = 0;
    for (const p of permText!) bits |= permBits(p, result, isDir);
    // Keep only the bits that belong to the named classes.
    bits &= mask;
    if (op === '+') result |= bits;
    else if (op === '-') result &= ~bits;
    else result = (result & ~mask) | bits;
  }
  return result;
}

/** Bits of one permission letter, for all classes (masked by the caller). */
function permBits(p: string, current: number, isDir: boolean): number {
  switch (p) {
    case 'r':
      return 0o444;
    case 'w':
      return 0o222;
    case 'x':
      return 0o111;
    case 'X':
      return isDir || (current & 0o111) !== 0 ? 0o111 : 0;
    case 's':
      return 0o6000;
    case 't':
      return 0o1000;
    default: {
      // u, g, o: copy that class's current bits to every class.
      const shift = p === 'u' ? 6 : p === 'g' ? 3 : 0;
      const rwx = (current >> shift) & 7;
      return (rwx << 6) | (rwx << 3) | rwx;
    }
  }
}

/** A mode in a form chmod understands with Ansible's meaning (no who = all, not umask). */
export function chmodArgument(mode: ModeInput): string {
  if (typeof mode === 'number') return formatMode(mode);
  if (/^[0-7]+$/.test(mode)) return mode.padStart(4, '0');
  return mode
    .split(',')
    .map((c) => (/^[-+=]/.test(c) ? `a${c}` : c))
    .join(',');
}

export interface AttributeChanges {
  mode?: { before: string; after: string };
  owner?: { before: number | string; after: number | string };
  group?: { before: number | string; after: number | string };
}

function sameId(wanted: string, id: number | undefined, name: string | undefined): boolean {
  return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/** Which of mode/owner/group differ from what is wanted. */
export function attributeChanges(state: AttributeState, spec: AttributeSpec, isDir: boolean): AttributeChanges {
  const changes: AttributeChanges = {};
  if (spec.mode !== undefined && state.mode !== undefined) {
    const current = parseInt(state.mode, 8);
    const wanted = resolveMode(spec.mode, current, isDir);
    if (wanted !== current) changes.mode = { before: formatMode(current), after: formatMode(wanted) };
  }
  if (spec.owner !== undefined && !sameId(spec.owner, state.uid, state.owner)) {
    changes.owner = { before: state.uid ?? '', after: /^\d+$/.test(spec.owner) ? Number(spec.owner) : spec.owner };
  }
  if (spec.group !== undefined && !sameId(spec.group, state.gid, state.group)) {
    changes.group = { before: state.gid ?? '', after: /^\d+$/.test(spec.group) ? Number(spec.group) : spec.group };
  }
  return changes;
}

export function hasChanges(changes: AttributeChanges): boolean {
  return Object.keys(changes).length > 0;
}

/**
 * Shell lines that set mode/owner/group on `path` (only those in `changes`).
 * `noFollow` changes a symlink's own ownership and leaves its mode alone.
 */
export function attributeCommands(
  path: string,
  spec: AttributeSpec,
  changes: AttributeChanges,
  options: { noFollow?: boolean; recurse?: boolean } = {},
): string[] {
  const lines: string[] = [];
  const r = options.recurse ? ['-R'] : [];
  if (changes.owner || changes.group) {
    const who = `${changes.owner ? spec.owner : ''}${changes.group ? `:${spec.group}` : ''}`;
    const h = options.noFollow || options.recurse ? ['-h'] : [];
    lines.push(quoteArgv(['chown', ...r, ...h, '--', who, path]));
  }
  if (changes.mode && spec.mode !== undefined && !options.noFollow) {
    lines.push(quoteArgv(['chmod', ...r, '--', chmodArgument(spec.mode), path]));
  }
  return lines;
}

/** Ansible's before/after dicts of a file change, as the diff text its callback prints. */
export function dictDiff(before: Record<string, unknown>, after: Record<string, unknown>): FileDiff {
  return { before: serializeDict(before), after: serializeDict(after) };
}

/** JSON with sorted keys and four-space indent, like Ansible's diff serialisation. */
export function serializeDict(value: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 4)}\n`;
}

/** Add attribute changes to a before/after dict pair, as Ansible's diff does. */
export function addAttributeDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  changes: AttributeChanges,
): void {
  for (const key of ['mode', 'owner', 'group'] as const) {
    const c = changes[key];
    if (c) {
      before[key] = c.before;
      after[key] = c.after;
    }
  }
}

/**
 * The SELinux context options of file, copy and template. On a host without
 * SELinux Ansible ignores them silently (no result key, no message), and so
 * does tsplay; where it is enabled, selinux-module.ts sets the context.
 */
export const SELINUX_OPTIONS: Record<string, Record<string, unknown>> = {
  seuser: { type: 'string', description: 'SELinux user of the path (`_default`: the policy\'s; ignored where SELinux is disabled).' },
  serole: { type: 'string', description: 'SELinux role of the path (`_default`: the policy\'s; ignored where SELinux is disabled).' },
  setype: { type: 'string', description: 'SELinux type of the path (`_default`: the policy\'s; ignored where SELinux is disabled).' },
  selevel: { type: 'string', description: 'SELinux level of the path (MLS policies; `_default`: the policy\'s; ignored where SELinux is disabled).' },
};
