// Putting bytes at a host path, as copy and template do: one probe (dest, the
// file inside it when dest is a directory, and its parent), a checksum
// comparison with the content on the controller, attributes compared with the
// probe; apply validates if asked, writes atomically, then reports the result.
import { hash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Applied, FileDiff, ModuleContext, ModuleResult, Plan } from '../module-api/module-types.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probePath, probePaths, putFile, sha1, writeFileAtomic, type PutResult, type RemoteFileState } from '../host/remote-files.js';
import { rememberFile } from '../host/known-files.js';
import {
  addAttributeDiff,
  attributeChanges,
  attributeCommands,
  chmodArgument,
  dictDiff,
  formatMode,
  hasChanges,
  validateMode,
  type AttributeChanges,
  type AttributeSpec,
  type ModeInput,
} from './file-attributes.js';
import { quote, quoteArgv, raw, splitArgs } from '../host/shell.js';
import { mustRun } from '../host/run.js';

/** Ansible's limit for showing file contents in a diff. */
export const MAX_DIFF_SIZE = 104448;

/** Options copy and template share. */
export interface WriteArgs {
  dest: string;
  mode?: ModeInput;
  owner?: string;
  group?: string;
  backup?: boolean;
  force?: boolean;
  validate?: string;
  directory_mode?: ModeInput;
}

/** The bytes to put, with what the result and diff say about where they came from. */
export interface ContentSource {
  data: Buffer;
  /** The diff's after_header. */
  header: string;
  /** File name used when dest is a directory; undefined for inline content. */
  basename?: string;
  /** `src` in the result. */
  src?: string;
  /** Mode of the source, for mode=preserve. */
  mode?: number;
}

export interface WritePlanState {
  dest: string;
  data: Buffer;
  writeContent: boolean;
  spec: AttributeSpec;
  attrs: AttributeChanges;
  /** Directory to create first (dest given with a trailing slash). */
  createDir?: string;
  src?: string;
}

export function md5(data: Buffer): string {
  return hash('md5', data, 'hex');
}

/** A controller-side lookup, its error turned into a task failure. */
export function findControllerFile(ctx: ModuleContext<unknown>, kind: 'files' | 'templates', name: string): string {
  try {
    return ctx.findFile(kind, name);
  } catch (e) {
    if (e instanceof ModuleFailure) throw e;
    throw new ModuleFailure((e as Error).message);
  }
}

/** The attribute options, with mode=preserve resolved against the source. */
export function attributeSpec(args: WriteArgs, sourceMode?: number): AttributeSpec {
  let mode = args.mode;
  if (mode === 'preserve') mode = sourceMode !== undefined ? formatMode(sourceMode) : undefined;
  if (mode !== undefined) validateMode(mode);
  return { mode, owner: args.owner, group: args.group };
}

/** The text diff of a file's content, or the line Ansible prints instead. */
export function contentDiff(before: RemoteFileState | undefined, after: Buffer, afterHeader: string): FileDiff {
  const old = before?.exists ? (before.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
  const notes: string[] = [];
  if (old.includes(0)) notes.push('diff skipped: destination file appears to be binary\n');
  if (after.includes(0)) notes.push('diff skipped: source file appears to be binary\n');
  if (old.length > MAX_DIFF_SIZE) notes.push(`diff skipped: destination file size is greater than ${MAX_DIFF_SIZE}\n`);
  if (after.length > MAX_DIFF_SIZE) notes.push(`diff skipped: source file size is greater than ${MAX_DIFF_SIZE}\n`);
  if (notes.length > 0) return { before: '', after: '', prepared: notes.join('') };
  const diff: FileDiff = { before: old.toString('utf8'), after: after.toString('utf8'), after_header: afterHeader };
  if (before?.exists) diff.before_header = before.path;
  return diff;
}

/** Ansible's result for a regular file (what copy reports when it changed nothing). */
export function fileResult(dest: string, st: RemoteFileState): ModuleResult {
  return {
    dest,
    path: dest,
    checksum: st.checksum,
    mode: st.mode !== undefined ? formatMode(parseInt(st.mode, 8)) : undefined,
    owner: st.owner,
    group: st.group,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    state: 'file',
  };
}

/** Where the content goes, and the probe of it. Fails like Ansible for a missing parent. */
export async function planWrite(
  ctx: ModuleContext<unknown>,
  args: WriteArgs,
  source: ContentSource,
  probed?: RemoteFileState[],
  checksum = sha1(source.data),
): Promise<Plan<WritePlanState>> {
  const slash = args.dest.endsWith('/') && args.dest.length > 1;
  const destBase = slash ? args.dest.replace(/\/+$/, '') || '/' : args.dest;
  if (slash && source.basename === undefined) throw new ModuleFailure('can not use content with a dir as dest');
  const inside = source.basename !== undefined ? posix.join(destBase, source.basename) : undefined;
  const paths = [destBase, posix.dirname(destBase), ...(inside ? [inside] : [])];
  const states = probed ?? (await probePaths(ctx.conn, paths, { follow: true, checksum: true, content: ctx.diff }));
  const [baseState, parentState, insideState] = states as [RemoteFileState, RemoteFileState, RemoteFileState?];

  let dest = destBase;
  let target = baseState;
  let createDir: string | undefined;
  if (slash) {
    dest = inside!;
    target = insideState!;
    if (!baseState.exists) createDir = destBase;
  } else if (baseState.type === 'directory') {
    if (!inside) throw new ModuleFailure('can not use content with a dir as dest');
    dest = inside;
    target = insideState!;
  } else if (!parentState.exists && !ctx.check) {
    // In check mode an earlier task may be about to create the directory: predict the write, as Ansible does.
    throw new ModuleFailure(`Destination directory ${posix.dirname(destBase)} does not exist`);
  }
  if (target.type === 'directory') throw new ModuleFailure(`Destination ${dest} is a directory`);

  if (target.exists && args.force === false) {
    return { changed: false, result: { dest, src: source.src } };
  }
  const spec = attributeSpec(args, source.mode);
  const writeContent = !target.exists || target.checksum !== checksum;
  const attrs = target.exists ? attributeChanges(target, spec, false) : {};
  const state: WritePlanState = { dest, data: source.data, writeContent, spec, attrs, createDir, src: source.src };

  if (writeContent) {
    const result = { dest, src: source.src, checksum };
    const creates = [{ kind: 'file' as const, key: dest }, ...(createDir ? [{ kind: 'file' as const, key: createDir }] : [])];
    return { changed: true, result, diff: [contentDiff(target, source.data, source.header)], state, creates };
  }
  const result = fileResult(dest, target);
  if (!hasChanges(attrs)) return { changed: false, result, state };
  const before: Record<string, unknown> = { path: dest };
  const after: Record<string, unknown> = { path: dest };
  addAttributeDiff(before, after, attrs);
  return { changed: true, result, diff: [dictDiff(before, after)], state };
}

/** Run `validate` (with %s for the file) on the new content before it replaces dest. */
async function runValidate(ctx: ModuleContext<unknown>, validate: string, dest: string, data: Buffer): Promise<void> {
  if (!validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${validate}`);
  const tmp = posix.join(posix.dirname(dest), `.tsplay-validate.${randomBytes(6).toString('hex')}`);
  const argv = splitArgs(validate).map((w) => w.split('%s').join(tmp));
  const script = [
    `t=${quote(tmp)}`,
    `trap 'rm -f "$t"' EXIT`,
    `(umask 077; cat > "$t") || exit 125`,
    quoteArgv(argv),
  ].join('\n');
  const res = await ctx.conn.exec(script, { stdin: data });
  if (res.rc !== 0) {
    throw new ModuleFailure('failed to validate', {
      exit_status: res.rc,
      stdout: res.stdout,
      stderr: res.stderr,
      stdout_lines: res.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''),
      stderr_lines: res.stderr.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''),
    });
  }
}

/** Create a directory (and parents), with directory_mode on what is new. */
export function mkdirCommand(dir: string, directoryMode?: ModeInput): string {
  const mode = directoryMode !== undefined ? ` && chmod -- ${quote(chmodArgument(directoryMode))} "$d"` : '';
  return `d=${quote(dir)}; [ -d "$d" ] || { mkdir -p -- "$d"${mode}; }`;
}

/** How copy and template look at a file they wrote, for the result. */
const PROBE_AFTER = { follow: true, checksum: true };

export async function applyWrite(
  ctx: ModuleContext<unknown>,
  args: WriteArgs,
  plan: Plan<WritePlanState>,
): Promise<Applied> {
  const s = plan.state!;
  let backupFile: string | undefined;
  let st: RemoteFileState | undefined;
  if (s.writeContent) {
    if (s.createDir) await exec(ctx, mkdirCommand(s.createDir, args.directory_mode));
    if (args.validate) await runValidate(ctx, args.validate, s.dest, s.data);
    const mode = s.spec.mode !== undefined ? chmodArgument(s.spec.mode) : undefined;
    const written = await writeFileAtomic(ctx.conn, s.dest, s.data, {
      mode,
      owner: s.spec.owner,
      group: s.spec.group,
      backup: args.backup,
      // The result reports the file as written: probed in the write's own round trip.
      probeAfter: PROBE_AFTER,
    }).catch((e: Error) => {
      throw new ModuleFailure(e.message);
    });
    backupFile = written.backupFile;
    st = written.after;
  } else {
    await exec(ctx, attributeCommands(s.dest, s.spec, s.attrs).join(' && '));
  }
  st ??= await probePath(ctx.conn, s.dest, PROBE_AFTER);
  return { result: appliedResult(s, st, backupFile) };
}

/** What copy and template report after applying: the file as it now is. */
function appliedResult(s: WritePlanState, st: RemoteFileState, backupFile: string | undefined) {
  const result = fileResult(s.dest, st);
  if (s.writeContent) {
    delete result.path;
    Object.assign(result, { md5sum: md5(s.data), src: s.src });
    if (backupFile) result.backup_file = backupFile;
  }
  return result;
}

/**
 * Content up to this size goes with the first request, so a file that changes
 * costs one round trip; a larger one is compared by checksum first, so an
 * unchanged large file is never sent.
 */
export const PUT_INLINE_LIMIT = 64 * 1024;

/**
 * A real run's plan and write in one round trip (never used in check mode).
 * The host agent probes dest and its parent and writes only where planWrite
 * would (dest missing or with other content, parent present, not a
 * directory); the plan is then made by planWrite from the state the agent saw,
 * so the decision is the same as a check run's. Some cases only plan here and
 * leave the write to applyWrite: no agent, options the agent does not handle
 * (validate, force=no, a dest ending in /, a symbolic mode), large content, or
 * a dest that is a directory to put the file in.
 */
export async function planAndWrite(
  ctx: ModuleContext<unknown>,
  args: WriteArgs,
  source: ContentSource,
): Promise<{ plan: Plan<WritePlanState>; applied?: Applied }> {
  const twoSteps = async () => ({ plan: await planWrite(ctx, args, source) });
  if (args.validate || args.force === false || args.dest.endsWith('/') || source.data.length > PUT_INLINE_LIMIT) {
    return twoSteps();
  }
  const spec = attributeSpec(args, source.mode);
  const checksum = sha1(source.data); // one hash for the host's condition and the plan
  let put: PutResult | undefined;
  try {
    put = await putFile(ctx.conn, args.dest, posix.dirname(args.dest), source.data, {
      unlessSha1: checksum,
      mode: spec.mode !== undefined ? chmodArgument(spec.mode) : undefined,
      owner: spec.owner,
      group: spec.group,
      backup: args.backup,
      withContent: ctx.diff,
      probeAfter: PROBE_AFTER,
    });
  } catch (e) {
    throw new ModuleFailure((e as Error).message);
  }
  if (!put || (put.before[0].type === 'directory' && source.basename !== undefined)) return twoSteps();
  const plan = await planWrite(ctx, args, source, put.before, checksum);
  const s = plan.state;
  if (put.wrote !== (s?.writeContent === true)) {
    throw new Error(`internal error: the host agent ${put.wrote ? 'wrote' : 'did not write'} ${args.dest}, the plan says otherwise`);
  }
  if (!put.wrote) return { plan };
  const after = put.after ?? (await probePath(ctx.conn, s!.dest, PROBE_AFTER));
  // An edit of this file later in the run can then go in one round trip (known-files.ts).
  const agent = await ctx.conn.agent?.();
  if (agent) rememberFile(agent, { ...after, content: source.data });
  return { plan, applied: { result: appliedResult(s!, after, put.backupFile) } };
}

/** A command of the change: its failure fails the task with what it said. */
async function exec(ctx: ModuleContext<unknown>, command: string): Promise<void> {
  await mustRun(ctx.conn, raw(command));
}

/** plan, planAndApply and apply of a module that puts one content source at dest (template). */
export function contentWriter<A extends WriteArgs>(sourceOf: (ctx: ModuleContext<A>) => ContentSource) {
  return {
    plan: (ctx: ModuleContext<A>) => planWrite(ctx, ctx.args, sourceOf(ctx)),
    planAndApply: (ctx: ModuleContext<A>) => planAndWrite(ctx, ctx.args, sourceOf(ctx)),
    apply: (ctx: ModuleContext<A>, plan: Plan<WritePlanState>) => applyWrite(ctx, ctx.args, plan),
  };
}
