// What lineinfile, blockinfile and replace share around their pure edits:
// reading the file (one probe with content; a symlink is followed to the file
// it names, which is what gets rewritten, as Ansible does), mode/owner/group
// compared with the probe, the diff, and the write: validate, backup, atomic
// rename, attributes. Each module gives a pure planner (the plan from the file
// found); planEdit probes for it, planAndEdit may also write in the same round
// trip.
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection } from '../../connection/connection.js';
import { ModuleFailure, type Applied, type FileDiff, type ModuleContext, type ModuleResult, type Plan } from '../../module-api/module-types.js';
import { probePath, putFile, writeFileAtomic, type RemoteFileState } from '../../host/remote-files.js';
import { recallFile, rememberFile } from '../../host/known-files.js';
import {
  addAttributeDiff,
  attributeChanges,
  attributeCommands,
  chmodArgument,
  dictDiff,
  hasChanges,
  validateMode,
  type AttributeChanges,
  type AttributeSpec,
  type ModeInput,
} from '../file-attributes.js';
import { quote, quoteArgv, raw, sh, splitArgs } from '../../host/shell.js';
import { mustRun } from '../../host/run.js';

/** Options every editing module takes besides its own. */
export interface EditArgs {
  path: string;
  backup?: boolean;
  validate?: string;
  mode?: ModeInput;
  owner?: string;
  group?: string;
}

/** Schema entries for the common options. */
export const COMMON_OPTIONS: Record<string, Record<string, unknown>> = {
  path: { type: 'string' },
  backup: { type: 'boolean', default: false },
  validate: { type: 'string' },
  mode: { type: ['string', 'integer'] },
  owner: { type: 'string' },
  group: { type: 'string' },
  attributes: { type: 'string' },
  seuser: { type: 'string' },
  serole: { type: 'string' },
  setype: { type: 'string' },
  selevel: { type: 'string' },
  unsafe_writes: { type: 'boolean', default: false },
};

export const PATH_ALIASES = { dest: 'path', destfile: 'path', name: 'path' };

export const ATTRS_MSG = 'ownership, perms or SE linux context changed';

/** The file to edit: the probe of what `path` names, and where to write. */
export interface Target {
  path: string;
  /** `path` with symlinks resolved (the file actually rewritten). */
  realPath: string;
  state: RemoteFileState;
}

/** One round trip for a plain path; a symlink costs two more (resolve, probe its target). */
export async function probeTarget(conn: Connection, path: string): Promise<Target> {
  const st = await probePath(conn, path, { content: true });
  if (st.type !== 'link') return { path, realPath: path, state: st };
  const res = await conn.exec(sh`readlink -f -- ${path}`);
  const realPath = res.stdout.trim() || path;
  return { path, realPath, state: await probePath(conn, realPath, { content: true }) };
}

export function attributeSpec(args: EditArgs): AttributeSpec {
  if (args.mode !== undefined) validateMode(args.mode);
  return { mode: args.mode, owner: args.owner, group: args.group };
}

/** Attribute changes on an existing file, folded into the message as Ansible words it. */
export function withAttributes(
  st: RemoteFileState,
  spec: AttributeSpec,
  changed: boolean,
  msg: string,
): { changed: boolean; msg: string; attrs: AttributeChanges } {
  const attrs = st.exists ? attributeChanges(st, spec, false) : {};
  if (!hasChanges(attrs)) return { changed, msg, attrs };
  return { changed: true, msg: changed ? `${msg} and ${ATTRS_MSG}` : `${msg}${ATTRS_MSG}`, attrs };
}

/** Content diff (and an attribute diff when attributes change) with Ansible's headers. */
export function editDiffs(
  before: Buffer,
  after: Buffer,
  contentHeader: string,
  attrs?: { header: string; changes: AttributeChanges },
): FileDiff[] {
  const diffs: FileDiff[] = [];
  if (!before.equals(after)) {
    diffs.push({
      before: before.toString('utf8'),
      after: after.toString('utf8'),
      before_header: contentHeader,
      after_header: contentHeader,
    });
  }
  if (attrs && hasChanges(attrs.changes)) {
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = {};
    addAttributeDiff(b, a, attrs.changes);
    diffs.push({ ...dictDiff(b, a), before_header: attrs.header, after_header: attrs.header });
  }
  return diffs;
}

/** An edit computed by a module: the file's bytes before and after, and Ansible's message. */
export interface Edit {
  before: Buffer;
  data: Buffer;
  changed: boolean;
  msg: string;
}

/**
 * The plan of an edit: attribute changes folded into changed and msg, the
 * result (`resultOf` the final msg), the diff (content and attributes unless
 * `diffOf` gives another) and what apply needs.
 */
export function editPlan<A extends EditArgs>(
  ctx: ModuleContext<A>,
  target: Target,
  edit: Edit,
  resultOf: (msg: string) => ModuleResult,
  diffOf?: () => FileDiff[] | undefined,
): Plan<EditState> {
  const { path } = ctx.args;
  const { changed, msg, attrs } = withAttributes(target.state, attributeSpec(ctx.args), edit.changed, edit.msg);
  const result = resultOf(msg);
  const attrHeader = { header: `${path} (file attributes)`, changes: attrs };
  const diff = !ctx.diff ? undefined : diffOf ? diffOf() : editDiffs(edit.before, edit.data, `${path} (content)`, attrHeader);
  const state = { realPath: target.realPath, existed: target.state.exists, data: edit.data, writeContent: edit.changed, attrs, result };
  return { changed, result, diff, state };
}

/** The attribute diff of a file this run created (Ansible compares after creating it). */
export function createdAttrDiff(ctx: ModuleContext<EditArgs>, changes: AttributeChanges): FileDiff[] {
  if (!ctx.diff) return [];
  return editDiffs(Buffer.alloc(0), Buffer.alloc(0), '', { header: `${ctx.args.path} (file attributes)`, changes });
}

/** What apply needs: the new bytes and what was found, and the result to report. */
export interface EditState {
  realPath: string;
  existed: boolean;
  data: Buffer;
  writeContent: boolean;
  attrs: AttributeChanges;
  result: ModuleResult;
  /** The content was already written with the plan's own round trip (planAndEdit). */
  written?: { backupFile?: string };
}

/** An editing module's plan from the file it found: pure, no round trip. */
export type EditPlanner<A extends EditArgs> = (ctx: ModuleContext<A>, target: Target) => Plan<EditState>;

/** The plan: probe the file, then plan from what was found. */
export async function planEdit<A extends EditArgs>(ctx: ModuleContext<A>, planner: EditPlanner<A>): Promise<Plan<EditState>> {
  return planner(ctx, await probeTarget(ctx.conn, ctx.args.path));
}

/**
 * A real run's plan, and its write in the same round trip when this run
 * already knows the file (known-files.ts): the edit is planned from what the
 * last task saw or wrote, and the host writes it only if the file still has
 * that checksum. Otherwise the plan is made from what the host reported, as
 * planEdit does, and apply writes. Either way the plan comes from the file as
 * the host had it, so it decides as a check run would.
 */
export async function planAndEdit<A extends EditArgs>(
  ctx: ModuleContext<A>,
  planner: EditPlanner<A>,
): Promise<{ plan: Plan<EditState> }> {
  const { conn, args } = ctx;
  const agent = conn.agent ? await conn.agent() : undefined;
  const known = agent && recallFile(agent, args.path);
  // The planner is pure: a file found as known gives the plan already made from it.
  let guess: Plan<EditState> | undefined;
  const planFor = (state: RemoteFileState) =>
    guess && known && sameFile(state, known) ? guess : planner(ctx, { path: args.path, realPath: args.path, state });
  const probed = async () => {
    const target = await probeTarget(conn, args.path);
    if (agent) rememberFile(agent, target.state);
    return { plan: target.realPath === args.path ? planFor(target.state) : planner(ctx, target) };
  };
  if (!agent || !known) return probed();
  try {
    guess = planner(ctx, { path: args.path, realPath: args.path, state: known });
  } catch {
    return probed();
  }
  const g = guess.state;
  // Only a content change of an existing file goes in one round trip; the rest (validate, attributes) as usual.
  if (!guess.changed || !g?.writeContent || !g.existed || hasChanges(g.attrs) || args.validate) return probed();
  const put = await putFile(conn, args.path, posix.dirname(args.path), g.data, {
    ifSha1: known.checksum,
    withContent: true,
    backup: args.backup,
    probeAfter: {},
  }).catch((e: Error) => {
    throw new ModuleFailure(e.message);
  });
  if (!put || put.before[0].type === 'link') return probed();
  const plan = planFor(put.before[0]);
  if (!put.wrote) {
    rememberFile(agent, put.before[0]);
    return { plan };
  }
  if (!plan.state?.writeContent || !plan.state.data.equals(g.data)) {
    throw new Error(`internal error: ${args.path} was written from a plan the file's content does not give`);
  }
  rememberFile(agent, { ...put.after!, content: g.data });
  return { plan: { ...plan, state: { ...plan.state, written: { backupFile: put.backupFile } } } };
}

/** Everything of a file an edit's plan depends on is as remembered. */
function sameFile(a: RemoteFileState, b: RemoteFileState): boolean {
  return (
    a.type === b.type &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.owner === b.owner &&
    a.group === b.group &&
    a.content !== undefined &&
    b.content !== undefined &&
    a.content.equals(b.content)
  );
}

async function run(conn: Connection, command: string): Promise<void> {
  await mustRun(conn, raw(command));
}

/** `validate` on the new content in a temporary file: Python's `validate % tmp`, split like shlex. */
async function runValidate(conn: Connection, validate: string, dir: string, data: Buffer): Promise<void> {
  if (!validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${validate}`);
  const tmp = posix.join(dir, `.tsplay-validate.${randomBytes(6).toString('hex')}`);
  const argv = splitArgs(validate.replace(/%[s%]/g, (m) => (m === '%s' ? tmp : '%')));
  const script = [`t=${quote(tmp)}`, `trap 'rm -f "$t"' EXIT`, `(umask 077; cat > "$t") || exit 125`, quoteArgv(argv)];
  const res = await conn.exec(script.join('\n'), { stdin: data });
  if (res.rc !== 0) throw new ModuleFailure(`failed to validate: rc:${res.rc} error:${res.stderr}`);
}

export interface ApplyOutcome {
  backupFile?: string;
  /** Attributes changed on a file this run created (known only after writing it). */
  newFileAttrs: AttributeChanges;
}

/** Make the planned edit: parent directory, validate, backup, atomic write, attributes. */
export async function applyEdit(
  ctx: ModuleContext<EditArgs>,
  s: EditState,
  spec: AttributeSpec,
): Promise<ApplyOutcome> {
  const { conn, args } = ctx;
  const dir = posix.dirname(s.realPath);
  let backupFile: string | undefined;
  const agent = conn.agent ? await conn.agent() : undefined;
  if (s.written) {
    backupFile = s.written.backupFile;
    if (hasChanges(s.attrs)) await run(conn, attributeCommands(s.realPath, spec, s.attrs).join(' && '));
  } else if (s.writeContent) {
    if (args.validate) {
      if (!s.existed) await run(conn, sh`mkdir -p -- ${dir}`);
      await runValidate(conn, args.validate, dir, s.data);
    }
    const written = await writeFileAtomic(conn, s.realPath, s.data, {
      mode: s.attrs.mode && spec.mode !== undefined ? chmodArgument(spec.mode) : undefined,
      owner: s.attrs.owner ? spec.owner : undefined,
      group: s.attrs.group ? spec.group : undefined,
      backup: args.backup && s.existed,
      parents: !s.existed,
      // With an agent, the written file is remembered for the next edit (known-files.ts).
      probeAfter: agent ? {} : undefined,
    }).catch((e: Error) => {
      throw new ModuleFailure(e.message);
    });
    backupFile = written.backupFile;
    if (agent && written.after) rememberFile(agent, { ...written.after, content: s.data });
  } else if (hasChanges(s.attrs)) {
    await run(conn, attributeCommands(s.realPath, spec, s.attrs).join(' && '));
  }
  let newFileAttrs: AttributeChanges = {};
  if (!s.existed && (spec.mode !== undefined || spec.owner !== undefined || spec.group !== undefined)) {
    const st = await probePath(conn, s.realPath);
    newFileAttrs = attributeChanges(st, spec, false);
    if (hasChanges(newFileAttrs)) await run(conn, attributeCommands(s.realPath, spec, newFileAttrs).join(' && '));
  }
  return { backupFile, newFileAttrs };
}

/**
 * plan, planAndApply and apply of an editing module, from its planner.
 * `backupField`: where the result names the backup copy (lineinfile always
 * reports `backup`, empty when there is none; the others `backup_file` when
 * there is one).
 */
export function editSteps<A extends EditArgs>(planner: EditPlanner<A>, backupField: 'backup' | 'backup_file') {
  return {
    plan: (ctx: ModuleContext<A>) => planEdit(ctx, planner),
    planAndApply: (ctx: ModuleContext<A>) => planAndEdit(ctx, planner),
    async apply(ctx: ModuleContext<A>, plan: Plan<EditState>): Promise<Applied> {
      const s = plan.state!;
      const { backupFile, newFileAttrs } = await applyEdit(ctx, s, attributeSpec(ctx.args));
      const result = { ...s.result };
      if (backupField === 'backup') result.backup = backupFile ?? '';
      else if (backupFile) result.backup_file = backupFile;
      if (!hasChanges(newFileAttrs)) return { result };
      result.msg = `${String(result.msg)} and ${ATTRS_MSG}`;
      return { result, diff: [...(plan.diff ?? []), ...createdAttrDiff(ctx, newFileAttrs)] };
    },
  };
}
