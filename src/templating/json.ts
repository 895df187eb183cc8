// Python's json.dumps as Ansible's to_json/to_nice_json call it:
// ensure_ascii escaping, ', ' and ': ' separators, optional indent and sort_keys.
import { TemplateError } from './errors.js';
import { PyFloat, floatRepr, mkFloat } from './py-float.js';
import { pyNumber } from './python-repr.js';
import { isUndefined } from './undefined.js';

export interface DumpOptions {
  indent?: number | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

export function jsonString(s: string, ensureAscii = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    const code = s.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function pyCompareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // UTF-16 order equals code point order outside surrogates
}

export function pyJsonDumps(value: unknown, opts: DumpOptions = {}): string {
  const indent = opts.indent ?? null;
  const [itemSep, keySep] = opts.separators ?? (indent !== null ? [',', ': '] : [', ', ': ']);
  const ascii = opts.ensureAscii ?? true;
  const enc = (v: unknown, level: number): string => {
    if (isUndefined(v)) v.fail();
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return pyNumber(v);
    }
    if (v instanceof PyFloat) return Number.isFinite(v.value) ? floatRepr(v.value) : enc(v.value, level);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return jsonString(v, ascii);
    const nl = indent !== null ? `\n${' '.repeat(indent * (level + 1))}` : '';
    const end = indent !== null ? `\n${' '.repeat(indent * level)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${nl}${v.map((x) => enc(x, level + 1)).join(itemSep + nl)}${end}]`;
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v);
      if (opts.sortKeys) keys.sort(pyCompareKeys);
      if (keys.length === 0) return '{}';
      const rec = v as Record<string, unknown>;
      return `{${nl}${keys.map((k) => jsonString(k, ascii) + keySep + enc(rec[k], level + 1)).join(itemSep + nl)}${end}}`;
    }
    throw new TemplateError(`Object of type ${typeof v} is not JSON serializable`);
  };
  return enc(value, 0);
}

// Numbers JSON.parse would flatten: a whole float (3.0), an int past 2**53, and
// the NaN/Infinity Python's json writes. Outside strings they are swapped for
// marked strings, which the reviver turns into Python values.
const TOKEN = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
const MARK = '\u0000py:';
const MARK_JSON = '\\u0000py:'; // MARK as written inside a JSON string

function mark(tok: string): string {
  if (tok.startsWith('"')) return tok;
  if (/^-?Infinity$|^NaN$/.test(tok)) return `"${MARK_JSON}${tok}"`;
  const n = Number(tok);
  if (/[.eE]/.test(tok)) return Number.isSafeInteger(n) ? `"${MARK_JSON}f${tok}"` : tok;
  return Number.isSafeInteger(n) ? tok : `"${MARK_JSON}i${tok}"`;
}

function revive(_key: string, v: unknown): unknown {
  if (typeof v !== 'string' || !v.startsWith(MARK)) return v;
  const tok = v.slice(MARK.length);
  if (tok === 'NaN') return Number.NaN;
  if (tok.endsWith('Infinity')) return tok.startsWith('-') ? -Infinity : Infinity;
  if (tok.startsWith('i')) return BigInt(tok.slice(1));
  return mkFloat(Number(tok.slice(1)));
}

/** Python's json.loads: 3.0 stays a float, big ints stay exact, NaN and Infinity are read. */
export function pyJsonLoads(text: string): unknown {
  return JSON.parse(text.replace(TOKEN, mark), revive) as unknown;
}
