// file: make a path a file (attributes only), directory, symlink, hard link,
// touched file, or absent. One stat probe plans; one shell command applies.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleFailure, type FileDiff, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { quote, quoteArgv } from '../src/host/shell.js';
import { parseStats, statPaths, statScript, type RemoteStat } from '../src/host/remote-stat.js';
import {
  addAttributeDiff,
  attributeChanges,
  attributeCommands,
  dictDiff,
  formatMode,
  hasChanges,
  validateMode,
  type AttributeChanges,
  type AttributeSpec,
  type ModeInput,
  SELINUX_OPTIONS,
} from '../src/file-ops/file-attributes.js';

import { withSelinuxContext } from '../src/file-ops/selinux-module.js';

type FileState = 'file' | 'directory' | 'link' | 'hard' | 'touch' | 'absent';

interface FileArgs {
  path: string;
  state?: FileState;
  mode?: ModeInput;
  owner?: string;
  group?: string;
  recurse: boolean;
  src?: string;
  force: boolean;
  follow: boolean;
  modification_time?: string;
  modification_time_format: string;
  access_time?: string;
  access_time_format: string;
}

interface FilePlanState {
  commands: string[];
  /** Path to describe in the result after applying (undefined for absent). */
  report?: string;
  base: ModuleResult;
}

/** Ansible's name for what is at a path. */
function currentState(st: RemoteStat): Exclude<FileState, 'touch'> {
  if (!st.exists) return 'absent';
  if (st.kind === 'link') return 'link';
  if (st.kind === 'directory') return 'directory';
  return (st.nlink ?? 1) > 1 ? 'hard' : 'file';
}

/** Ansible's path info: ownership, mode, state and size of what is at `path` now. */
function pathInfo(st: RemoteStat): ModuleResult {
  if (!st.exists) return { state: 'absent' };
  const info: ModuleResult = {
    uid: st.uid,
    gid: st.gid,
    owner: st.owner,
    group: st.group,
    mode: formatMode(st.rawMode ?? 0),
    state: currentState(st),
    size: st.size,
  };
  if (st.kind === 'link') info.src = st.linkTarget;
  return info;
}

function fail(msg: string, extra: ModuleResult = {}): never {
  throw new ModuleFailure(msg, extra);
}

/** touch arguments for modification_time / access_time ("now", "preserve" or a timestamp). */
function timeCommands(args: FileArgs, path: string, defaultTime: string): string[] {
  const out: string[] = [];
  const mtime = args.modification_time ?? defaultTime;
  const atime = args.access_time ?? defaultTime;
  for (const [flag, value] of [['-m', mtime], ['-a', atime]] as const) {
    if (value === 'preserve') continue;
    if (value === 'now') out.push(quoteArgv(['touch', '-c', flag, '--', path]));
    else {
      if (!/^\d{12}(\.\d{2})?$/.test(value)) {
        fail(`Error while obtaining timestamp for time ${value} using format ${args.modification_time_format}`);
      }
      out.push(quoteArgv(['touch', '-c', flag, '-t', value, '--', path]));
    }
  }
  return out;
}

function tmpName(path: string): string {
  return posix.join(posix.dirname(path), `.tsplay-link.${randomBytes(6).toString('hex')}`);
}

interface Planned {
  changed: boolean;
  commands: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  base: ModuleResult;
  report?: string;
  st: RemoteStat;
  /** Ansible shows no diff for some changes (touching a new file). */
  noDiff?: boolean;
}

/** Record a change of state in the diff (only when it differs, as Ansible does). */
function setStates(p: Planned, prev: string, state: string): void {
  if (prev === state) return;
  p.before.state = prev;
  p.after.state = state;
}

function withAttrs(p: Planned, path: string, spec: AttributeSpec, st: RemoteStat, isDir: boolean, noFollow = false) {
  const changes = st.exists ? attributeChanges(st, spec, isDir) : wantedOnNew(spec);
  if (noFollow) delete changes.mode;
  if (hasChanges(changes)) {
    p.changed = true;
    addAttributeDiff(p.before, p.after, changes);
    p.commands.push(...attributeCommands(path, spec, changes, { noFollow }));
  }
}

/** Everything given applies to a path that does not exist yet. */
function wantedOnNew(spec: AttributeSpec): AttributeChanges {
  const c: AttributeChanges = {};
  if (spec.mode !== undefined) {
    c.mode = { before: '', after: typeof spec.mode === 'string' && !/^[0-7]+$/.test(spec.mode) ? spec.mode : formatMode(Number(typeof spec.mode === 'number' ? spec.mode : parseInt(spec.mode, 8))) };
  }
  if (spec.owner !== undefined) c.owner = { before: '', after: spec.owner };
  if (spec.group !== undefined) c.group = { before: '', after: spec.group };
  return c;
}

async function planFile(ctx: ModuleContext<FileArgs>): Promise<Plan<FilePlanState>> {
  const a = ctx.args;
  const path = a.path.length > 1 ? a.path.replace(/\/+$/, '') : a.path;
  if (a.mode !== undefined) validateMode(a.mode);
  const linkSrc = a.src !== undefined && a.state === 'link' ? posix.resolve(posix.dirname(path), a.src) : a.src;
  const [st, followed, srcSt] = await statPaths(ctx.conn, [
    { path },
    { path, follow: true },
    ...(linkSrc !== undefined ? [{ path: linkSrc }] : []),
  ]);
  const prev = currentState(st!);
  const state: FileState = a.state ?? (prev !== 'absent' ? prev : a.recurse ? 'directory' : 'file');
  if (a.recurse && state !== 'directory') fail("recurse option requires state to be 'directory'", { path });
  if (a.src !== undefined && state !== 'link' && state !== 'hard') {
    fail("src option requires state to be 'link' or 'hard'", { path });
  }
  const spec: AttributeSpec = { mode: a.mode, owner: a.owner, group: a.group };
  const p: Planned = { changed: false, commands: [], before: { path }, after: { path }, base: {}, report: path, st: st! };
  const stateDiff = () => setStates(p, prev, state);

  switch (state) {
    case 'absent':
      p.base = { path, state: 'absent' };
      p.report = undefined;
      if (prev !== 'absent') {
        p.changed = true;
        stateDiff();
        p.commands.push(quoteArgv(['rm', '-rf', '--', path]));
      }
      break;

    case 'file': {
      let cur = st!;
      let target = path;
      if (a.follow && prev === 'link' && followed!.exists) {
        cur = followed!;
        target = st!.realPath ?? path;
      }
      const now = currentState(cur);
      if (now !== 'file' && now !== 'hard') {
        fail(`file (${path}) is ${now}, cannot continue`, { path, ...pathInfo(cur) });
      }
      p.base = { path: target };
      p.report = target;
      withAttrs(p, target, spec, cur, false);
      const times = timeCommands(a, target, 'preserve');
      if (times.length > 0) (p.changed = true), p.commands.push(...times);
      break;
    }

    case 'directory': {
      let cur = st!;
      let target = path;
      if (a.follow && prev === 'link') {
        cur = followed!;
        target = st!.realPath ?? path;
      }
      const now = currentState(cur);
      p.base = { path: target };
      p.report = target;
      if (now === 'absent') {
        p.changed = true;
        setStates(p, 'absent', 'directory');
        const parts = target.split('/').filter(Boolean);
        const components = parts.map((_, i) => (target.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
        const attrs = attributeCommands('$d', spec, wantedOnNew(spec)).map((c) => c.replace(/'\$d'$/, '"$d"'));
        // Another process may create a component meanwhile (as Ansible, that is fine if it is a
        // directory); a second mkdir gives the message of a real failure.
        const make = ['{ mkdir -- "$d" 2>/dev/null || [ -d "$d" ] || mkdir -- "$d"; }', ...attrs].join(' && ');
        p.commands.push(`for d in ${components.map(quote).join(' ')}; do if [ ! -e "$d" ]; then ${make} || exit 1; fi; done`);
        // Ansible's check-mode diff of a new directory has no mode; the real run's has.
        if (a.mode !== undefined && !ctx.check) p.after.mode = wantedOnNew(spec).mode!.after;
      } else if (now !== 'directory') {
        fail(`${path} already exists as a ${now}`, { path });
      } else {
        withAttrs(p, target, spec, cur, true);
        if (a.recurse) await planRecurse(ctx, p, target, spec);
      }
      const times = timeCommands(a, target, 'preserve');
      if (times.length > 0) (p.changed = true), p.commands.push(...times);
      break;
    }

    case 'touch': {
      p.base = { dest: path };
      stateDiff();
      if (prev === 'absent') {
        // Ansible shows no diff for touching a new file in check mode.
        p.noDiff = ctx.check;
        p.commands.push(quoteArgv(['touch', '--', path]));
        withAttrs(p, path, spec, st!, false);
      } else {
        withAttrs(p, path, spec, a.follow && followed!.exists ? followed! : st!, prev === 'directory', prev === 'link' && !a.follow);
      }
      const times = timeCommands(a, path, 'now');
      if (prev === 'absent' || times.length > 0) p.changed = true;
      if (prev !== 'absent') p.commands.push(...times);
      break;
    }

    case 'link':
      planLink(a, p, path, prev, st!, followed!, srcSt, spec);
      break;

    case 'hard':
      planHard(a, p, path, prev, st!, srcSt, spec);
      break;
  }

  const diff: FileDiff[] = ctx.diff ? [dictDiff(p.before, p.after)] : [];
  const result: ModuleResult = { ...p.base };
  const described = p.report === path ? st! : p.report ? followed! : undefined;
  if (described?.exists) Object.assign(result, pathInfo(described), p.base);
  if (state === 'absent') result.state = 'absent';
  return {
    changed: p.changed,
    result,
    diff: p.changed && !p.noDiff ? diff : undefined,
    state: { commands: p.commands, report: p.report, base: p.base },
    creates: p.changed && state !== 'absent' ? [{ kind: 'file', key: path }] : undefined,
  };
}

/** Attributes of everything below a directory (one more round trip, only for recurse). */
async function planRecurse(ctx: ModuleContext<FileArgs>, p: Planned, dir: string, spec: AttributeSpec) {
  const res = await ctx.conn.exec(
    `find ${quote(dir)} -mindepth 1 ! -type l -printf '%y %m %U %G %u %g\\n'`,
  );
  if (res.rc !== 0) fail(`Could not recursively set attributes on ${dir}. Original error was: '${res.stderr.trim()}'`);
  const merged: AttributeChanges = {};
  for (const line of res.stdout.split('\n').filter(Boolean)) {
    const [y, mode, uid, gid, owner, group] = line.split(' ');
    const changes = attributeChanges(
      { mode: mode!, uid: Number(uid), gid: Number(gid), owner, group },
      spec,
      y === 'd',
    );
    Object.assign(merged, changes);
  }
  if (hasChanges(merged)) {
    p.changed = true;
    p.commands.push(...attributeCommands(dir, spec, merged, { recurse: true }));
  }
}

function planLink(
  a: FileArgs,
  p: Planned,
  path: string,
  prev: string,
  st: RemoteStat,
  followed: RemoteStat,
  srcSt: RemoteStat | undefined,
  spec: AttributeSpec,
) {
  p.base = { dest: path, src: a.src ?? st.linkTarget };
  const absSrc = a.src !== undefined ? posix.resolve(posix.dirname(path), a.src) : undefined;
  if (!a.force && a.src !== undefined && !srcSt?.exists) {
    fail(`src file does not exist, use "force=yes" if you really want to create the link: ${absSrc}`, { path, src: a.src });
  }
  if (prev === 'directory' && !a.force) fail(`refusing to convert from directory to symlink for ${path}`, { path });
  if ((prev === 'file' || prev === 'hard') && !a.force) fail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  if (prev !== 'link') {
    if (a.src === undefined) fail('src is required for creating new symlinks');
    setStates(p, prev, 'link');
    p.changed = true;
  } else if (a.src !== undefined && st.linkTarget !== a.src) {
    p.before.src = st.linkTarget;
    p.after.src = a.src;
    p.changed = true;
  }
  if (p.changed) {
    const tmp = tmpName(path);
    if (prev === 'directory') {
      p.commands.push(
        `rmdir -- ${quote(path)} 2>/dev/null || { echo ${quote(`the directory ${path} is not empty, refusing to convert it`)} >&2; exit 1; }`,
      );
    }
    p.commands.push(quoteArgv(['ln', '-s', '--', a.src!, tmp]) + ' && ' + quoteArgv(['mv', '-Tf', '--', tmp, path]));
  }
  if (a.follow) {
    // Attributes go to what the link points to (chmod/chown follow it).
    const target = p.changed ? srcSt : followed;
    if (target?.exists) withAttrs(p, path, spec, target, target.kind === 'directory');
  } else {
    // A symlink's own mode is never used; only its ownership is set.
    withAttrs(p, path, { owner: spec.owner, group: spec.group }, st, false, true);
  }
}

function planHard(
  a: FileArgs,
  p: Planned,
  path: string,
  prev: string,
  st: RemoteStat,
  srcSt: RemoteStat | undefined,
  spec: AttributeSpec,
) {
  p.base = { dest: path, src: a.src };
  if (prev !== 'hard' && a.src === undefined) fail('src is required for creating new hardlinks');
  if (a.src !== undefined && !srcSt?.exists) fail('src does not exist', { dest: path, src: a.src });
  const sameInode = srcSt?.exists && st.exists && st.inode === srcSt.inode && st.dev === srcSt.dev;
  if (prev === 'absent') p.changed = true;
  else if (prev === 'link') {
    if (st.linkTarget !== a.src) {
      p.before.src = st.linkTarget;
      p.after.src = a.src;
      p.changed = true;
    }
  } else if (a.src !== undefined && !sameInode) {
    p.changed = true;
    if (!a.force) {
      const msg =
        prev === 'hard'
          ? 'Cannot link, different hard link exists at destination'
          : prev === 'file'
            ? 'Cannot link, file exists at destination'
            : 'Cannot link: different hard link exists at destination';
      fail(msg, { dest: path, src: a.src });
    }
  }
  if (p.changed) {
    setStates(p, prev, 'hard');
    const tmp = tmpName(path);
    p.commands.push(quoteArgv(['ln', '--', a.src!, tmp]) + ' && ' + quoteArgv(['mv', '-Tf', '--', tmp, path]));
  }
  // The new link shares the source's inode, so compare attributes with it.
  withAttrs(p, path, spec, p.changed ? srcSt! : st, false);
}

const file: Module<FileArgs, FilePlanState> = {
  name: 'file',
  summary: 'Manage files and file properties',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      state: { type: 'string', enum: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
      mode: { type: ['string', 'integer'] },
      owner: { type: 'string' },
      group: { type: 'string' },
      recurse: { type: 'boolean', default: false },
      src: { type: 'string' },
      force: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: true },
      modification_time: { type: 'string' },
      modification_time_format: { type: 'string', default: '%Y%m%d%H%M.%S' },
      access_time: { type: 'string' },
      access_time_format: { type: 'string', default: '%Y%m%d%H%M.%S' },
      attributes: { type: 'string' },
      ...SELINUX_OPTIONS,
      unsafe_writes: { type: 'boolean', default: false },
      _diff_peek: { type: 'string' },
      _original_basename: { type: 'string' },
    },
    required: ['path'],
  },
  optionAliases: { dest: 'path', name: 'path', attr: 'attributes' },
  plan: planFile,
  async apply(ctx, plan) {
    const s = plan.state!;
    const report = s.report ? [{ path: s.report }] : [];
    // The changes, then (if they succeeded) the stat of the result, in one round trip.
    const changes = s.commands.length > 0 ? `{\n${s.commands.join('\n')}\n} || exit $?\n` : '';
    if (!changes && !s.report) return { result: { ...plan.result } };
    const res = await ctx.conn.exec(changes + statScript(report));
    if (res.rc !== 0) fail(res.stderr.trim() || `exit ${res.rc}`, { path: ctx.args.path });
    if (!s.report) return { result: { ...plan.result } };
    const [st] = parseStats(res.stdout, report);
    return { result: { ...pathInfo(st!), ...s.base } };
  },
};

export default withSelinuxContext(file, (a) => (a.state === 'absent' ? undefined : { path: a.path, follow: a.follow }));
