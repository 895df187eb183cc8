// Python's json.dumps as Ansible's to_json/to_nice_json call it:
// ensure_ascii escaping, ', ' and ': ' separators, optional indent and sort_keys.
import { TemplateError } from './errors.js';
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
