// Zip archives as Ansible's unarchive (ZipArchive) sees them: names listed by
// unzip, each entry compared with dest (type, size, content, mtime, mode,
// owner, group), and rsync-style itemized lines for the diff. The host's probe
// (zipProbeScript) prints zipinfo's lines and, for every entry, dest's stat and
// whether its content equals the entry's.
import { quote } from '../host/shell.js';

export interface ZipEntryState {
  name: string;
  /** zipinfo's permission string, e.g. -rw-r--r-- or drwxr-xr-x. */
  perms: string;
  /** zipinfo -T time as seconds since the epoch (the host's local time). */
  mtime: number;
  size: number;
  dest?: { type: string; mode: number; size: number; mtime: number; owner: string; group: string; uid: number; gid: number; same: boolean };
}

const SEP = '@@tsplay-zip@@';

/** Shell that prints each entry: zipinfo's line, its time in epoch seconds, and dest's state. */
export function zipProbeScript(src: string, dest: string): string {
  const s = quote(src);
  const d = quote(dest);
  return [
    `LC_ALL=C unzip -Z -T -s ${s} | grep -E '^[-dl?][-rwxstahST]{6,9} ' | while IFS= read -r line; do`,
    `  n=$(printf '%s' "$line" | sed -E 's/^([^ ]+ +){7}//'); t=$(printf '%s' "$line" | awk '{print $7}')`,
    `  printf '${SEP}%s\\n%s\\n' "$n" "$line"; date -d "$(printf '%s' "$t" | sed -E 's/^(....)(..)(..)\\.(..)(..)(..)$/\\1-\\2-\\3 \\4:\\5:\\6/')" +%s`,
    `  p=${d}/"$n"; stat -c '%F|%a|%s|%Y|%U|%G|%u|%g' -- "$p" 2>/dev/null || echo absent`,
    `  case "$n" in */) ;; *) [ -f "$p" ] && unzip -p ${s} "$n" 2>/dev/null | cmp -s - "$p" && echo same;; esac`,
    'done',
  ].join('\n');
}

export function parseZipProbe(out: string): ZipEntryState[] {
  return out
    .split(SEP)
    .slice(1)
    .map((block) => {
      const [name, line, time, st, same] = block.split('\n');
      const pcs = (line ?? '').split(/\s+/);
      const entry: ZipEntryState = { name: name!, perms: pcs[0]!, size: Number(pcs[3]), mtime: Number(time) };
      if (st && st !== 'absent') {
        const [type, mode, size, mtime, owner, group, uid, gid] = st.split('|');
        const kind = type === 'directory' ? 'd' : type === 'symbolic link' ? 'L' : type?.startsWith('regular') ? 'f' : '?';
        entry.dest = { type: kind, mode: parseInt(mode!, 8), size: Number(size), mtime: Number(mtime), owner: owner!, group: group!, uid: Number(uid), gid: Number(gid), same: same === 'same' };
      }
      return entry;
    });
}

/** Permission bits of a zipinfo permission string (rwxr-x--x, with s/t). */
function permBits(perm: string): number {
  let mode = 0;
  const p = perm.slice(1);
  const bits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  for (let i = 0; i < 9; i++) {
    const c = p[i];
    if (c && c !== '-' && !'ST'.includes(c)) mode |= bits[i]!;
    if (i === 2 && (c === 's' || c === 'S')) mode |= 0o4000;
    if (i === 5 && (c === 's' || c === 'S')) mode |= 0o2000;
    if (i === 8 && (c === 't' || c === 'T')) mode |= 0o1000;
  }
  return mode;
}

export interface ZipWanted {
  mode?: number;
  owner?: string;
  group?: string;
  keepNewer: boolean;
  umask: number;
}

/** Ansible's itemized lines of the entries dest does not hold as the archive does ('' when unpacked). */
export function zipDifferences(entries: ZipEntryState[], wanted: ZipWanted): string {
  let diff = '';
  for (const e of entries) {
    const ftype = e.name.endsWith('/') ? 'd' : e.perms[0] === 'l' ? 'L' : 'f';
    const st = e.dest;
    if (!st) {
      diff += `>${ftype}++++++.?? ${e.name}\n`;
      continue;
    }
    if (st.type !== ftype) {
      diff += `c${ftype}++++++.?? ${e.name}\n`;
      continue;
    }
    const item = `.${ftype}.......??`.split('');
    let change = false;
    if (st.type === 'f') {
      if (wanted.keepNewer ? e.mtime > st.mtime : e.mtime !== st.mtime) ((change = true), (item[4] = 't'));
      if (e.size !== st.size) ((change = true), (item[3] = 's'));
      if (!st.same) ((change = true), (item[2] = 'c'));
    }
    if (ftype !== 'L') {
      const perms = e.perms.length === 10 ? permBits(e.perms) : ftype === 'd' ? 0o777 & ~wanted.umask : 0o666 & ~wanted.umask;
      const mode = wanted.mode ?? perms;
      if (mode !== st.mode) ((change = true), (item[5] = 'p'));
    }
    if (wanted.owner && wanted.owner !== st.owner && wanted.owner !== String(st.uid)) ((change = true), (item[6] = 'o'));
    if (wanted.group && wanted.group !== st.group && wanted.group !== String(st.gid)) ((change = true), (item[6] = 'g'));
    if (change) diff += `${item.join('')} ${e.name}\n`;
  }
  return diff;
}
