// git: deploy software (files) from git checkouts, as Ansible's git module
// decides: a missing checkout is cloned; an existing one (update=yes) fails on
// local modifications unless force, gets its remote URL set to repo, is
// fetched and switched to `version`; changed when HEAD moved, the URL changed
// or modifications were discarded. Also: submodules (recursive,
// track_submodules), signature checks (verify_commit, gpg_whitelist), an
// archive of the checkout, a repository kept apart (separate_git_dir, an
// existing one moved there), reference, single_branch, umask. Returns before,
// after, remote_url_changed, submodules_changed, git_dir_before/now.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probe, commandFailure } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { sections } from '../src/web/response.js';
import { archiveFormat, gitProbeScript, parseLsRemote, remoteHead, repoUrl, type GitSpec } from '../src/vcs/git.js';
import { gitApplyScript, type GitChange } from '../src/vcs/git-apply.js';

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
  bare?: boolean;
  accept_hostkey?: boolean;
  accept_newhostkey?: boolean;
  key_file?: string;
  ssh_opts?: string;
  executable?: string;
  reference?: string;
  single_branch: boolean;
  separate_git_dir?: string;
  recursive: boolean;
  track_submodules: boolean;
  verify_commit: boolean;
  gpg_whitelist: string[];
  archive?: string;
  archive_prefix?: string;
  umask?: unknown;
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
      // No schema default: tsplay checks mutually_exclusive after defaults, Ansible before (separate_git_dir|bare).
      bare: { type: 'boolean', description: 'a bare repository (default false)' },
      accept_hostkey: { type: 'boolean', description: "accept an unknown SSH host key (StrictHostKeyChecking=no)" },
      accept_newhostkey: { type: 'boolean', description: 'accept a new SSH host key, never a changed one' },
      key_file: { type: 'string', description: 'SSH private key on the host' },
      ssh_opts: { type: 'string', description: 'extra ssh options' },
      executable: { type: 'string', description: 'path of git' },
      reference: { type: 'string', description: 'reference repository whose objects the clone borrows (git clone --reference)' },
      single_branch: { type: 'boolean', default: false, description: 'clone only the history of the version (its branch or tag; HEAD\'s branch otherwise)' },
      separate_git_dir: { type: 'string', description: 'keep the repository there, apart from the work tree (an existing one is moved there)' },
      recursive: { type: 'boolean', default: true, description: 'initialise and update submodules (git submodule update --init --recursive)' },
      track_submodules: { type: 'boolean', default: false, description: "submodules follow their remote's master branch (--remote) instead of the commit recorded" },
      verify_commit: { type: 'boolean', default: false, description: "fail unless the version's commit (or annotated tag) has a good GPG signature" },
      gpg_whitelist: { type: 'array', items: { type: 'string' }, default: [], description: 'with verify_commit: the fingerprints of the primary keys accepted' },
      archive: { type: 'string', description: 'also write an archive of the version there (zip, tar, tar.gz or tgz, by extension); replaced only when it differs' },
      archive_prefix: { type: 'string', description: 'prefix of every path in the archive' },
      umask: { description: 'umask (a quoted octal string) for the checkout and everything else the task writes' },
    },
    required: ['repo'],
  },
  optionAliases: { name: 'repo' },
  rules: { mutuallyExclusive: [['separate_git_dir', 'bare'], ['accept_hostkey', 'accept_newhostkey']], requiredBy: { archive_prefix: ['archive'] } },
  async plan(ctx) {
    const a = ctx.args;
    const umask = checkUmask(a.umask);
    if (!a.dest && a.clone) throw new ModuleFailure('the destination directory must be specified unless clone=no');
    const spec = specOf(a, umask);
    const env = sshEnv(a);
    const res = await probe(ctx.conn, raw(gitProbeScript(spec)), { env, timeout: 600 });
    const parts = sections(res.stdout);
    if (parts.has('nogit')) throw new ModuleFailure('Failed to find required executable "git"');
    if (parts.has('badgit')) {
      throw new ModuleFailure('Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path', { details: text(parts, 'badgit') });
    }
    const lsFailed = text(parts, 'ls-rc') !== '0';
    const refs = parseLsRemote(parts.get('ls-remote') ?? '', a.version);
    const change: GitChange = { clone: false, reset: false, setUrl: false, isBranch: !!refs.branch, isTag: !refs.branch && !!refs.tag };
    const remoteError = (): never => {
      throw commandFailure(['git', 'ls-remote', spec.repo], { rc: Number(text(parts, 'ls-rc')), stdout: '', stderr: parts.get('ls-error') ?? '' });
    };
    // An existing repository elsewhere than separate_git_dir is moved there (check mode: only said).
    const relocate = spec.separateGitDir !== undefined && parts.has('repo-there') && text(parts, 'sgd') !== text(parts, 'repo-path');

    if (!parts.has('exists')) {
      if (lsFailed) remoteError();
      const after = remoteHead(refs, a.version);
      if (!a.clone || ctx.check) return { changed: true, result: { changed: true, before: null, after: after ?? null } };
      return { changed: true, state: { spec, change: { ...change, clone: true }, result: { before: null } }, result: { changed: true, before: null, after } };
    }
    const before = text(parts, 'before') || null;
    if (!a.update) {
      const changed = relocate || (ctx.check && spec.archive !== undefined);
      const result: ModuleResult = { changed, before, after: before };
      if (ctx.check || !(relocate || spec.archive)) return { changed, result };
      return { changed: true, result, state: { spec, change: { ...change, relocate, update: false }, result } };
    }
    const mods = !spec.bare && text(parts, 'mods') !== '';
    if (mods && !a.force) {
      throw new ModuleFailure(`Local modifications exist in the destination: ${a.dest} (force=no).`, { before });
    }
    const url = text(parts, 'remote-url');
    const urlChanged = url !== '' && url !== spec.repo && url.replace(/\/+$/, '') !== spec.repo.replace(/\/+$/, '');
    if (lsFailed) remoteError();
    const after = remoteHead(refs, a.version);
    // Ansible's check mode answers from the remote's head alone (the move to separate_git_dir is forgotten there).
    const changed = mods || urlChanged || !sameCommit(before, after);
    const result: ModuleResult = { changed, before, after: ctx.check ? after : before, remote_url_changed: urlChanged };
    if (ctx.check) return { changed, result };
    if (mods) result.msg = `Local modifications exist in the destination: ${a.dest}`;
    // What only doing it can tell: submodules, signatures, the archive.
    const more = relocate || spec.verifyCommit || spec.archive !== undefined || (spec.recursive !== false && !spec.bare && parts.has('gitmodules'));
    return { changed: changed || !!more, result, state: { spec, change: { ...change, reset: mods, setUrl: urlChanged, relocate }, result } };
  },
  async apply(ctx, plan) {
    if (!plan.state) return { result: plan.result ?? {} };
    const { spec, change, result } = plan.state;
    const script = gitApplyScript(spec, change);
    const res = await probe(ctx.conn, raw(script), { env: sshEnv(ctx.args), timeout: 3600 });
    const parts = sections(res.stdout);
    if (res.rc !== 0) throw commandFailure(['git', change.clone ? 'clone' : 'fetch', spec.repo, spec.dest ?? ''], res);
    if (parts.has('fail')) {
      const fail: ModuleResult = parts.has('fail-rc') ? { rc: Number(text(parts, 'fail-rc')) } : {};
      if (parts.has('fail-stdout')) Object.assign(fail, { stdout: parts.get('fail-stdout') ?? '', stderr: parts.get('fail-stderr') ?? '' });
      if (parts.has('fail-details')) Object.assign(fail, { details: text(parts, 'fail-details') });
      throw new ModuleFailure(text(parts, 'fail'), fail);
    }
    const after = text(parts, 'after');
    const out: ModuleResult = { ...result, after };
    if (parts.has('git-dir-before')) Object.assign(out, { git_dir_before: text(parts, 'git-dir-before'), git_dir_now: text(parts, 'git-dir-now') });
    const submodules = parts.has('submodules-changed');
    if (submodules) out.submodules_changed = true;
    let changed = change.update === false ? !!change.relocate : result.before !== after || change.reset || change.setUrl || submodules || !!change.relocate;
    // Ansible: an archive the same as the one there makes the task ok, whatever else happened.
    if (spec.archive !== undefined) changed = !parts.has('archive-same');
    return { result: { ...out, changed }, changed };
  },
};

/** Ansible's umask checks: a quoted octal integer. */
function checkUmask(umask: unknown): string | undefined {
  if (umask === undefined || umask === null) return undefined;
  if (typeof umask !== 'string') throw new ModuleFailure('umask must be defined as a quoted octal integer');
  if (!/^\s*(0o)?[0-7]+\s*$/i.test(umask)) throw new ModuleFailure('umask must be an octal integer', { details: `invalid literal for int() with base 8: '${umask}'` });
  return umask;
}

function specOf(a: GitArgs, umask: string | undefined): GitSpec {
  return {
    dest: a.dest,
    repo: repoUrl(a.repo),
    version: a.version,
    remote: a.remote,
    bare: a.bare === true,
    depth: a.depth,
    refspec: a.refspec,
    force: a.force,
    executable: a.executable,
    reference: a.reference,
    singleBranch: a.single_branch,
    separateGitDir: a.separate_git_dir,
    recursive: a.recursive,
    trackSubmodules: a.track_submodules,
    verifyCommit: a.verify_commit,
    gpgWhitelist: a.gpg_whitelist,
    archive: a.archive !== undefined ? { path: a.archive, format: archiveFormat(a.archive), prefix: a.archive_prefix } : undefined,
    umask,
  };
}

export default git;
