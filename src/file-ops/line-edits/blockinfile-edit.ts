// blockinfile's edit on the controller: find the marker lines, drop the old
// block, put the new one where the markers were (or where insertafter /
// insertbefore point), as Ansible 2.14 does, over bytes (see bytes.ts). Lines
// split after \n, \r or \r\n (Python's bytes.splitlines).
import { splitLinesKeep, utf8Bytes } from './bytes.js';
import { compilePython, expandTemplate } from './pyregex.js';

export interface BlockOptions {
  state?: 'present' | 'absent';
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  insertafter?: string;
  insertbefore?: string;
}

export interface BlockEdit {
  /** New content (byte string). */
  text: string;
  changed: boolean;
  msg: string;
}

export const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';

/** The marker line with {mark} replaced (the replacement is a Python re template, as in Ansible). */
function markerLine(marker: string, mark: string): string {
  const fake = Object.assign([''], { index: 0, input: '' }) as RegExpExecArray;
  return `${marker.split('{mark}').join(expandTemplate(mark, fake))}\n`;
}

/** Where the block goes when there are no markers yet. */
function insertionPoint(lines: string[], original: string, o: BlockOptions, insertafter: string | undefined): number {
  const pattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : o.insertbefore !== undefined && o.insertbefore !== 'BOF' ? o.insertbefore : undefined;
  if (pattern === undefined) return insertafter === undefined ? 0 : lines.length;
  const { re, multiline } = compilePython(utf8Bytes(pattern), { bytes: true });
  let at: number | undefined;
  if (multiline) {
    // A (?m) pattern is searched in the whole file; the line is counted from newlines.
    const m = re.exec(original);
    if (m) {
      const upto = insertafter ? m.index + m[0].length : m.index;
      if (insertafter || o.insertbefore) at = (original.slice(0, upto).match(/\n/g) ?? []).length;
    }
  } else {
    lines.forEach((l, i) => {
      if (re.exec(l)) at = i;
    });
  }
  if (at === undefined) return lines.length;
  return insertafter !== undefined ? at + 1 : at;
}

/** `original` is undefined when the file does not exist (create). */
export function blockInFile(original: string | undefined, o: BlockOptions): BlockEdit {
  const lines = original !== undefined ? splitLinesKeep(original) : [];
  const marker = utf8Bytes(o.marker ?? DEFAULT_MARKER);
  const begin = markerLine(marker, utf8Bytes(o.marker_begin ?? 'BEGIN'));
  const end = markerLine(marker, utf8Bytes(o.marker_end ?? 'END'));
  let block = utf8Bytes(o.block ?? '');
  const present = (o.state ?? 'present') === 'present';
  let blockLines: string[] = [];
  if (present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [begin, ...splitLinesKeep(block), end];
  }
  const insertafter = o.insertafter === undefined && o.insertbefore === undefined ? 'EOF' : o.insertafter;

  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === begin) n0 = i;
    if (l === end) n1 = i;
  });
  let at: number;
  if (n0 === undefined || n1 === undefined) {
    at = insertionPoint(lines, original ?? '', o, insertafter);
  } else {
    at = Math.min(n0, n1);
    lines.splice(at, Math.abs(n1 - n0) + 1);
  }
  // The line before the block ends with a newline.
  if (at > 0 && !lines[at - 1]!.endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  const text = lines.join('');

  if (original === text) return { text, changed: false, msg: '' };
  if (original === undefined) return { text, changed: true, msg: 'File created' };
  return { text, changed: true, msg: blockLines.length === 0 ? 'Block removed' : 'Block inserted' };
}
