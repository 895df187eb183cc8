// Python semantics for the operators Jinja2 templates use: truthiness,
// equality, ordering, `in`, `+ * % //` on strings and lists, `~` concatenation.
import { PyTypeError, TemplateError } from './errors.js';
import { numAdd, numDiv, numFloorDiv, numMod, numMul, numNeg, numPow, numSub } from './py-arith.js';
import { PyFloat, isNumeric, numberOf } from './py-float.js';
import { PyRange } from './py-range.js';
import { PyObject, pyRepr, pyStr } from './python-repr.js';
import { defined, isUndefined } from './undefined.js';

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isUndefined(v) && !(v instanceof PyObject);
}

/** Python truthiness: [] {} '' 0 None False are false. Undefined raises (StrictUndefined). */
export function truthy(v: unknown): boolean {
  if (isUndefined(v)) v.fail();
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python ==: deep for lists and dicts, no '1' == 1 coercion, True == 1. */
export function pyEquals(a: unknown, b: unknown): boolean {
  defined(a);
  defined(b);
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'boolean') a = a ? 1 : 0;
  if (typeof b === 'boolean') b = b ? 1 : 0;
  if (a === b) return true;
  // 3.0 == 3, and a bigint equals the same number
  if (isNumeric(a) && isNumeric(b)) return typeof a === 'bigint' || typeof b === 'bigint' ? a == b : numberOf(a) === numberOf(b); // eslint-disable-line eqeqeq
  if (a instanceof PyObject && a.pyCompare) return a.pyCompare(b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** Python's type name of a value (NoneType, bool, int, float, str, list, dict). */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyRange) return 'range';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyObject) return v.pyTypeName;
  return 'dict';
}

/** Python ordering (<): numbers with numbers, strings with strings, lists lexicographically. */
export function pyCompare(a: unknown, b: unknown): number {
  defined(a);
  defined(b);
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (isNumeric(na) && isNumeric(nb)) {
    const x = typeof na === 'bigint' ? na : numberOf(na);
    const y = typeof nb === 'bigint' ? nb : numberOf(nb);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const own = na instanceof PyObject ? na.pyCompare?.(nb) : undefined;
  if (own !== undefined) return own;
  if (typeof na === 'string' && typeof nb === 'string') {
    // code point order like Python
    const ca = Array.from(na);
    const cb = Array.from(nb);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
      const x = ca[i]?.codePointAt(0) ?? 0;
      const y = cb[i]?.codePointAt(0) ?? 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    return ca.length - cb.length === 0 ? 0 : ca.length < cb.length ? -1 : 1;
  }
  if (Array.isArray(na) && Array.isArray(nb)) {
    for (let i = 0; i < Math.min(na.length, nb.length); i++) {
      if (!pyEquals(na[i], nb[i])) return pyCompare(na[i], nb[i]);
    }
    return na.length === nb.length ? 0 : na.length < nb.length ? -1 : 1;
  }
  throw new PyTypeError(
    `'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

export function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b) < 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>':
      return pyCompare(a, b) > 0;
    case '>=':
      return pyCompare(a, b) >= 0;
    case '===':
      return a === b;
    case '!==':
      return a !== b;
  }
  throw new TemplateError(`unknown comparison ${op}`);
}

/** `x in y`. */
export function pyIn(item: unknown, container: unknown): boolean {
  defined(item);
  defined(container);
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      throw new PyTypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isMapping(container)) return typeof item === 'string' ? item in container : Object.hasOwn(container, pyStr(item));
  throw new PyTypeError(`argument of type '${typeName(container)}' is not iterable`);
}

export function pyAdd(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (Array.isArray(a)) throw new PyTypeError(`can only concatenate list (not "${typeName(b)}") to list`);
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a === 'string') throw new PyTypeError(`can only concatenate str (not "${typeName(b)}") to str`);
    throw new PyTypeError(`unsupported operand type(s) for +: '${typeName(a)}' and 'str'`);
  }
  return numAdd(a, b, typeName);
}

export function pySub(a: unknown, b: unknown): unknown {
  if (a instanceof PyObject && a.pySub) return a.pySub(defined(b));
  return numSub(defined(a), defined(b), typeName);
}

/** How many times `n` repeats a str or list (an int; a float is a TypeError as in Python). */
function repeatCount(n: unknown): number | undefined {
  if (typeof n === 'boolean') return Number(n);
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    if (isNumeric(n)) throw new PyTypeError(`can't multiply sequence by non-int of type '${typeName(n)}'`);
    return undefined;
  }
  return Math.max(0, n);
}

export function pyMul(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  const [seq, n] = typeof a === 'string' || Array.isArray(a) ? [a, b] : [b, a];
  if (typeof seq === 'string' || Array.isArray(seq)) {
    const count = repeatCount(n);
    if (count !== undefined) return typeof seq === 'string' ? seq.repeat(count) : Array.from({ length: count }, () => seq).flat();
  }
  return numMul(a, b, typeName);
}

export function pyDiv(a: unknown, b: unknown): unknown {
  return numDiv(defined(a), defined(b), typeName);
}

export function pyFloorDiv(a: unknown, b: unknown): unknown {
  return numFloorDiv(defined(a), defined(b), typeName);
}

export function pyPow(a: unknown, b: unknown): unknown {
  return numPow(defined(a), defined(b), typeName);
}

export function pyNeg(a: unknown): unknown {
  return numNeg(defined(a), typeName);
}

export function pyMod(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (typeof a === 'string') return percentFormat(a, b);
  return numMod(a, b, typeName);
}

/** Python's %g: fixed or exponent notation by magnitude, trailing zeros dropped. */
function generalFormat(v: number, precision: number): string {
  const p = precision === 0 ? 1 : precision;
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const exp = v === 0 ? 0 : Number(v.toExponential(p - 1).split('e')[1]);
  const trim = (t: string): string => (t.includes('.') ? t.replace(/\.?0+$/, '') : t);
  if (exp >= -4 && exp < p) return trim(v.toFixed(p - 1 - exp));
  const [mant = '', e = '0'] = v.toExponential(p - 1).split('e');
  const n = Number(e);
  return `${trim(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** Python's printf-style `'%s-%d' % (a, b)`. */
export function percentFormat(fmt: string, args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  const named = isMapping(args) ? args : undefined;
  let i = 0;
  return fmt.replace(
    /%(\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdirfFeExXgGoc%])/g,
    (_m, _k, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const v = key !== undefined && named ? named[key] : list[i++];
      let s: string;
      switch (conv) {
        case 's':
          s = pyStr(v);
          break;
        case 'r':
          s = pyRepr(v);
          break;
        case 'd':
        case 'i':
          s = String(Math.trunc(Number(v)));
          break;
        case 'f':
        case 'F':
          s = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
          break;
        case 'e':
        case 'E':
          s = Number(v).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2');
          if (conv === 'E') s = s.toUpperCase();
          break;
        case 'g':
        case 'G':
          s = generalFormat(Number(v), prec === undefined ? 6 : Number(prec));
          if (conv === 'G') s = s.toUpperCase();
          break;
        case 'x':
          s = Math.trunc(Number(v)).toString(16);
          break;
        case 'X':
          s = Math.trunc(Number(v)).toString(16).toUpperCase();
          break;
        case 'o':
          s = Math.trunc(Number(v)).toString(8);
          break;
        case 'c':
          s = typeof v === 'number' ? String.fromCodePoint(v) : pyStr(v);
          break;
        default:
          s = String(v);
      }
      if (conv === 's' && prec !== undefined) s = s.slice(0, Number(prec));
      const w = width && width !== '*' ? Number(width) : 0;
      if (s.length < w) {
        if (flags.includes('-')) s = s.padEnd(w);
        else if (flags.includes('0') && conv !== 's') s = s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0');
        else s = s.padStart(w);
      }
      if (flags.includes('+') && /[dif]/.test(conv) && Number(v) >= 0) s = `+${s}`;
      return s;
    },
  );
}

/** `a ~ b`: Python str() of both. */
export function pyConcat(a: unknown, b: unknown): string {
  return pyStr(defined(a)) + pyStr(defined(b));
}
