// The git module's read-only probe: where the checkout's repository is (a
// .git file points to a separate git dir), its state, and what the remote's
// version resolves to, in one round trip. Every value reaches the script as a
// quoted shell variable. The change is built in git-apply.ts.
import { quote } from '../host/shell.js';

// The change's script lives in git-apply.ts; re-exported for the callers of this module.
export { gitApplyScript, type GitChange } from './git-apply.js';

export interface GitArchive {
  path: string;
  /** git archive's --format, from the file's extension; undefined when the extension is unknown. */
  format?: string;
  prefix?: string;
}

export interface GitSpec {
  /** Absent with clone=no: only the remote is asked. */
  dest?: string;
  /** The repository as Ansible passes it to git (a local path as file://). */
  repo: string;
  version: string;
  remote: string;
  bare: boolean;
  depth?: number;
  refspec?: string;
  force: boolean;
  executable?: string;
  reference?: string;
  singleBranch?: boolean;
  separateGitDir?: string;
  /** Submodules initialised and updated (recursive, not bare). */
  recursive?: boolean;
  trackSubmodules?: boolean;
  verifyCommit?: boolean;
  gpgWhitelist?: string[];
  archive?: GitArchive;
  /** The umask (octal text) every command runs with. */
  umask?: string;
}

/** Ansible's rule: a local path is given to git as a file:// URL. */
export function repoUrl(repo: string): string {
  return repo.startsWith('/') ? `file://${repo}` : repo;
}

/** git archive's format for a file name, by its last extension as Python's splitext takes it. */
export function archiveFormat(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/^\.+/, '');
  const dot = base.lastIndexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot);
  return ({ '.zip': 'zip', '.gz': 'tar.gz', '.tar': 'tar', '.tgz': 'tgz' } as Record<string, string>)[ext];
}

/** The script's variables: d, r, v, rem, sgd (realpath of separate_git_dir), git(), and rp (the repository path). */
export function gitVars(s: GitSpec): string {
  return [
    ...(s.umask !== undefined ? [`umask ${quote(s.umask.trim().replace(/^0o/i, '0'))} || exit 1`] : []),
    `d=${quote(s.dest ?? '')}; r=${quote(s.repo)}; v=${quote(s.version)}; rem=${quote(s.remote)}`,
    s.dest !== undefined ? 'case "$d" in /*) ;; *) d="$PWD/$d";; esac' : '',
    s.separateGitDir !== undefined ? `sgd=$(realpath -m -- ${quote(s.separateGitDir)})` : '',
    `git() { command ${quote(s.executable ?? 'git')} "$@"; }`,
    // The repository: dest (bare) or dest/.git, which may be a file "gitdir: PATH".
    s.bare ? 'rp="$d"' : 'rp="$d/.git"',
    'badgit=',
    'if [ -f "$rp" ]; then',
    '  gd=$(sed -n "1s/^gitdir: //p" "$rp")',
    '  case "$gd" in "") badgit=".git file has invalid git dir reference format";; /*) rp="$gd";; *) rp="$d/$gd";; esac',
    '  [ -n "$badgit" ] || [ -d "$rp" ] || badgit="$rp is not a directory"',
    'fi',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Probe: sections badgit, exists, repo-path, sgd, before, mods, remote-url, gitmodules, ls-remote, ls-rc, ls-error. */
export function gitProbeScript(s: GitSpec): string {
  const haveDest = s.dest !== undefined;
  return [
    gitVars(s),
    'command -v ' + quote(s.executable ?? 'git') + ' >/dev/null 2>&1 || { echo "@@tsplay:nogit@@"; exit 0; }',
    ...(haveDest
      ? [
          'if [ -n "$badgit" ]; then echo "@@tsplay:badgit@@"; echo "$badgit"; exit 0; fi',
          'echo "@@tsplay:repo-path@@"; echo "$rp"',
          s.separateGitDir !== undefined ? 'echo "@@tsplay:sgd@@"; echo "$sgd"; [ -e "$rp" ] && echo "@@tsplay:repo-there@@"' : '',
          'if [ -f "$rp/config" ]; then',
          '  echo "@@tsplay:exists@@"',
          '  echo "@@tsplay:before@@"; git -C "$d" rev-parse HEAD 2>/dev/null',
          s.bare ? '' : '  echo "@@tsplay:mods@@"; git -C "$d" status --porcelain 2>/dev/null | grep -v "^??"',
          '  echo "@@tsplay:remote-url@@"; git -C "$d" config --get "remote.$rem.url"',
          '  [ -f "$d/.gitmodules" ] && echo "@@tsplay:gitmodules@@"',
          'fi',
        ]
      : []),
    'e=$(mktemp)',
    'echo "@@tsplay:ls-remote@@"; git ls-remote "$r" HEAD "refs/heads/$v" "refs/tags/$v" "refs/tags/$v^{}" 2>"$e"; echo "@@tsplay:ls-rc@@"; echo $?',
    'echo "@@tsplay:ls-error@@"; cat "$e"; rm -f "$e"',
    'exit 0',
  ]
    .filter(Boolean)
    .join('\n');
}

export interface RemoteRefs {
  head?: string;
  branch?: string;
  tag?: string;
}

/** ls-remote's lines for HEAD, the branch and the tag (peeled when annotated). */
export function parseLsRemote(text: string, version: string): RemoteRefs {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref) refs.set(ref.trim(), sha.trim());
  }
  return {
    head: refs.get('HEAD'),
    branch: refs.get(`refs/heads/${version}`),
    tag: refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`),
  };
}

/** What `version` resolves to on the remote, as Ansible's get_remote_head says (a sha stays as given). */
export function remoteHead(refs: RemoteRefs, version: string): string | undefined {
  if (version === 'HEAD') return refs.head;
  return refs.branch ?? refs.tag ?? version;
}

