// git: deploy software (files) from git checkouts, as Ansible's git module
// decides: a missing checkout is cloned; an existing one (update=yes) fails on
// local modifications unless force, gets its remote URL set to repo, is
// fetched and switched to `version`; changed when HEAD moved, the URL changed
// or modifications were discarded. Returns before, after, remote_url_changed.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probe, commandFailure } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { sections } from '../src/web/response.js';
import { gitApplyScript, gitProbeScript, parseLsRemote, remoteHead, repoUrl, type GitChange, type GitSpec } from '../src/vcs/git.js';

interface GitArgs {
  repo: string;
  dest?: string;
  version: string;
  remote: string;
  refspec?: string;
  force: boolean;
  depth?: number;
  clone: boolean;
  update: boolean;
  bare: boolean;
  accept_hostkey?: boolean;
  accept_newhostkey?: boolean;
  key_file?: string;
  ssh_opts?: string;
  executable?: string;
}

interface GitState {
  spec: GitSpec;
  change: GitChange;
  result: ModuleResult;
}

/** GIT_SSH_COMMAND for key_file, ssh_opts and accept_hostkey, as Ansible builds its ssh wrapper. */
function sshEnv(a: GitArgs): Record<string, string> {
  let opts = a.ssh_opts ?? '';
  const hostKey = a.accept_hostkey ? 'no' : a.accept_newhostkey ? 'accept-new' : undefined;
  if (hostKey && !/StrictHostKeyChecking=(no|accept-new)/.test(opts)) opts = `${opts} -o StrictHostKeyChecking=${hostKey}`.trim();
  if (!opts && !a.key_file) return {};
  const key = a.key_file ? ` -i '${a.key_file.replace(/'/g, `'"'"'`)}' -o IdentitiesOnly=yes` : '';
  return { GIT_SSH_COMMAND: `ssh${key} ${opts}`.trim() };
}

const text = (parts: Map<string, string>, name: string): string => (parts.get(name) ?? '').trim();

/** Does the checkout's HEAD already equal the remote version (a sha given short matches its prefix)? */
const sameCommit = (before: string | null, after: string | undefined): boolean =>
  !!before && !!after && (before === after || (after.length >= 4 && /^[0-9a-f]+$/.test(after) && before.startsWith(after)));

const git: Module<GitArgs, GitState> = {
  name: 'git',
  summary: 'Deploy software (or files) from git checkouts',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      repo: { type: 'string', description: 'git, SSH or HTTP(S) address of the repository (a local path becomes file://)' },
      dest: { type: 'string', description: 'path of the checkout' },
      version: { type: 'string', default: 'HEAD', description: 'branch, tag or commit to check out' },
      remote: { type: 'string', default: 'origin', description: 'name of the remote' },
      refspec: { type: 'string', description: 'extra refspec to fetch' },
      force: { type: 'boolean', default: false, description: 'discard local modifications' },
      depth: { type: 'integer', description: 'shallow clone with this many commits' },
      clone: { type: 'boolean', default: true, description: 'clone when dest is not a checkout' },
      update: { type: 'boolean', default: true, description: 'fetch and switch an existing checkout' },
      bare: { type: 'boolean', default: false, description: 'a bare repository' },
      accept_hostkey: { type: 'boolean', description: "accept an unknown SSH host key (StrictHostKeyChecking=no)" },
      accept_newhostkey: { type: 'boolean', description: 'accept a new SSH host key, never a changed one' },
      key_file: { type: 'string', description: 'SSH private key on the host' },
      ssh_opts: { type: 'string', description: 'extra ssh options' },
      executable: { type: 'string', description: 'path of git' },
    },
    required: ['repo'],
  },
  optionAliases: { name: 'repo' },
  rules: { mutuallyExclusive: [['accept_hostkey', 'accept_newhostkey']] },
  async plan(ctx) {
    const a = ctx.args;
    if (!a.dest) {
      if (a.clone) throw new ModuleFailure('the destination directory must be specified unless clone=no');
      throw new ModuleFailure('tsplay: git without dest (clone=no) is not supported');
    }
    const spec: GitSpec = { dest: a.dest, repo: repoUrl(a.repo), version: a.version, remote: a.remote, bare: a.bare, depth: a.depth, refspec: a.refspec, force: a.force, executable: a.executable };
    const env = sshEnv(a);
    const res = await probe(ctx.conn, raw(gitProbeScript(spec)), { env, timeout: 600 });
    const parts = sections(res.stdout);
    if (parts.has('nogit')) throw new ModuleFailure('Failed to find required executable "git"');
    const lsFailed = text(parts, 'ls-rc') !== '0';
    const refs = parseLsRemote(parts.get('ls-remote') ?? '', a.version);
    const change: GitChange = { clone: false, reset: false, setUrl: false, isBranch: !!refs.branch, isTag: !refs.branch && !!refs.tag };
    const remoteError = (): never => {
      throw commandFailure(['git', 'ls-remote', spec.repo], { rc: Number(text(parts, 'ls-rc')), stdout: '', stderr: parts.get('ls-error') ?? '' });
    };

    if (!parts.has('exists')) {
      if (lsFailed) remoteError();
      const after = remoteHead(refs, a.version);
      if (!a.clone || ctx.check) return { changed: true, result: { changed: true, before: null, after: after ?? null } };
      return { changed: true, state: { spec, change: { ...change, clone: true }, result: { before: null } }, result: { changed: true, before: null, after } };
    }
    const before = text(parts, 'before') || null;
    if (!a.update) return { changed: false, result: { changed: false, before, after: before } };
    const mods = !a.bare && text(parts, 'mods') !== '';
    if (mods && !a.force) {
      throw new ModuleFailure(`Local modifications exist in the destination: ${a.dest} (force=no).`, { before });
    }
    const url = text(parts, 'remote-url');
    const urlChanged = url !== '' && url !== spec.repo && url.replace(/\/+$/, '') !== spec.repo.replace(/\/+$/, '');
    if (lsFailed) remoteError();
    const after = remoteHead(refs, a.version);
    const changed = mods || urlChanged || !sameCommit(before, after);
    const result: ModuleResult = { changed, before, after: ctx.check ? after : before, remote_url_changed: urlChanged };
    if (mods && !ctx.check) result.msg = `Local modifications exist in the destination: ${a.dest}`;
    return { changed, result, state: { spec, change: { ...change, reset: mods, setUrl: urlChanged }, result } };
  },
  async apply(ctx, plan) {
    const { spec, change, result } = plan.state!;
    const script = gitApplyScript(spec, change);
    const res = await probe(ctx.conn, raw(script), { env: sshEnv(ctx.args), timeout: 3600 });
    if (res.rc !== 0) throw commandFailure(['git', change.clone ? 'clone' : 'fetch', spec.repo, spec.dest], res);
    const after = text(sections(res.stdout), 'after');
    const changed = result.before !== after || change.reset || change.setUrl;
    return { result: { ...result, after, changed }, changed };
  },
};

export default git;
