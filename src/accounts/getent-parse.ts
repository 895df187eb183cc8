// getent's output as Ansible's getent module shapes it: each line split (on
// the colon for the colon databases, else on runs of whitespace as Python's
// str.split()), the first field the key; a key seen twice maps to a list of
// its entries.

const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

/** Python's str.split(sep) (or str.split() without a separator). */
export function pySplit(line: string, sep?: string): string[] {
  if (sep === undefined || sep === null) return line.split(/\s+/).filter((w) => w !== '');
  if (sep === '') throw new Error('empty separator');
  return line.split(sep);
}

export function getentFacts(stdout: string, database: string, split?: string): Record<string, unknown> {
  const sep = split ?? (COLON.includes(database) ? ':' : undefined);
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  const lines = stdout.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const record = pySplit(line, sep);
    // Python's ''.split() gives [] and record[0] fails there; getent prints no empty lines.
    const key = record[0] ?? '';
    const rest = record.slice(1);
    const count = seen.get(key) ?? 0;
    if (count === 0) tree[key] = rest;
    else {
      if (count === 1) tree[key] = [tree[key]];
      (tree[key] as unknown[]).push(rest);
    }
    seen.set(key, count + 1);
  }
  return tree;
}
