// apt_repository: a `deb`/`deb-src` line present in (or absent from) apt's
// one-line sources, as Ansible 2.14 decides it (src/packages/apt-sources.ts):
// a line in any file counts; a new one goes to sources.list.d/<filename>.list.
// Changed files are written whole, in Ansible's normalised form, atomically;
// then `apt-get update` (update_cache), and if that fails the files are put
// back as they were and the task fails, as in Ansible. No PPAs.
import { ModuleFailure, type Applied, type FileDiff, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { writeFileAtomic } from '../src/host/remote-files.js';
import { mustRun, probe } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';
import { validateMode } from '../src/file-ops/file-attributes.js';
import { readHostSources } from '../src/packages/apt-sources-host.js';
import {
  addSource,
  changedFiles,
  parseSourcesFile,
  removeSource,
  sourceFilePath,
  sourceOfRepo,
  type SourcesChange,
  type SourcesFiles,
} from '../src/packages/apt-sources.js';

interface AptRepoArgs {
  repo: string;
  state: 'present' | 'absent';
  mode?: string | number;
  update_cache: boolean;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  filename?: string;
  install_python_apt: boolean;
  validate_certs: boolean;
  codename?: string;
}

interface AptRepoState {
  changes: SourcesChange[];
  /** The file the new line went to: `mode` applies to it. */
  appendedTo?: string;
  /** Each changed file's bytes before, to put back if the update fails (undefined: it was not there). */
  original: Map<string, string | undefined>;
}

async function plan(ctx: ModuleContext<AptRepoArgs>): Promise<Plan<AptRepoState>> {
  const { args } = ctx;
  if (!args.repo) throw new ModuleFailure("Please set argument 'repo' to a non-empty value");
  if (args.repo.startsWith('ppa:')) throw new ModuleFailure(`tsplay's apt_repository does not support PPAs (${args.repo})`);
  if (args.mode !== undefined) validateMode(args.mode);
  const source = sourceOfRepo(args.repo);
  if (source === undefined) throw new ModuleFailure(`Invalid repository string: ${args.repo.trim().replace(/^#/, '')}`);
  const host = await readHostSources(ctx.conn);
  const before: SourcesFiles = new Map([...host.texts].map(([path, text]) => [path, parseSourcesFile(text)]));
  let after: SourcesFiles;
  let appendedTo: string | undefined;
  if (args.state === 'present') {
    const file = sourceFilePath(host.sourceParts, source, args.filename);
    const added = addSource(before, source, file);
    after = added.files;
    if (added.appended) appendedTo = file;
  } else after = removeSource(before, source);
  const changes = changedFiles(before, after);
  const changed = changes.length > 0;
  const diff: FileDiff[] = changes.map((c) => ({
    before: c.before ?? '',
    after: c.after ?? '',
    before_header: c.before === undefined ? '/dev/null' : c.path,
    after_header: c.after === undefined ? '/dev/null' : c.path,
  }));
  const original = new Map(changes.map((c) => [c.path, host.texts.get(c.path)]));
  // A dry run remembers the sources files it would write (a later apt task then depends on them).
  const creates = changes.filter((c) => c.after !== undefined).map((c) => ({ kind: 'file' as const, key: c.path }));
  return { changed, result: { changed, repo: args.repo, state: args.state }, diff, state: { changes, appendedTo, original }, creates };
}

/** Puts each file as `texts` has it (undefined: removed). */
async function putFiles(ctx: ModuleContext<AptRepoArgs>, texts: [string, string | undefined][], appendedTo?: string): Promise<void> {
  for (const [path, text] of texts) {
    if (text === undefined) await mustRun(ctx.conn, ['rm', '-f', '--', path]);
    else {
      const mode = path === appendedTo ? ctx.args.mode : undefined;
      await writeFileAtomic(ctx.conn, path, text, { mode, parents: true }).catch((e: Error) => {
        throw new ModuleFailure(e.message);
      });
    }
  }
}

/** `apt-get update`, tried update_cache_retries times with Ansible's backoff (2^n s, at most max_delay). */
function updateScript(args: AptRepoArgs): string {
  const tries = Math.max(1, args.update_cache_retries);
  const max = Math.max(0, args.update_cache_retry_max_delay);
  return [
    `n=0; while [ "$n" -lt ${quote(String(tries))} ]; do`,
    '  out=$(apt-get update -q 2>&1) && exit 0',
    `  d=$((1 << n)); [ "$d" -gt ${quote(String(max))} ] && d=${quote(String(max))}; n=$((n + 1))`,
    `  [ "$n" -lt ${quote(String(tries))} ] && sleep "$d"`,
    'done',
    `printf '%s\\n' "$out" >&2; exit 1`,
  ].join('\n');
}

async function apply(ctx: ModuleContext<AptRepoArgs>, p: Plan<AptRepoState>): Promise<Applied> {
  const s = p.state!;
  await putFiles(ctx, s.changes.map((c) => [c.path, c.after]), s.appendedTo);
  if (ctx.args.update_cache) {
    const res = await probe(ctx.conn, raw(updateScript(ctx.args)), { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    if (res.rc !== 0) {
      await putFiles(ctx, [...s.original]);
      const said = res.stderr.trim().split('\n').filter((l) => /^(E|W):/.test(l)).join('; ') || res.stderr.trim();
      throw new ModuleFailure(`Failed to update apt cache: ${said || 'unknown reason'}`);
    }
  }
  return { result: { ...p.result } };
}

const aptRepository: Module<AptRepoArgs, AptRepoState> = {
  name: 'apt_repository',
  summary: 'Add and remove APT repositories',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      repo: { type: 'string' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present' },
      mode: { type: ['string', 'integer'] },
      update_cache: { type: 'boolean', default: true },
      update_cache_retries: { type: 'integer', default: 5 },
      update_cache_retry_max_delay: { type: 'integer', default: 12 },
      filename: { type: 'string' },
      // Ansible installs python3-apt when missing; tsplay needs no Python on the host.
      install_python_apt: { type: 'boolean', default: true },
      // Used by Ansible only for PPAs (which tsplay refuses).
      validate_certs: { type: 'boolean', default: true },
      codename: { type: 'string' },
    },
    required: ['repo'],
  },
  optionAliases: { 'update-cache': 'update_cache' },
  plan,
  apply,
};

export default aptRepository;
