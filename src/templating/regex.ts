// Python `re` patterns and replacement strings on top of JS RegExp.
import { TemplateError } from './errors.js';

/** Translate Python regex syntax to JS: (?P<n>..), (?P=n), \A, \Z, leading inline flags. */
export function pyRegex(pattern: string, flags: { ignorecase?: boolean; multiline?: boolean; global?: boolean } = {}): RegExp {
  let src = pattern;
  let f = flags.global ? 'g' : '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1]?.includes('i')) flags.ignorecase = true;
    if (inline[1]?.includes('m')) flags.multiline = true;
    if (inline[1]?.includes('s')) f += 's';
  }
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  if (flags.ignorecase) f += 'i';
  if (flags.multiline) f += 'm';
  try {
    return new RegExp(src, f);
  } catch (err) {
    throw new TemplateError(`invalid regular expression '${pattern}': ${(err as Error).message}`);
  }
}

/** Expand a Python replacement template (\1, \g<1>, \g<name>, \n) for one match. */
export function expandReplacement(repl: string, m: RegExpExecArray | string[], groups?: Record<string, string | undefined>): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== '\\' || i === repl.length - 1) {
      out += c;
      continue;
    }
    const n = repl[i + 1] ?? '';
    const g = /^g<([^>]+)>/.exec(repl.slice(i + 1));
    if (g) {
      const key = g[1] ?? '';
      out += (/^\d+$/.test(key) ? m[Number(key)] : groups?.[key]) ?? '';
      i += g[0].length;
      continue;
    }
    const d = /^\d{1,2}/.exec(repl.slice(i + 1));
    if (d) {
      out += m[Number(d[0])] ?? '';
      i += d[0].length;
      continue;
    }
    const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', f: '\f', v: '\v', a: '\x07', b: '\b' };
    out += esc[n] ?? `\\${n}`;
    i++;
  }
  return out;
}

export function regexReplace(value: string, pattern: string, repl: string, ignorecase: boolean, multiline: boolean, count = 0): string {
  const re = pyRegex(pattern, { ignorecase, multiline, global: true });
  let n = 0;
  return value.replace(re, (...args: unknown[]) => {
    if (count > 0 && n >= count) return String(args[0]);
    n++;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const parts = args.slice(0, hasGroups ? -3 : -2).map((x) => (x === undefined ? '' : String(x)));
    return expandReplacement(repl, parts, groups);
  });
}

/** re.findall: whole matches, the group, or tuples (lists) of groups. */
export function regexFindall(value: string, pattern: string, ignorecase: boolean, multiline: boolean): unknown[] {
  const re = pyRegex(pattern, { ignorecase, multiline, global: true });
  const out: unknown[] = [];
  for (const m of value.matchAll(re)) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(m.slice(1).map((x) => x ?? ''));
  }
  return out;
}

/** Python's re.escape. */
export function reEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, (c) => `\\${c}`);
}
