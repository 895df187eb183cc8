// A regular file's facts as get_url and uri report them (mode, owner, size...
// what Ansible adds to a result for a path), printed by a shell line and read back.
import { formatMode, type AttributeState } from '../file-ops/file-attributes.js';
import type { ModuleResult } from '../module-api/module-types.js';

export type Digest = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const DIGESTS: Digest[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** Shell: print section NAME with the stat of the file whose path is in shell word `pathWord`, if it exists. */
export function statSection(name: string, pathWord: string): string {
  return `echo "@@tsplay:${name}@@"; [ -e ${pathWord} ] && stat -L -c 'mode=%a uid=%u gid=%g owner=%U group=%G size=%s type=%F' -- ${pathWord}`;
}

/** Shell: print section NAME with the hex digest of a file (empty when it is not a readable file). */
export function digestSection(name: string, algo: Digest, pathWord: string): string {
  return `echo "@@tsplay:${name}@@"; [ -f ${pathWord} ] && ${algo}sum < ${pathWord} | cut -d' ' -f1`;
}

export interface HostFile extends AttributeState {
  exists: boolean;
  size?: number;
  isDir?: boolean;
}

/** Read a statSection back. */
export function parseStat(text: string | undefined): HostFile {
  const line = (text ?? '').trim();
  if (line === '') return { exists: false };
  const f = new Map<string, string>();
  const typeAt = line.indexOf(' type=');
  for (const w of line.slice(0, typeAt < 0 ? undefined : typeAt).split(' ')) {
    const eq = w.indexOf('=');
    if (eq > 0) f.set(w.slice(0, eq), w.slice(eq + 1));
  }
  return {
    exists: true,
    mode: f.get('mode')?.padStart(4, '0'),
    uid: Number(f.get('uid')),
    gid: Number(f.get('gid')),
    owner: f.get('owner'),
    group: f.get('group'),
    size: Number(f.get('size')),
    isDir: typeAt >= 0 && line.slice(typeAt + 6) === 'directory',
  };
}

/** What Ansible adds to a result for an existing path (its add_path_info). */
export function pathInfo(file: HostFile): ModuleResult {
  if (!file.exists) return {};
  return {
    mode: formatMode(parseInt(file.mode ?? '0', 8)),
    owner: file.owner,
    group: file.group,
    uid: file.uid,
    gid: file.gid,
    size: file.size,
    state: file.isDir ? 'directory' : 'file',
  };
}
