// Python `re` semantics on JavaScript RegExp, as far as is reasonable: the
// pattern is rewritten (named groups, \A \Z, `^` `$` `.` with Python's meaning,
// leading inline flags), replacement templates expand like Python's (\1, \g<n>,
// \n escapes), and substitution treats empty matches as Python 3.7+ does.
//
// Text patterns (replace) get the `u` flag with \w \d \b spelled as Unicode
// classes, as Python's str patterns; bytes patterns (lineinfile, blockinfile)
// stay ASCII. Not translated (JS refuses or differs): scoped flags `(?i:...)`,
// conditional groups `(?(1)...)`, \N{name}, `i` on non-ASCII bytes in bytes
// patterns, and \s's exact set for text (JS adds U+FEFF, lacks \x1c-\x1f).
import { ModuleFailure } from '../../module-api/module-types.js';

export interface PyRegexOptions {
  /** re.MULTILINE: `^`/`$` at every line. */
  multiline?: boolean;
  /** re.DOTALL: `.` matches a newline too. */
  dotall?: boolean;
  /**
   * A bytes pattern over a byte string (one char per byte): ASCII classes, no
   * `u` flag. Otherwise a text pattern: `u` flag, Unicode \w \d \b as Python's.
   */
  bytes?: boolean;
}

export interface PyRegex {
  re: RegExp;
  /** The effective flags after inline `(?ims)`. */
  multiline: boolean;
  dotall: boolean;
}

const START = '(?<![\\s\\S])';
const END = '(?![\\s\\S])';
const SYNTAX = new Set('^$\\.*+?()[]{}|/-');
const KNOWN_LETTERS = new Set('abfnrtvxuUNAZwWdDsSbB');
const UWORD = '\\p{L}\\p{N}_';

/** One `\x` escape at pattern[i] (the backslash): its JS text and length. */
function escape(pattern: string, i: number, inClass: boolean, bytes: boolean): [string, number] {
  const n = pattern[i + 1] ?? '';
  const octal = (digits: string): string => {
    const code = parseInt(digits, 8);
    return code > 0xff && !bytes ? `\\u{${code.toString(16)}}` : `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
  };
  if (/\d/.test(n)) {
    const three = /^[0-7]{3}/.exec(pattern.slice(i + 1))?.[0];
    if (n === '0') {
      const o = /^0[0-7]{0,2}/.exec(pattern.slice(i + 1))![0];
      return [octal(o), o.length + 1];
    }
    if (three) return [octal(three), 4];
    if (inClass) {
      const o = /^[0-7]{1,3}/.exec(pattern.slice(i + 1))?.[0];
      if (!o) throw new SyntaxError(`bad escape \\${n}`);
      return [octal(o), o.length + 1];
    }
    const ref = /^\d{1,2}/.exec(pattern.slice(i + 1))![0];
    return [`\\${ref}`, ref.length + 1];
  }
  if (/[A-Za-z]/.test(n) && !KNOWN_LETTERS.has(n)) throw new SyntaxError(`bad escape \\${n} at position ${i}`);
  const classes: Record<string, [string, string]> = bytes
    ? { s: ['[ \\t\\n\\r\\f\\v]', ' \\t\\n\\r\\f\\v'], S: ['[^ \\t\\n\\r\\f\\v]', '\\S'] }
    : {
        w: [`[${UWORD}]`, UWORD],
        W: [`[^${UWORD}]`, '\\W'],
        d: ['\\p{Nd}', '\\p{Nd}'],
        D: ['\\P{Nd}', '\\D'],
        b: [`(?:(?<=[${UWORD}])(?![${UWORD}])|(?<![${UWORD}])(?=[${UWORD}]))`, '\\x08'],
        B: [`(?:(?<=[${UWORD}])(?=[${UWORD}])|(?<![${UWORD}])(?![${UWORD}]))`, 'B'],
      };
  if (n in classes) return [classes[n]![inClass ? 1 : 0], 2];
  switch (n) {
    case 'A':
      return [inClass ? 'A' : START, 2];
    case 'Z':
      return [inClass ? 'Z' : END, 2];
    case 'a':
      return ['\\x07', 2];
    case 'b':
      return [inClass ? '\\x08' : '\\b', 2];
    case 'U': {
      const hex = pattern.slice(i + 2, i + 10);
      return [bytes ? 'U' : `\\u{${hex.replace(/^0+(?=.)/, '')}}`, bytes ? 2 : 10];
    }
    case 'N':
      throw new SyntaxError('\\N{...} is not supported');
    case 'x':
    case 'u':
      if (bytes && n === 'u') return ['u', 2];
      return [`\\${n}`, 2];
  }
  if (/[A-Za-z]/.test(n)) return [`\\${n}`, 2];
  return [SYNTAX.has(n) && (n !== '-' || inClass) ? `\\${n}` : n, 2];
}

/** A Python `{m,n}` quantifier at pattern[i], or undefined when `{` is a literal there. */
function quantifier(pattern: string, i: number): [string, number] | undefined {
  const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(pattern.slice(i));
  if (!m || m[0] === '{}') return undefined;
  return [`{${m[1] || '0'}${m[2] ? `,${m[3]}` : ''}}`, m[0].length];
}

/** Rewrite a Python pattern as JS RegExp source (see PyRegexOptions for the flavour). */
export function translatePattern(
  pattern: string,
  options: PyRegexOptions = {},
): { source: string; ignoreCase: boolean; multiline: boolean; dotall: boolean } {
  const bytes = options.bytes ?? false;
  let multiline = options.multiline ?? false;
  let dotall = options.dotall ?? false;
  let ignoreCase = false;
  let verbose = false;
  let i = 0;
  // Global inline flags at the start: (?imsx) (a, u, L accepted and ignored).
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(pattern); m; m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i))) {
    for (const f of m[1]!) {
      if (f === 'i') ignoreCase = true;
      else if (f === 'm') multiline = true;
      else if (f === 's') dotall = true;
      else if (f === 'x') verbose = true;
    }
    i += m[0].length;
  }
  let out = '';
  while (i < pattern.length) {
    const c = pattern[i]!;
    let text = c;
    let len = 1;
    if (c === '\\') [text, len] = escape(pattern, i, false, bytes);
    else if (c === '[') [text, len] = charClass(pattern, i, bytes);
    else if (c === '{') [text, len] = quantifier(pattern, i) ?? ['\\{', 1];
    else if (c === '}' || c === ']') text = `\\${c}`;
    else if (pattern.startsWith('(?P<', i)) [text, len] = ['(?<', 4];
    else if (pattern.startsWith('(?P=', i)) {
      const close = pattern.indexOf(')', i);
      [text, len] = [`\\k<${pattern.slice(i + 4, close)}>`, close + 1 - i];
    } else if (pattern.startsWith('(?#', i)) [text, len] = ['', (pattern.indexOf(')', i) + 1 || pattern.length) - i];
    else if (c === '^') text = multiline ? '(?<=^|\\n)' : START;
    else if (c === '$') text = multiline ? '(?=\\n|$)' : `(?=\\n?${END})`;
    else if (c === '.') text = dotall ? '[\\s\\S]' : '[^\\n]';
    else if (verbose && /\s/.test(c)) text = '';
    else if (verbose && c === '#') {
      const nl = pattern.indexOf('\n', i);
      [text, len] = ['', (nl < 0 ? pattern.length : nl + 1) - i];
    }
    out += text;
    i += len;
  }
  return { source: out, ignoreCase, multiline, dotall };
}

/** A `[...]` class at pattern[i] (Python: a leading `]` is literal; `[` inside is literal). */
function charClass(pattern: string, start: number, bytes: boolean): [string, number] {
  let j = start + 1;
  let out = '[';
  if (pattern[j] === '^') {
    out += '^';
    j++;
  }
  if (pattern[j] === ']') {
    out += '\\]';
    j++;
  }
  while (j < pattern.length && pattern[j] !== ']') {
    if (pattern[j] === '\\') {
      const [text, len] = escape(pattern, j, true, bytes);
      out += text;
      j += len;
    } else {
      out += pattern[j] === '[' ? '\\[' : pattern[j];
      j++;
    }
  }
  if (j >= pattern.length) throw new SyntaxError(`unterminated character set at position ${start}`);
  return [`${out}]`, j + 1 - start];
}

/** Compile a Python pattern; a bad one fails the task like Python's re.error would. */
export function compilePython(pattern: string, options: PyRegexOptions = {}, global = false): PyRegex {
  try {
    const t = translatePattern(pattern, options);
    const flags = `${t.ignoreCase ? 'i' : ''}${global ? 'g' : ''}${options.bytes ? '' : 'u'}`;
    return { re: new RegExp(t.source, flags), multiline: t.multiline, dotall: t.dotall };
  } catch (e) {
    throw new ModuleFailure(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function groupValue(m: RegExpExecArray, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n >= m.length) throw new ModuleFailure(`invalid group reference ${n}`);
    return m[n] ?? '';
  }
  if (!m.groups || !(ref in m.groups)) throw new ModuleFailure(`unknown group name '${ref}'`);
  return m.groups[ref] ?? '';
}

/** Python's match.expand(template): \1..\99, \g<n>, \g<name>, \n-style escapes. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const n = template[i + 1]!;
    if (n === 'g') {
      const close = template.indexOf('>', i);
      if (template[i + 2] !== '<' || close < 0) throw new ModuleFailure('missing < in group reference');
      out += groupValue(m, template.slice(i + 3, close));
      i = close;
    } else if (/[0-7]/.test(n) && /^[0-7]{3}$/.test(template.slice(i + 1, i + 4)) && parseInt(template.slice(i + 1, i + 4), 8) <= 0o377) {
      out += String.fromCharCode(parseInt(template.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (n === '0') {
      const oct = /^[0-7]{1,3}/.exec(template.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length;
    } else if (/\d/.test(n)) {
      const ref = /^\d{1,2}/.exec(template.slice(i + 1))![0];
      out += groupValue(m, ref);
      i += ref.length;
    } else if (n in ESCAPES) {
      out += ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) {
      throw new ModuleFailure(`bad escape \\${n} at position ${i}`);
    } else {
      out += c + n;
      i++;
    }
  }
  return out;
}

/**
 * Python's re.subn(pattern, template, text): every non-overlapping match
 * replaced; an empty match right after another empty match at the same place is
 * skipped (Python 3.7+), but one right after a non-empty match is kept.
 */
export function pySubn(regex: RegExp, template: string, text: string): [string, number] {
  const re = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
  let out = '';
  let last = 0;
  let count = 0;
  let pos = 0;
  let emptyAt = -1;
  while (pos <= text.length) {
    re.lastIndex = pos;
    let m = re.exec(text);
    if (m && m[0] === '' && m.index === emptyAt) {
      if (pos >= text.length) break;
      re.lastIndex = pos + 1;
      m = re.exec(text);
    }
    if (!m) break;
    out += text.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    count++;
    emptyAt = m[0] === '' ? last : -1;
    pos = last;
  }
  return [out + text.slice(last), count];
}
