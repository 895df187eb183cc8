// copy: put a controller file, a controller directory tree, inline content or
// (remote_src) a file already on the host at dest.
import { readdirSync, statSync } from 'node:fs';
import { posix, join, basename } from 'node:path';
import { ModuleFailure, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { probePaths, sha1, writeFileAtomic } from '../src/host/remote-files.js';
import {
  applyWrite,
  attributeSpec,
  findControllerFile,
  mkdirCommand,
  planAndWrite,
  planWrite,
  type ContentSource,
  type WriteArgs,
  type WritePlanState,
} from '../src/file-ops/copy-core.js';
import { attributeChanges, attributeCommands, chmodArgument, hasChanges, SELINUX_OPTIONS, type ModeInput } from '../src/file-ops/file-attributes.js';
import { mustRun } from '../src/host/run.js';
import { destOf, withSelinuxContext } from '../src/file-ops/selinux-module.js';
import { raw } from '../src/host/shell.js';
import { pyJsonDumps } from '../src/templating/json.js';
import { pyStr } from '../src/templating/python-repr.js';
import { readControllerFile } from '../src/vault/controller-file.js';

export interface CopyArgs extends WriteArgs {
  src?: string;
  content?: unknown;
  remote_src?: boolean;
  follow?: boolean;
  local_follow?: boolean;
  decrypt?: boolean;
  checksum?: string;
}

interface TreeFile {
  rel: string;
  data: Buffer;
  write: boolean;
}

interface TreeState {
  root: string;
  dirs: string[];
  files: TreeFile[];
  attrCommands: string[];
}

type CopyState = { single: WritePlanState } | { tree: TreeState };

const modeType = { type: ['string', 'integer'] };

/** Walk a controller directory: sub-directories and files, relative to it. */
function walk(dir: string, rel = ''): { dirs: string[]; files: string[] } {
  const out = { dirs: [] as string[], files: [] as string[] };
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) {
      out.dirs.push(r);
      const sub = walk(dir, r);
      out.dirs.push(...sub.dirs);
      out.files.push(...sub.files);
    } else out.files.push(r);
  }
  return out;
}

async function planTree(ctx: ModuleContext<CopyArgs>, srcDir: string): Promise<Plan<CopyState>> {
  const { args } = ctx;
  const dest = args.dest.replace(/\/+$/, '') || '/';
  const root = args.src!.endsWith('/') ? dest : posix.join(dest, basename(srcDir));
  const tree = walk(srcDir);
  const paths = [root, ...tree.dirs.map((d) => posix.join(root, d)), ...tree.files.map((f) => posix.join(root, f))];
  // Ansible shows no diff for a directory copy, so no content is read back.
  const states = await probePaths(ctx.conn, paths, { follow: true, checksum: true });
  const byPath = new Map(states.map((s) => [s.path, s]));
  const dirs = [root, ...tree.dirs.map((d) => posix.join(root, d))].filter((p) => !byPath.get(p)!.exists);
  const files: TreeFile[] = [];
  const attrCommands: string[] = [];
  for (const rel of tree.files) {
    const local = join(srcDir, rel);
    const data = readControllerFile(local, args.decrypt !== false);
    const st = byPath.get(posix.join(root, rel))!;
    const spec = attributeSpec(args, statSync(local).mode & 0o7777);
    const write = !st.exists || (args.force !== false && st.checksum !== sha1(data));
    files.push({ rel, data, write });
    if (!write && st.exists && args.force !== false) {
      const changes = attributeChanges(st, spec, false);
      if (hasChanges(changes)) attrCommands.push(...attributeCommands(st.path, spec, changes));
    }
  }
  const changed = dirs.length > 0 || files.some((f) => f.write) || attrCommands.length > 0;
  const result = { dest: `${dest}/`, src: args.src!.endsWith('/') ? `${srcDir.replace(/\/+$/, '')}/` : srcDir };
  return { changed, result, state: { tree: { root, dirs, files, attrCommands } } };
}

async function applyTree(ctx: ModuleContext<CopyArgs>, plan: Plan<CopyState>, tree: TreeState) {
  const { args } = ctx;
  const run = (command: string) => mustRun(ctx.conn, raw(command));
  if (tree.dirs.length > 0) await run(tree.dirs.map((d) => mkdirCommand(d, args.directory_mode)).join('\n'));
  const mode = args.mode !== undefined && args.mode !== 'preserve' ? chmodArgument(args.mode as ModeInput) : undefined;
  for (const f of tree.files.filter((x) => x.write)) {
    await writeFileAtomic(ctx.conn, posix.join(tree.root, f.rel), f.data, {
      mode,
      owner: args.owner,
      group: args.group,
      backup: args.backup,
    });
  }
  if (tree.attrCommands.length > 0) await run(tree.attrCommands.join(' && '));
  return { result: { ...plan.result } };
}

/** Inline content as Ansible's copy writes it: a list or mapping as JSON, any other value as Python prints it. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return content !== null && typeof content === 'object' ? pyJsonDumps(content) : pyStr(content);
}

/** Where the bytes come from: inline content, a controller file or directory, or the host itself. */
type CopySource = { content: ContentSource } | { tree: string } | { remote: string };

function copySource(ctx: ModuleContext<CopyArgs>): CopySource {
  const { args } = ctx;
  if (args.src === undefined && args.content === undefined) throw new ModuleFailure('src (or content) is required');
  if (args.src !== undefined && args.content !== undefined) {
    throw new ModuleFailure('src and content are mutually exclusive');
  }
  if (args.content !== undefined) {
    return { content: { data: Buffer.from(contentText(args.content), 'utf8'), header: 'dynamically generated' } };
  }
  if (args.remote_src) return { remote: args.src! };
  const local = findControllerFile(ctx, 'files', args.src!);
  const st = statSync(local);
  if (st.isDirectory()) return { tree: local };
  return {
    content: { data: readControllerFile(local, args.decrypt !== false), header: local, basename: basename(local), src: local, mode: st.mode & 0o7777 },
  };
}

const single = (plan: Plan<WritePlanState>): Plan<CopyState> => ({ ...plan, state: plan.state && { single: plan.state } });

async function planFrom(ctx: ModuleContext<CopyArgs>, source: CopySource): Promise<Plan<CopyState>> {
  if ('tree' in source) return planTree(ctx, source.tree);
  if ('remote' in source) return single(await planRemoteSrc(ctx, source.remote));
  return single(await planWrite(ctx, ctx.args, source.content));
}

/** A real run: a single file is planned and written in one round trip (copy-core's planAndWrite). */
async function planAndCopy(ctx: ModuleContext<CopyArgs>) {
  const source = copySource(ctx);
  if (!('content' in source)) return { plan: await planFrom(ctx, source) };
  const { plan, applied } = await planAndWrite(ctx, ctx.args, source.content);
  return { plan: single(plan), applied };
}

/** remote_src: the source is read from the host in the same probe as dest. */
async function planRemoteSrc(ctx: ModuleContext<CopyArgs>, src: string): Promise<Plan<WritePlanState>> {
  const { args } = ctx;
  const name = posix.basename(src.replace(/\/+$/, ''));
  const destBase = args.dest.replace(/\/+$/, '') || '/';
  const paths = [src, destBase, posix.dirname(destBase), posix.join(destBase, name)];
  const [srcState, ...rest] = await probePaths(ctx.conn, paths, { follow: true, checksum: true, content: true });
  if (!srcState!.exists) throw new ModuleFailure(`Source ${src} not found`);
  if (srcState!.type === 'directory') throw new ModuleFailure(`remote_src of a directory (${src}) is not supported`);
  const source = {
    data: srcState!.content ?? Buffer.alloc(0),
    header: src,
    basename: name,
    src,
    mode: srcState!.mode !== undefined ? parseInt(srcState!.mode, 8) : undefined,
  };
  return planWrite(ctx, args, source, rest);
}

const copy: Module<CopyArgs, CopyState> = {
  name: 'copy',
  summary: 'Copy files to remote locations',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string' },
      content: { description: 'The text to write (a list or mapping is written as JSON).' },
      dest: { type: 'string' },
      mode: modeType,
      owner: { type: 'string' },
      group: { type: 'string' },
      backup: { type: 'boolean', default: false },
      force: { type: 'boolean', default: true },
      directory_mode: modeType,
      remote_src: { type: 'boolean', default: false },
      validate: { type: 'string' },
      decrypt: { type: 'boolean', default: true },
      follow: { type: 'boolean', default: false },
      local_follow: { type: 'boolean', default: true },
      checksum: { type: 'string' },
      ...SELINUX_OPTIONS,
      unsafe_writes: { type: 'boolean', default: false },
      attributes: { type: 'string' },
    },
    required: ['dest'],
  },
  optionAliases: { attr: 'attributes' },
  plan: (ctx) => planFrom(ctx, copySource(ctx)),
  planAndApply: planAndCopy,
  async apply(ctx, plan) {
    const state = plan.state!;
    if ('tree' in state) return applyTree(ctx, plan, state.tree);
    return applyWrite(ctx, ctx.args, { ...plan, state: state.single });
  },
};

export default withSelinuxContext(copy, (a, plan) => destOf(plan, a));
