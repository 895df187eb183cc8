// The known_hosts decisions of Ansible's known_hosts module, from what
// `ssh-keygen -F host` printed: whether the host is there, whether its entry
// of the key's type must be replaced, on which line, and the file after.

export interface HostKey {
  options?: string;
  host: string;
  type: string;
  key: string;
}

/** A known_hosts line or user key as fields (extra words at the end, like a comment, ignored). */
export function normalizeKey(line: string): HostKey {
  const k = line.trim().split(/\s+/);
  if (k[0]!.startsWith('@')) return { options: k[0], host: k[1] ?? '', type: k[2] ?? '', key: k[3] ?? '' };
  return { host: k[0] ?? '', type: k[1] ?? '', key: k[2] ?? '' };
}

const same = (a: HostKey, b: HostKey): boolean => a.options === b.options && a.host === b.host && a.type === b.type && a.key === b.key;

export interface Search {
  found: boolean;
  replaceOrAdd: boolean;
  foundLine?: number;
}

/** Ansible's search_for_host_key over ssh-keygen -F's output (the file exists). */
export function searchHostKey(stdout: string, key: string | undefined): Search {
  if (!key) return { found: true, replaceOrAdd: false };
  const wanted = normalizeKey(key);
  let foundLine: number | undefined;
  for (const l of stdout.split('\n')) {
    if (l === '') continue;
    if (l.startsWith('#')) {
      const m = /found: line (\d+)/.exec(l);
      if (m) foundLine = Number(m[1]);
      continue;
    }
    const found = normalizeKey(l);
    // A hashed entry keeps its hash: compare the rest.
    if (wanted.host.startsWith('|1|') && found.host.startsWith('|1|')) wanted.host = found.host;
    if (same(wanted, found)) return { found: true, replaceOrAdd: false, foundLine };
    if (wanted.type === found.type) return { found: true, replaceOrAdd: true, foundLine };
  }
  return { found: true, replaceOrAdd: true };
}

/** Python's str.splitlines(keepends=True) for the line breaks a text file has. */
function linesKeepEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The file's content after the change (Ansible's compute_diff 'after'). */
export function contentAfter(before: string, s: Search, state: 'present' | 'absent', key: string | undefined): string {
  const lines = linesKeepEnds(before);
  if ((s.replaceOrAdd || state === 'absent') && s.foundLine !== undefined && s.foundLine >= 1 && s.foundLine <= lines.length) lines.splice(s.foundLine - 1, 1);
  if (state === 'present' && (s.replaceOrAdd || s.foundLine === undefined)) lines.push(key ?? '');
  return lines.join('');
}

/** `stat` words for Ansible's path info (add_path_info): uid gid owner group mode size type links. */
export const pathInfoScript = (pathShell: string): string => `stat -c '%u %g %U %G %a %s %h %F' ${pathShell}`;

/** What Ansible adds to a result that names an existing `path` (owner, mode, state...). */
export function pathInfo(out: string | undefined): Record<string, unknown> {
  const f = (out ?? '').trim().split(' ');
  if (f.length < 8) return {};
  const type = f.slice(7).join(' ');
  const state = type === 'symbolic link' ? 'link' : type === 'directory' ? 'directory' : Number(f[6]) > 1 ? 'hard' : 'file';
  return { uid: Number(f[0]), gid: Number(f[1]), owner: f[2], group: f[3], mode: `0${f[4]!.padStart(3, '0')}`, state, size: Number(f[5]) };
}
