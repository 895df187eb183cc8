// assemble: concatenate a directory's fragments (sorted by name, optionally
// filtered by a regex, separated by a delimiter) into dest. The fragments are
// read from the host (remote_src, the default) or the controller; the file is
// then put as copy puts content (copy-core: checksum compared, atomic write,
// mode/owner/group, backup, validate), so it changes only when the assembled
// content or the attributes differ. No check mode, as in Ansible.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleFailure, type Applied, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { applyWrite, findControllerFile, md5, planWrite, type WriteArgs, type WritePlanState } from '../src/file-ops/copy-core.js';
import { sha1 } from '../src/host/remote-files.js';
import { destOf, withSelinuxContext } from '../src/file-ops/selinux-module.js';
import { probe } from '../src/host/run.js';
import { raw, sh } from '../src/host/shell.js';
import { pyRegex } from '../src/templating/regex.js';

interface AssembleArgs extends WriteArgs {
  src: string;
  delimiter?: string;
  remote_src: boolean;
  regexp?: string;
  ignore_hidden: boolean;
  decrypt: boolean;
}

interface Fragment {
  name: string;
  data: Buffer;
}

/** Python's codecs.escape_decode of the delimiter: \n, \t, \\, \xNN, octal... */
export function escapeDecode(text: string): Buffer {
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
  const out: number[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const next = String.fromCharCode(bytes[i + 1] ?? 0);
    if (c !== 92 || i + 1 >= bytes.length) out.push(c);
    else if (next in simple) (out.push(simple[next]!), i++);
    else if (next === '\n') i++;
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(bytes[i + 2] ?? 0, bytes[i + 3] ?? 0))) {
      out.push(parseInt(String.fromCharCode(bytes[i + 2]!, bytes[i + 3]!), 16));
      i += 3;
    } else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(String.fromCharCode(...bytes.subarray(i + 1, i + 4)))![0];
      out.push(parseInt(m, 8) & 0xff);
      i += m.length;
    } else out.push(c);
  }
  return Buffer.from(out);
}

/** The fragments joined as Ansible does: a newline after one that lacks it, the delimiter between. */
export function assembleFragments(fragments: Fragment[], delimiter?: string): Buffer {
  const parts: Buffer[] = [];
  const delim = delimiter ? escapeDecode(delimiter) : undefined;
  fragments.forEach(({ data }, i) => {
    if (i > 0 && parts.length > 0 && !parts[parts.length - 1]!.toString('latin1').endsWith('\n')) parts.push(Buffer.from('\n'));
    if (i > 0 && delim && delim.length > 0) {
      parts.push(delim);
      if (delim[delim.length - 1] !== 10) parts.push(Buffer.from('\n'));
    }
    parts.push(data);
  });
  return Buffer.concat(parts);
}

/** Sorted by name as Python sorts str, filtered by regexp (search) and ignore_hidden. */
function selected(args: AssembleArgs, names: string[]): string[] {
  let re: RegExp | undefined;
  if (args.regexp !== undefined) {
    try {
      re = pyRegex(args.regexp);
    } catch (e) {
      throw new ModuleFailure(`Invalid Regexp (${(e as Error).message}) in "${args.regexp}"`);
    }
  }
  const codepoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  const cmp = (a: string, b: string) => {
    const [x, y] = [codepoints(a), codepoints(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  return [...names].sort(cmp).filter((n) => (!re || re.test(n)) && !(args.ignore_hidden && n.startsWith('.')));
}

const MARK = '@@tsplay-fragment@@';

/** The host's fragments in one probe: every regular file (links followed) of src, base64. */
async function hostFragments(ctx: ModuleContext<AssembleArgs>): Promise<Fragment[]> {
  const src = ctx.args.src;
  const script = [
    sh`s=${src}`,
    'if [ ! -e "$s" ]; then echo missing; exit 0; fi',
    'if [ ! -d "$s" ]; then echo notdir; exit 0; fi',
    `for f in "$s"/* "$s"/.[!.]* "$s"/..?*; do [ -f "$f" ] || continue; printf '${MARK}%s\\n' "\${f##*/}"; base64 -w0 < "$f" || exit 1; echo; done`,
  ].join('\n');
  const res = await probe(ctx.conn, raw(script));
  if (res.rc !== 0) throw new ModuleFailure(res.stderr.trim() || `could not read ${src}`);
  if (res.stdout.startsWith('missing')) throw new ModuleFailure(`Source (${src}) does not exist`);
  if (res.stdout.startsWith('notdir')) throw new ModuleFailure(`Source (${src}) is not a directory`);
  const found = new Map<string, Buffer>();
  for (const block of res.stdout.split(MARK).slice(1)) {
    const nl = block.indexOf('\n');
    found.set(block.slice(0, nl), Buffer.from(block.slice(nl + 1).trim(), 'base64'));
  }
  return selected(ctx.args, [...found.keys()]).map((name) => ({ name, data: found.get(name)! }));
}

/** The controller's fragments (remote_src: false): src found as copy finds its files. */
function controllerFragments(ctx: ModuleContext<AssembleArgs>): { dir: string; fragments: Fragment[] } {
  const dir = findControllerFile(ctx, 'files', ctx.args.src);
  if (!statSync(dir).isDirectory()) throw new ModuleFailure(`Source (${dir}) is not a directory`);
  const names = readdirSync(dir).filter((n) => {
    try {
      return statSync(join(dir, n)).isFile();
    } catch {
      return false;
    }
  });
  return { dir, fragments: selected(ctx.args, names).map((name) => ({ name, data: readFileSync(join(dir, name)) })) };
}

/** What assemble reports: the file as it now is, with the content's checksums. */
function report(args: AssembleArgs, dest: string, data: Buffer, file: ModuleResult, backup?: unknown): ModuleResult {
  const { uid, gid, owner, group, mode, size } = file;
  const result: ModuleResult = { src: args.src, dest, checksum: sha1(data), md5sum: md5(data), uid, gid, owner, group, mode, state: 'file', size };
  if (args.remote_src) result.msg = 'OK';
  if (backup) result.backup_file = backup;
  return result;
}

const assemble: Module<AssembleArgs, WritePlanState> = {
  name: 'assemble',
  summary: 'Assemble configuration files from fragments',
  supportsCheckMode: false,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'Directory of fragments (on the host, or the controller with remote_src: false).' },
      dest: { type: 'string', description: 'The file to write.' },
      delimiter: { type: 'string', description: 'Text put between fragments (escapes such as \\n decoded).' },
      remote_src: { type: 'boolean', default: true, description: 'Fragments are on the host; false: on the controller.' },
      regexp: { type: 'string', description: 'Only fragments whose name matches this regex (search).' },
      ignore_hidden: { type: 'boolean', default: false, description: 'Leave out fragments whose name starts with a dot.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the file being replaced.' },
      validate: { type: 'string', description: 'Command (with %s for the file) that must accept the new content.' },
      decrypt: { type: 'boolean', default: true, description: 'Decrypt vaulted fragments (controller side).' },
      follow: { type: 'boolean', default: false, description: 'Follow a dest that is a symlink.' },
      mode: { type: ['string', 'integer'], description: 'Permissions of dest.' },
      owner: { type: 'string', description: 'Owner of dest.' },
      group: { type: 'string', description: 'Group of dest.' },
      seuser: { type: 'string', description: 'SELinux user of dest.' },
      serole: { type: 'string', description: 'SELinux role of dest.' },
      setype: { type: 'string', description: 'SELinux type of dest.' },
      selevel: { type: 'string', description: 'SELinux level of dest.' },
      unsafe_writes: { type: 'boolean', default: false, description: 'Accepted; writes are always atomic.' },
      attributes: { type: 'string', description: 'Filesystem attributes of dest (chattr).' },
    },
    required: ['src', 'dest'],
  },
  optionAliases: { attr: 'attributes' },
  async plan(ctx) {
    if (ctx.check) return { changed: false, unpredictable: 'check mode is not supported for this task.' };
    const { args } = ctx;
    if (args.validate !== undefined && !args.validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${args.validate}`);
    const local = args.remote_src ? undefined : controllerFragments(ctx);
    const fragments = local ? local.fragments : await hostFragments(ctx);
    const data = assembleFragments(fragments, args.delimiter);
    const plan = await planWrite(ctx, { ...args, force: true }, { data, header: local ? local.dir : args.src });
    // The module (remote_src) shows no diff; the controller side does.
    const result = plan.changed ? { changed: true } : { ...report(args, plan.state?.dest ?? args.dest, data, plan.result ?? {}), changed: false };
    return { ...plan, diff: args.remote_src ? undefined : plan.diff, result };
  },
  async apply(ctx, plan: Plan<WritePlanState>): Promise<Applied> {
    const { args } = ctx;
    const s = plan.state!;
    let applied: Applied;
    try {
      applied = await applyWrite(ctx, { ...args, validate: args.validate }, plan);
    } catch (e) {
      if (e instanceof ModuleFailure && e.message === 'failed to validate' && args.remote_src) {
        throw new ModuleFailure(`failed to validate: rc:${String(e.result.exit_status)} error:${String(e.result.stderr)}`);
      }
      throw e;
    }
    return { result: report(args, s.dest, s.data, applied.result, applied.result.backup_file) };
  },
};

export default withSelinuxContext(assemble, (a, plan) => destOf(plan, a));
