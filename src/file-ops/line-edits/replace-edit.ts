// replace's edit on the controller: Python's re.subn with re.MULTILINE over the
// decoded text, limited to the part between `after` and `before` (patterns
// joined around a lazy/greedy DOTALL group, as Ansible builds them).
import { compilePython, pySubn } from './pyregex.js';

export interface ReplaceOptions {
  regexp: string;
  replace?: string;
  after?: string;
  before?: string;
}

export interface ReplaceEdit {
  text: string;
  changed: boolean;
  msg: string;
  /** Replacements made (0 when unchanged). */
  count: number;
}

export function replaceInText(contents: string, o: ReplaceOptions): ReplaceEdit {
  let pattern = '';
  if (o.after && o.before) pattern = `${o.after}(?P<subsection>.*?)${o.before}`;
  else if (o.after) pattern = `${o.after}(?P<subsection>.*)`;
  else if (o.before) pattern = `(?P<subsection>.*)${o.before}`;

  let start = 0;
  let end = contents.length;
  if (pattern) {
    const { re } = compilePython(pattern, { dotall: true });
    const m = new RegExp(re.source, `${re.flags.replace('g', '')}d`).exec(contents);
    if (!m) {
      const msg = `Pattern for before/after params did not match the given file: ${pattern}`;
      return { text: contents, changed: false, msg, count: 0 };
    }
    [start, end] = m.indices!.groups!.subsection!;
  }
  const section = contents.slice(start, end);
  const { re } = compilePython(o.regexp, { multiline: true }, true);
  const [replaced, count] = pySubn(re, o.replace ?? '', section);
  if (count === 0 || replaced === section) return { text: contents, changed: false, msg: '', count: 0 };
  const text = contents.slice(0, start) + replaced + contents.slice(end);
  return { text, changed: true, msg: `${count} replacements made`, count };
}
