// JSON as Python's json.dumps writes it (", " and ": " separators, sorted keys
// when asked), so printed results look like Ansible's.
import { PyFloat, floatRepr } from '../templating/py-float.js';
import { pyNumber } from '../templating/python-repr.js';

function escapeString(s: string): string {
  return JSON.stringify(s);
}

export function pythonJson(value: unknown, indent?: number, sortKeys = true, level = 0): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? pyNumber(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  // a template's whole float (3.0) and big int (2 ** 64)
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? floatRepr(value.value) : pythonJson(value.value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1));
  const end = indent === undefined ? '' : '\n' + ' '.repeat(indent * level);
  const sep = indent === undefined ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => pad + pythonJson(v, indent, sortKeys, level + 1)).join(sep)}${end}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (sortKeys) keys.sort();
    if (keys.length === 0) return '{}';
    const parts = keys.map((k) => `${pad}${escapeString(k)}: ${pythonJson((value as Record<string, unknown>)[k], indent, sortKeys, level + 1)}`);
    return `{${parts.join(sep)}${end}}`;
  }
  return escapeString(String(value));
}
