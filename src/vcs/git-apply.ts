// The git module's change, in one round trip, in Ansible's order: move the
// repository to separate_git_dir, clone (or reset, set-url, fetch), switch
// the work tree to the version, verify its signature, bring submodules up
// to date, then make the archive. It prints the sections the module reads
// (after, git-dir-before/now, submodules-changed, archive-same) and, where
// Ansible fails with a message of its own, fail (+ fail-rc, fail-stdout,
// fail-stderr, fail-details) and stops; other command failures exit 1.
import { quote } from '../host/shell.js';
import { gitVars, type GitSpec } from './git.js';

export interface GitChange {
  clone: boolean;
  reset: boolean;
  setUrl: boolean;
  /** The version is a branch / a tag on the remote. */
  isBranch: boolean;
  isTag: boolean;
  /** Move the repository to separate_git_dir first. */
  relocate?: boolean;
  /** Fetch and switch (false with update=no: only relocate and archive). */
  update?: boolean;
}

/** Stops the script with Ansible's message: die MSG [RC] [STDOUT-FILE STDERR-FILE] [DETAILS] (empty words: none). */
const DIE = [
  'die() {',
  '  printf "@@tsplay:fail@@\\n%s\\n" "$1"; if [ -n "$2" ]; then printf "@@tsplay:fail-rc@@\\n%s\\n" "$2"; fi',
  '  if [ -n "$3" ]; then echo "@@tsplay:fail-stdout@@"; cat "$3"; echo "@@tsplay:fail-stderr@@"; cat "$4"; fi',
  '  if [ -n "$5" ]; then printf "@@tsplay:fail-details@@\\n%s\\n" "$5"; fi',
  '  exit 0',
  '}',
  'o=$(mktemp) && e=$(mktemp) || exit 1',
  "trap 'rm -f \"$o\" \"$e\"' EXIT",
].join('\n');

/** git verify-commit (verify-tag for an annotated tag) of $1, with the whitelist's check of the key (--raw). */
function verifyFunction(s: GitSpec): string {
  const list = s.gpgWhitelist ?? [];
  return [
    'verify() {',
    '  sub=verify-commit',
    '  git -C "$d" for-each-ref refs/tags/ --format "%(objecttype):%(refname:short)" | grep -qxF "tag:$1" && sub=verify-tag',
    `  git -C "$d" "$sub" "$1" ${list.length > 0 ? '--raw ' : ''}>"$o" 2>"$e"; rc=$?`,
    '  [ "$rc" -eq 0 ] || die "Failed to verify GPG signature of commit/tag \\"$1\\"" "$rc" "$o" "$e"',
    ...(list.length > 0
      ? [
          '  fp=$(awk \'$2 == "VALIDSIG" { print $3; exit }\' "$e"); ok=',
          `  for w in ${list.map(quote).join(' ')}; do [ -n "$fp" ] && [ "$w" = "$fp" ] && ok=1; done`,
          '  [ -n "$ok" ] || die "The gpg_whitelist does not include the public key \\"${fp:-None}\\" for this commit" 0 "$o" "$e"',
        ]
      : []),
    '}',
  ].join('\n');
}

/** Switching the work tree to the version, as Ansible's switch_version does. */
function switchLines(s: GitSpec, c: GitChange): string[] {
  if (s.bare) return [];
  const lines: string[] = [];
  if (s.version === 'HEAD') {
    lines.push(
      'b=$(git -C "$d" ls-remote --symref "$rem" HEAD | sed -n "s|^ref: refs/heads/\\(.*\\)\tHEAD$|\\1|p")',
      '[ -n "$b" ] || { echo "Failed to find remote HEAD branch" >&2; exit 1; }',
      'if git -C "$d" rev-parse --verify -q "refs/heads/$b" >/dev/null; then git -C "$d" checkout --force "$b" >/dev/null || exit 1; else git -C "$d" checkout --force --track -b "$b" "$rem/$b" >/dev/null || exit 1; fi',
      'git -C "$d" reset --hard "$rem/$b" -- >/dev/null || exit 1',
    );
  } else if (c.isBranch) {
    lines.push(
      'if git -C "$d" rev-parse --verify -q "refs/heads/$v" >/dev/null; then git -C "$d" checkout --force "$v" >/dev/null || exit 1; else git -C "$d" checkout --force --track -b "$v" "$rem/$v" >/dev/null || exit 1; fi',
      'git -C "$d" reset --hard "$rem/$v" -- >/dev/null || exit 1',
    );
  } else lines.push('git -C "$d" checkout --force "$v" >/dev/null || exit 1');
  if (s.verifyCommit) lines.push('verify "$v"');
  return lines;
}

/** The clone's words, as Ansible's clone() builds them. */
function cloneLines(s: GitSpec, c: GitChange): string[] {
  const args = [s.bare ? '--bare' : `--origin=${s.remote}`];
  const branchOrTag = c.isBranch || c.isTag;
  if (s.depth !== undefined) {
    if (s.version === 'HEAD' || s.refspec) args.push('--depth', String(s.depth));
    else if (branchOrTag) args.push('--depth', String(s.depth), '--branch', s.version);
  }
  if (s.reference !== undefined) args.push('--reference', s.reference);
  if (s.singleBranch) args.push('--single-branch', ...(branchOrTag ? ['--branch', s.version] : []));
  const sgd = s.separateGitDir !== undefined ? ' --separate-git-dir="$sgd"' : '';
  const lines = ['mkdir -p -- "$(dirname -- "$d")" || exit 1', `git clone ${args.map(quote).join(' ')}${sgd} -- "$r" "$d" >/dev/null || exit 1`];
  if (s.bare && s.remote !== 'origin') lines.push('git -C "$d" remote add "$rem" "$r" || exit 1');
  if (s.refspec) lines.push(`git -C "$d" fetch ${s.depth !== undefined ? `--depth ${s.depth} ` : ''}"$rem" ${quote(s.refspec)} || exit 1`);
  if (s.verifyCommit) lines.push('verify "$v"');
  return lines;
}

function fetchLines(s: GitSpec, c: GitChange): string[] {
  const lines: string[] = [];
  if (c.reset) lines.push('git -C "$d" reset --hard HEAD -- >/dev/null || exit 1');
  if (c.setUrl) lines.push('git -C "$d" remote set-url "$rem" "$r" || exit 1');
  const specs = s.bare ? ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'] : [`+refs/heads/*:refs/remotes/${s.remote}/*`, '+refs/tags/*:refs/tags/*'];
  if (s.refspec) specs.push(s.refspec);
  const opts = [...(s.depth !== undefined ? ['--depth', String(s.depth)] : []), ...(s.force ? ['--force'] : [])];
  lines.push(`git -C "$d" fetch ${opts.map(quote).join(' ')} "$rem" ${specs.map(quote).join(' ')} || exit 1`);
  return lines;
}

/** Ansible's submodules_fetch (is anything to do?) then submodule_update. */
function submoduleLines(s: GitSpec): string[] {
  if (s.bare || s.recursive === false) return [];
  const track = s.trackSubmodules === true;
  return [
    'if [ -f "$d/.gitmodules" ]; then',
    '  sc=',
    '  while IFS= read -r l; do',
    '    case "$l" in *path*) ;; *) continue;; esac',
    '    t=$(printf "%s" "$l" | sed "s/^[[:space:]]*//"); case "$t" in path*) ;; *) continue;; esac',
    '    p=$(printf "%s" "${t#*=}" | sed "s/^[[:space:]]*//; s/[[:space:]]*$//")',
    '    [ -e "$d/$p/.git" ] || sc=1',
    '  done <"$d/.gitmodules"',
    '  if [ -z "$sc" ]; then',
    '    b1=$(cd "$d" && git submodule foreach git rev-parse HEAD 2>"$e") || die "Unable to determine hashes of submodules"',
    '    (cd "$d" && git submodule foreach git fetch) >"$o" 2>&1 || die "Failed to fetch submodules: $(cat "$o")"',
    track
      ? '    b2=$(cd "$d" && git submodule foreach git rev-parse "$rem/master" 2>"$e") || die "Unable to determine hashes of submodules"; [ "$b1" = "$b2" ] || sc=1'
      : '    (cd "$d" && git submodule status) | grep -q "^[^ ]" && sc=1',
    '  fi',
    '  if [ -n "$sc" ]; then',
    '    echo "@@tsplay:submodules-changed@@"',
    '    (cd "$d" && git submodule sync) >/dev/null || exit 1',
    `    (cd "$d" && git submodule update --init --recursive${track ? ' --remote' : ''}${s.force ? ' --force' : ''}) >"$o" 2>&1 || die "Failed to init/update submodules: $(cat "$o")"`,
    '  fi',
    'fi',
  ];
}

/** create_archive: a new archive, or one made aside and put in place only when it differs. */
function archiveLines(s: GitSpec): string[] {
  const a = s.archive;
  if (!a) return [];
  if (!a.format) {
    return [
      `die ${quote(`Unable to get file extension from archive file name : ${a.path}`)} "" "" "" ${quote("Please specify archive as filename with extension. File extension can be one of ['tar', 'tar.gz', 'zip', 'tgz']")}`,
    ];
  }
  const words = ['--format', a.format, ...(a.prefix !== undefined ? ['--prefix', a.prefix] : [])].map(quote).join(' ');
  return [
    `a=${quote(a.path)}; case "$a" in /*) ;; *) a="$PWD/$a";; esac`,
    'at=$(mktemp -d) || exit 1',
    `if git -C "$d" archive ${words} --output "$at/new" "$v" 2>"$e"; then`,
    '  if [ -e "$a" ] && cmp -s "$at/new" "$a"; then echo "@@tsplay:archive-same@@"',
    '  else t="$a.tsplay-$$"; cp -p "$at/new" "$t" && mv -f "$t" "$a" || { rm -f "$t"; rm -rf "$at"; exit 1; }; fi',
    '  rm -rf "$at"',
    'else',
    '  rm -rf "$at"',
    `  die "Failed to perform archive operation" "" "" "" "Git archive command failed to create archive $a using $d directory.Error: $(cat "$e")"`,
    'fi',
  ];
}

/** The change: relocate, clone or update, switch, verify, submodules, after, archive. */
export function gitApplyScript(s: GitSpec, c: GitChange): string {
  const lines = [gitVars(s), DIE];
  if (s.verifyCommit) lines.push(verifyFunction(s));
  if (c.relocate) {
    lines.push(
      '[ -e "$sgd" ] && die "Separate-git-dir path $sgd already exists."',
      'mv -- "$rp" "$sgd" || exit 1',
      'printf "gitdir: %s" "$sgd" >"$d/.git" || { rm -f "$d/.git"; mv -- "$sgd" "$rp"; exit 1; }',
      'printf "@@tsplay:git-dir-before@@\\n%s\\n@@tsplay:git-dir-now@@\\n%s\\n" "$rp" "$sgd"',
    );
  }
  if (c.clone) lines.push(...cloneLines(s, c));
  else if (c.update !== false) lines.push(...fetchLines(s, c));
  if (c.clone || c.update !== false) lines.push(...switchLines(s, c), ...submoduleLines(s));
  lines.push('echo "@@tsplay:after@@"; git -C "$d" rev-parse HEAD');
  lines.push(...archiveLines(s));
  lines.push('exit 0');
  return lines.join('\n');
}
