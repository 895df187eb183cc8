// Shell fragments for what Ansible's user module does beside useradd/usermod:
// a home directory made from the skeleton (mode from login.defs' UMASK, owned
// by the user), and an ssh key pair generated in the user's home. Every word
// from the task is quoted; the passphrase comes from the exported TSPLAY_PP.
import { quote } from '../host/shell.js';

/** Copies the skeleton (or makes an empty directory) to `home`, with login.defs' mode; owner set when `chown`. */
export function makeHomeScript(home: string, skeleton: string | undefined, user: string | undefined): string {
  const h = quote(home);
  const skel = quote(skeleton ?? '/etc/skel');
  return [
    `if [ ! -e ${h} ]; then`,
    `  mkdir -p "$(dirname ${h})" || exit 1`,
    `  if [ -e ${skel} ]; then cp -a ${skel} ${h} || exit 1; else mkdir -p ${h} || exit 1; fi`,
    `  u=$(sed -n 's/^UMASK[[:space:]][[:space:]]*\\([0-9][0-9]*\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)`,
    `  if [ -n "$u" ]; then chmod "$(printf '%o' $((0777 & ~0$u)))" ${h} || exit 1; fi`,
    `fi`,
    ...(user ? [chownScript(home, user)] : []),
  ].join('\n');
}

/** Gives `path` (recursively) to the user and their primary group. */
export const chownScript = (path: string, user: string): string =>
  `chown -R "$(id -u ${quote(user)}):$(id -g ${quote(user)})" ${quote(path)}`;

export interface KeyRequest {
  user: string;
  /** ssh_key_file as given (absolute, or relative to the home). */
  file: string;
  type: string;
  bits: number;
  comment: string;
  passphrase: boolean;
  force: boolean;
}

/** The key's path: absolute as given, else under the user's home (shell text that reads the home from getent). */
export const keyPathShell = (k: KeyRequest): string =>
  k.file.startsWith('/') ? quote(k.file) : `"$(getent passwd ${quote(k.user)} | cut -d: -f6)"/${quote(k.file)}`;

/**
 * What the host holds of the key: `state <nohome|nodir|priv|pub|none>`, then the
 * key's path, its fingerprint line and public key (each on its own mark line).
 */
export function keyProbeScript(k: KeyRequest): string {
  return [
    `f=${keyPathShell(k)}; h=$(getent passwd ${quote(k.user)} | cut -d: -f6)`,
    `if ${k.file.startsWith('/') ? 'false' : '[ ! -e "$h" ]'}; then s=nohome`,
    `elif [ ! -e "$(dirname "$f")" ]; then s=nodir`,
    `elif [ -e "$f" ]; then s=priv`,
    `elif [ -e "$f.pub" ]; then s=pub`,
    `else s=none; fi`,
    `printf 'state %s\\npath %s\\n' "$s" "$f"`,
    `if [ -e "$f" ]; then printf 'fingerprint '; ssh-keygen -l -f "$f" 2>&1 | head -n 1; fi`,
    `if [ -e "$f.pub" ]; then printf 'public '; head -n 1 "$f.pub"; fi`,
  ].join('\n');
}

export interface KeyState {
  state: 'nohome' | 'nodir' | 'priv' | 'pub' | 'none';
  path: string;
  fingerprint?: string;
  publicKey?: string;
}

export function parseKeyProbe(out: string): KeyState {
  const line = (tag: string) => out.split('\n').find((l) => l.startsWith(`${tag} `))?.slice(tag.length + 1);
  return {
    state: (line('state') ?? 'none') as KeyState['state'],
    path: line('path') ?? '',
    fingerprint: line('fingerprint')?.trim(),
    publicKey: line('public')?.trim(),
  };
}

/** Makes the key pair (replacing an existing one only with force), owned by the user. */
export function keygenScript(k: KeyRequest): string {
  const argv = ['ssh-keygen', '-t', k.type, ...(k.bits > 0 ? ['-b', String(k.bits)] : []), '-C', k.comment, '-f'].map(quote).join(' ');
  const owner = `"$(id -u ${quote(k.user)}):$(id -g ${quote(k.user)})"`;
  return [
    `f=${keyPathShell(k)}; d=$(dirname "$f")`,
    `if [ ! -e "$d" ]; then (umask 077; mkdir "$d") && chown ${owner} "$d" || exit 1; fi`,
    ...(k.force ? [`rm -f "$f" "$f.pub"`] : []),
    `${argv} "$f" -N ${k.passphrase ? '"$TSPLAY_PP"' : "''"} </dev/null || exit $?`,
    `chown ${owner} "$f" "$f.pub"`,
  ].join('\n');
}
