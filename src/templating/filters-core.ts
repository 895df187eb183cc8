// Type and value filters: default, bool, int, float, string, length, list,
// ternary, mandatory, type_debug, abs, round...
import { param } from './args.js';
import { PyException, TemplateError } from './errors.js';
import { numAbs } from './py-arith.js';
import { PyFloat, isFloat, mkFloat, mkInt } from './py-float.js';
import { isMapping, truthy, typeName } from './python-ops.js';
import { pyStr } from './python-repr.js';
import { PyRandom, seededRandom } from './py-random.js';
import { randomInt } from 'node:crypto';
import type { FilterTable } from './registry.js';
import { isUndefined } from './undefined.js';
import { currentState } from './runtime.js';

/** Mark a filter result as text Ansible will not turn back into a list/dict. */
export function nativeText(s: string): string {
  currentState()?.nativeTexts.add(s);
  return s;
}

/** Ansible's to_bool (2.14): only yes/on/1/true (any case) and 1 are true. */
export function toBool(v: unknown): boolean | null {
  if (v === null || v === undefined || typeof v === 'boolean') return (v ?? null) as boolean | null;
  const s = typeof v === 'string' ? v.toLowerCase() : v instanceof PyFloat ? v.value : v;
  return s === 'yes' || s === 'on' || s === '1' || s === 'true' || s === 1;
}

export function toInt(v: unknown, dflt: unknown = 0, base = 10): unknown {
  if (v instanceof PyFloat) return v.value === 0 ? 0 : v.value;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? mkInt(Math.trunc(v) || 0) : dflt;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().replace(/(\d)_(?=\d)/g, '$1');
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
    const prefix = ({ 16: '0x', 8: '0o', 2: '0b' } as Record<number, string>)[base];
    const m = /^([-+]?)(.*)$/.exec(s.toLowerCase());
    let body = m?.[2] ?? '';
    if (prefix && body.startsWith(prefix)) body = body.slice(2);
    if (body !== '' && Array.from(body).every((c) => digits.includes(c))) {
      let n: number | bigint = parseInt(body, base);
      if (!Number.isSafeInteger(n)) n = Array.from(body).reduce((acc, c) => acc * BigInt(base) + BigInt(digits.indexOf(c)), 0n);
      return m?.[1] === '-' ? -n : n;
    }
    const f = toFloat(s, Number.NaN);
    return Number.isNaN(f) || !Number.isFinite(f) ? dflt : mkInt(Math.trunc(f) || 0);
  }
  return dflt;
}

export function toFloat(v: unknown, dflt = 0): number {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '').toLowerCase();
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s)) return Number(s);
    if (/^[-+]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[-+]?nan$/.test(s)) return Number.NaN;
  }
  return dflt;
}

export function pyLen(v: unknown): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return Object.keys(v).length;
  throw new TemplateError(`object of type '${v === null ? 'NoneType' : typeof v}' has no len()`);
}

export function toList(v: unknown): unknown[] {
  if (typeof v === 'string') return Array.from(v);
  if (Array.isArray(v)) return [...v];
  if (isMapping(v)) return Object.keys(v);
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
  throw new TemplateError(`'${pyStr(v)}' object is not iterable`);
}

export function typeDebug(v: unknown): string {
  return isUndefined(v) ? 'AnsibleUndefined' : typeName(v);
}

function roundNumber(v: number, precision: number, method: string): number {
  const f = 10 ** precision;
  const x = v * f;
  if (method === 'ceil') return Math.ceil(x) / f;
  if (method === 'floor') return Math.floor(x) / f;
  if (precision >= 0 && precision <= 60 && Number.isFinite(v)) return roundDecimal(v, precision);
  // Python rounds half to even
  const r = Math.round(x);
  const half = Math.abs(x % 1) === 0.5;
  return (half && r % 2 !== 0 ? r - 1 : r) / f;
}

/**
 * Python's round(v, n): by the exact decimal value of the double (2.675 is a bit
 * less than 2.675, so 2.67), and an exact half to even (0.125 gives 0.12).
 */
function roundDecimal(v: number, n: number): number {
  const exact = Math.abs(v).toFixed(Math.min(100, n + 30));
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + n);
  if (!/^50*$/.test(tail)) return Number(v.toFixed(n)); // toFixed rounds by the exact value; only ties differ
  const kept = exact.slice(0, dot + 1 + n).replace(/\.$/, '');
  const lastDigit = Number(kept.replace('.', '').slice(-1));
  const down = Number(kept);
  const r = lastDigit % 2 === 0 ? down : down + 10 ** -n;
  return Math.sign(v) * Number(r.toFixed(n));
}

/** Jinja's round: `common` keeps an int an int (Python's round(3, 0) is 3); otherwise a float. */
function pyRound(v: unknown, precision: number, method: string): unknown {
  if (!['common', 'ceil', 'floor'].includes(method)) throw new TemplateError('method must be common, ceil or floor');
  if (method === 'common' && !isFloat(v) && (typeof v === 'number' || typeof v === 'bigint')) return v;
  return mkFloat(roundNumber(Number(v), precision, method));
}

/** Jinja's float: float(value), or the default as given when that fails. */
function floatFilter(v: unknown, dflt: unknown): unknown {
  const f = toFloat(v, Number.NaN);
  if (Number.isNaN(f) && !(typeof v === 'string' && /^\s*[-+]?nan\s*$/i.test(v))) return dflt;
  return mkFloat(f);
}

export const coreFilters: FilterTable = {
  default: (v, a) => {
    const dflt = param(a, 0, 'default_value', '');
    if (isUndefined(v)) return dflt;
    if (truthy(param(a, 1, 'boolean', false)) && !truthy(v)) return dflt;
    return v;
  },
  mandatory: (v, a) => {
    if (isUndefined(v)) {
      const msg = param<unknown>(a, 0, 'msg', null);
      throw new TemplateError(msg ? pyStr(msg) : `Mandatory variable '${v.name}'  not defined.`);
    }
    return v;
  },
  bool: (v) => toBool(v),
  int: (v, a) => toInt(v, param(a, 0, 'default', 0), Number(param(a, 1, 'base', 10))),
  float: (v, a) => floatFilter(v, param(a, 0, 'default', new PyFloat(0))),
  // Ansible keeps the result of `string` as text even when it looks like a list
  string: (v) => nativeText(pyStr(v)),
  length: (v) => pyLen(v),
  list: (v) => toList(v),
  dict: (v) => Object.fromEntries(toList(v).map((p) => toList(p).map((x, i) => (i === 0 ? pyStr(x) : x)))),
  abs: (v) => numAbs(v, typeName),
  round: (v, a) => pyRound(v, Number(param(a, 0, 'precision', 0)), String(param(a, 1, 'method', 'common'))),
  type_debug: (v) => typeDebug(v),
  ternary: (v, a) => {
    const none = param<unknown>(a, 2, 'none_val', null);
    if ((v === null || v === undefined) && none !== null) return none;
    return truthy(v) ? param(a, 0, 'true_val') : param(a, 1, 'false_val');
  },
  // Ansible's rand(): randrange(start, end, step) for an int, choice() for a sequence;
  // seeded with Python's random.Random(seed), else unseeded.
  random: (v, a) => {
    const seed = param<unknown>(a, 2, 'seed', null);
    const r = seed === null || seed === undefined ? new PyRandom(randomInt(2 ** 32)) : seededRandom(seed);
    const start = param<unknown>(a, 0, 'start', null);
    const step = param<unknown>(a, 1, 'step', null);
    if (isFloat(v)) throw new TemplateError('random can only be used on sequences and integers');
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      const int = (x: unknown) => (typeof x === 'bigint' ? x : Number(x));
      return r.randrange(truthy(start) ? int(start) : 0, int(v), truthy(step) ? int(step) : 1);
    }
    if (typeof v !== 'string' && !Array.isArray(v) && !isMapping(v)) throw new TemplateError('random can only be used on sequences and integers');
    if (truthy(start) || truthy(step)) throw new TemplateError('start and step can only be used with integer values');
    const items = typeof v === 'string' ? [...v] : isMapping(v) ? Object.keys(v) : v;
    if (items.length === 0) throw new PyException('IndexError', 'Cannot choose from an empty sequence');
    const i = r.randbelow(items.length);
    // Python's choice() indexes a dict with the number: a KeyError (string keys never match)
    if (isMapping(v)) throw new PyException('KeyError', String(i));
    return items[i];
  },
};
coreFilters.d = coreFilters.default as NonNullable<FilterTable['d']>;
coreFilters.count = coreFilters.length as NonNullable<FilterTable['count']>;
