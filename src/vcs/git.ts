// The git module's host scripts: a read-only probe (the checkout's state and
// what the remote's version resolves to) and the change (clone, or reset,
// set-url, fetch and switch to the version), each one round trip. Every value
// reaches the script as a quoted shell variable.
import { quote } from '../host/shell.js';

export interface GitSpec {
  dest: string;
  /** The repository as Ansible passes it to git (a local path as file://). */
  repo: string;
  version: string;
  remote: string;
  bare: boolean;
  depth?: number;
  refspec?: string;
  force: boolean;
  executable?: string;
}

/** Ansible's rule: a local path is given to git as a file:// URL. */
export function repoUrl(repo: string): string {
  return repo.startsWith('/') ? `file://${repo}` : repo;
}

function vars(s: GitSpec): string {
  return [
    `d=${quote(s.dest)}; r=${quote(s.repo)}; v=${quote(s.version)}; rem=${quote(s.remote)}`,
    `git() { command ${quote(s.executable ?? 'git')} "$@"; }`,
    s.bare ? 'cfg="$d/config"' : 'cfg="$d/.git/config"',
  ].join('\n');
}

/** Probe: sections exists, before, mods, remote-url, ls-remote, ls-error. */
export function gitProbeScript(s: GitSpec): string {
  return [
    vars(s),
    'command -v ' + quote(s.executable ?? 'git') + ' >/dev/null 2>&1 || { echo "@@tsplay:nogit@@"; exit 0; }',
    'if [ -f "$cfg" ]; then',
    '  echo "@@tsplay:exists@@"',
    '  echo "@@tsplay:before@@"; git -C "$d" rev-parse HEAD 2>/dev/null',
    s.bare ? '' : '  echo "@@tsplay:mods@@"; git -C "$d" status --porcelain 2>/dev/null | grep -v "^??"',
    '  echo "@@tsplay:remote-url@@"; git -C "$d" config --get "remote.$rem.url"',
    'fi',
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

export interface GitChange {
  clone: boolean;
  reset: boolean;
  setUrl: boolean;
  /** The version is a branch / a tag on the remote. */
  isBranch: boolean;
  isTag: boolean;
}

/** Switching the work tree to the version, as Ansible's switch_version does. */
function switchLines(s: GitSpec, c: GitChange): string[] {
  if (s.bare) return [];
  if (s.version === 'HEAD') {
    return [
      'b=$(git -C "$d" ls-remote --symref "$rem" HEAD | sed -n "s|^ref: refs/heads/\\(.*\\)\tHEAD$|\\1|p")',
      '[ -n "$b" ] || { echo "Failed to find remote HEAD branch" >&2; exit 1; }',
      'if git -C "$d" rev-parse --verify -q "refs/heads/$b" >/dev/null; then git -C "$d" checkout --force "$b" || exit 1; else git -C "$d" checkout --force --track -b "$b" "$rem/$b" || exit 1; fi',
      'git -C "$d" reset --hard "$rem/$b" -- >/dev/null || exit 1',
    ];
  }
  if (c.isBranch) {
    return [
      'if git -C "$d" rev-parse --verify -q "refs/heads/$v" >/dev/null; then git -C "$d" checkout --force "$v" || exit 1; else git -C "$d" checkout --force --track -b "$v" "$rem/$v" || exit 1; fi',
      'git -C "$d" reset --hard "$rem/$v" -- >/dev/null || exit 1',
    ];
  }
  return ['git -C "$d" checkout --force "$v" || exit 1'];
}

/** The change: clone (or reset, set-url, fetch), switch, and print the section after. */
export function gitApplyScript(s: GitSpec, c: GitChange): string {
  const depth = s.depth !== undefined ? ['--depth', String(s.depth)] : [];
  const lines = [vars(s)];
  if (c.clone) {
    const args = [s.bare ? '--bare' : `--origin=${s.remote}`];
    if (s.depth !== undefined) {
      if (s.version === 'HEAD' || s.refspec) args.push(...depth);
      else if (c.isBranch || c.isTag) args.push(...depth, '--branch', s.version);
    }
    lines.push('mkdir -p -- "$(dirname -- "$d")" || exit 1', `git clone ${args.map(quote).join(' ')} -- "$r" "$d" || exit 1`);
    if (s.bare && s.remote !== 'origin') lines.push('git -C "$d" remote add "$rem" "$r" || exit 1');
    if (s.refspec) lines.push(`git -C "$d" fetch ${depth.map(quote).join(' ')} "$rem" ${quote(s.refspec)} || exit 1`);
  } else {
    if (c.reset) lines.push('git -C "$d" reset --hard HEAD -- >/dev/null || exit 1');
    if (c.setUrl) lines.push('git -C "$d" remote set-url "$rem" "$r" || exit 1');
    const specs = s.bare ? ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'] : [`+refs/heads/*:refs/remotes/${s.remote}/*`, '+refs/tags/*:refs/tags/*'];
    if (s.refspec) specs.push(s.refspec);
    lines.push(`git -C "$d" fetch ${[...depth, ...(s.force ? ['--force'] : [])].map(quote).join(' ')} "$rem" ${specs.map(quote).join(' ')} || exit 1`);
  }
  lines.push(...switchLines(s, c));
  lines.push('echo "@@tsplay:after@@"; git -C "$d" rev-parse HEAD', 'exit 0');
  return lines.join('\n');
}
