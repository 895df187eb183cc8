// lineinfile's edit, computed on the controller: the file's content (a byte
// string, see bytes.ts) and the options in, the new content and Ansible's
// message out. Lines are split after "\n" only, as Python's readlines() does.
import { readLines, stripEol, utf8Bytes } from './bytes.js';
import { compilePython, expandTemplate } from './pyregex.js';

export interface LineOptions {
  state?: 'present' | 'absent';
  line?: string;
  regexp?: string;
  search_string?: string;
  /** "EOF" (the default when neither insert option is given), "BOF" or a regex. */
  insertafter?: string;
  /** "BOF" or a regex. */
  insertbefore?: string;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface LineEdit {
  /** The new content (byte string). */
  text: string;
  changed: boolean;
  msg: string;
  /** state=absent: how many lines matched. */
  found?: number;
}

function bytesRegex(pattern: string): RegExp {
  return compilePython(utf8Bytes(pattern), { bytes: true }).re;
}

/** state=present on `text` (empty for a file about to be created). */
export function lineInFilePresent(text: string, o: LineOptions): LineEdit {
  const lines = readLines(text);
  const line = utf8Bytes(o.line ?? '');
  const search = o.search_string !== undefined ? utf8Bytes(o.search_string) : undefined;
  let insertafter = o.insertafter;
  const insertbefore = o.insertbefore;
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
  const re = o.regexp !== undefined ? bytesRegex(o.regexp) : undefined;
  let insRe: RegExp | undefined;
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') insRe = bytesRegex(insertafter);
  else if (insertbefore !== undefined && insertbefore !== 'BOF') insRe = bytesRegex(insertbefore);

  // Where the regexp (or search string) matches: the last line, or the first with firstmatch.
  let found = -1;
  let match: RegExpExecArray | null = null;
  let matched = false;
  for (let i = 0; i < lines.length && !(matched && o.firstmatch); i++) {
    if (re) {
      const m = re.exec(lines[i]!);
      if (m) [found, match, matched] = [i, m, true];
    } else if (search !== undefined && lines[i]!.includes(search)) {
      [found, matched] = [i, true];
    }
  }
  // Otherwise the line itself, and where insertafter/insertbefore point.
  let insertAt = -1;
  if (!matched) {
    for (let i = 0; i < lines.length; i++) {
      if (stripEol(lines[i]!) === line) found = i;
      else if (insRe && insRe.exec(lines[i]!)) {
        if (insertafter) insertAt = i + 1;
        else if (insertbefore) insertAt = i;
        if ((insertafter || insertbefore) && o.firstmatch) break;
      }
    }
  }

  const added = (): LineEdit => ({ text: lines.join(''), changed: true, msg: 'line added' });
  const unchanged = (): LineEdit => ({ text, changed: false, msg: '' });
  if (found !== -1) {
    // Backrefs expand over bytes, as Python's match.expand(b_line) does.
    let newLine = o.backrefs && match ? expandTemplate(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[found] === newLine) return unchanged();
    lines[found] = newLine;
    return { text: lines.join(''), changed: true, msg: 'line replaced' };
  }
  if (o.backrefs) return unchanged();
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(`${line}\n`);
    return added();
  }
  if (insertafter === 'EOF' || insertAt === -1) {
    const last = lines[lines.length - 1];
    if (last !== undefined && !/[\r\n]$/.test(last)) lines.push('\n');
    lines.push(`${line}\n`);
    return added();
  }
  if (insertafter) {
    // Not again when the line already follows the matching line.
    const next = insertAt === lines.length ? lines[insertAt - 1] : lines[insertAt];
    if (stripEol(next!) === line) return unchanged();
    lines.splice(insertAt, 0, `${line}\n`);
    return added();
  }
  lines.splice(insertAt, 0, `${line}\n`);
  return added();
}

/** state=absent: drop every line matching regexp, search_string or equal to line. */
export function lineInFileAbsent(text: string, o: LineOptions): LineEdit {
  const re = o.regexp !== undefined ? bytesRegex(o.regexp) : undefined;
  const search = o.search_string !== undefined ? utf8Bytes(o.search_string) : undefined;
  const line = utf8Bytes(o.line ?? '');
  const matches = (l: string): boolean => {
    if (re) return re.exec(l) !== null;
    if (search !== undefined) return l.includes(search);
    return stripEol(l) === line;
  };
  const lines = readLines(text);
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  if (found === 0) return { text, changed: false, msg: '', found };
  return { text: kept.join(''), changed: true, msg: `${found} line(s) removed`, found };
}
