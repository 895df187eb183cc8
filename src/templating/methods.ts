// Attribute and item access with Jinja2 rules (`x.y` tries the attribute, then
// the item; `x[y]` the other way round), plus the Python methods of str, list
// and dict that templates call: 'a,b'.split(','), d.items(), d.get('k', 1)...
import { splitArgs, param, type Args } from './args.js';
import { pyStr, tuple } from './python-repr.js';
import { isMapping, pyEquals, pyIn } from './python-ops.js';
import { PyFloat } from './py-float.js';
import { Undefined, isUndefined, missingAttribute, missingElement, defined } from './undefined.js';
import { TemplateError } from './errors.js';

type Method = (self: never, a: Args) => unknown;

function pyStrip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : String(chars);
  const strip = (c: string): boolean => (set === null ? /\s/.test(c) : set.includes(c));
  let start = 0;
  let end = s.length;
  if (left) while (start < end && strip(s[start] ?? '')) start++;
  if (right) while (end > start && strip(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}

export function pySplit(s: string, sep: unknown, maxsplit = -1): string[] {
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest !== '') {
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(rest.replace(/\s+$/, ''));
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const sp = String(sep);
  if (sp === '') throw new TemplateError('empty separator');
  const all = s.split(sp);
  if (maxsplit < 0 || all.length <= maxsplit + 1) return all;
  return [...all.slice(0, maxsplit), all.slice(maxsplit).join(sp)];
}

function startsOrEnds(s: string, arg: unknown, ends: boolean): boolean {
  const list = Array.isArray(arg) ? arg : [arg];
  return list.some((p) => (ends ? s.endsWith(String(p)) : s.startsWith(String(p))));
}

export function pyCapitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

export function pyTitle(s: string): string {
  return s.toLowerCase().replace(/(^|[^A-Za-z0-9\u00c0-\uffff'])([a-z\u00e0-\uffff])/g, (_m, a: string, b: string) => a + b.toUpperCase())
    .replace(/([A-Za-z])'([a-z])/g, (_m, a: string, b: string) => `${a}'${b.toUpperCase()}`);
}

/** str.format(): {} {0} {name} {name.attr} with simple specs (>10, <5, ^3, 05d, .2f). */
export function strFormat(fmt: string, a: Args): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const f = field ?? '';
    const [head = '', ...path] = f.split('.');
    let v: unknown = head === '' ? a.pos[auto++] : /^\d+$/.test(head) ? a.pos[Number(head)] : a.kw[head];
    for (const p of path) v = getAttr(v, p, true);
    return formatSpec(defined(v), spec ?? '');
  });
}

function formatSpec(v: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^=]))?([-+ ])?(0)?(\d+)?(,)?(?:\.(\d+))?([sdfeExXob%])?$/.exec(spec);
  if (!m) return pyStr(v);
  const [, fill = ' ', align, , zero, width, , prec, type] = m;
  let s: string;
  if (type === 'f' || (prec !== undefined && typeof v === 'number' && type !== 's')) s = Number(v).toFixed(Number(prec ?? 6));
  else if (type === 'x') s = Number(v).toString(16);
  else if (type === 'X') s = Number(v).toString(16).toUpperCase();
  else if (type === 'o') s = Number(v).toString(8);
  else if (type === 'b') s = Number(v).toString(2);
  else if (type === '%') s = `${(Number(v) * 100).toFixed(Number(prec ?? 6))}%`;
  else s = pyStr(v);
  if (type === 's' && prec !== undefined) s = s.slice(0, Number(prec));
  const w = Number(width ?? 0);
  if (s.length >= w) return s;
  const padChar = zero && !align ? '0' : fill;
  const al = align ?? (typeof v === 'number' ? '>' : '<');
  const pad = w - s.length;
  if (al === '<') return s + padChar.repeat(pad);
  if (al === '^') return padChar.repeat(Math.floor(pad / 2)) + s + padChar.repeat(Math.ceil(pad / 2));
  return padChar.repeat(pad) + s;
}

const strMethods: Record<string, (s: string, a: Args) => unknown> = {
  split: (s, a) => pySplit(s, param(a, 0, 'sep'), Number(param(a, 1, 'maxsplit', -1))),
  rsplit: (s, a) => {
    const max = Number(param(a, 1, 'maxsplit', -1));
    const rev = (x: string): string => Array.from(x).reverse().join('');
    const sep = param<unknown>(a, 0, 'sep');
    return pySplit(rev(s), sep === undefined || sep === null ? sep : rev(String(sep)), max).map(rev).reverse();
  },
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((x, i, arr) => i < arr.length - 1 || x !== ''),
  startswith: (s, a) => startsOrEnds(s, param(a, 0, 'prefix'), false),
  endswith: (s, a) => startsOrEnds(s, param(a, 0, 'suffix'), true),
  strip: (s, a) => pyStrip(s, param(a, 0, 'chars'), true, true),
  lstrip: (s, a) => pyStrip(s, param(a, 0, 'chars'), true, false),
  rstrip: (s, a) => pyStrip(s, param(a, 0, 'chars'), false, true),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  capitalize: (s) => pyCapitalize(s),
  title: (s) => pyTitle(s),
  swapcase: (s) => Array.from(s).map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  replace: (s, a) => {
    const old = String(param(a, 0, 'old'));
    const rep = String(param(a, 1, 'new'));
    const count = Number(param(a, 2, 'count', -1));
    if (count < 0) return s.split(old).join(rep);
    const parts = s.split(old);
    return parts.slice(0, count + 1).join(rep) + (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : '');
  },
  format: (s, a) => strFormat(s, a),
  join: (s, a) => (param<unknown[]>(a, 0, 'iterable') ?? []).map((x) => pyStr(x)).join(s),
  find: (s, a) => s.indexOf(String(param(a, 0, 'sub'))),
  rfind: (s, a) => s.lastIndexOf(String(param(a, 0, 'sub'))),
  index: (s, a) => {
    const i = s.indexOf(String(param(a, 0, 'sub')));
    if (i < 0) throw new TemplateError('substring not found');
    return i;
  },
  count: (s, a) => {
    const sub = String(param(a, 0, 'sub'));
    return sub === '' ? s.length + 1 : s.split(sub).length - 1;
  },
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  zfill: (s, a) => {
    const w = Number(param(a, 0, 'width'));
    const sign = /^[-+]/.test(s) ? s[0] ?? '' : '';
    return sign + s.slice(sign.length).padStart(w - sign.length, '0');
  },
  ljust: (s, a) => s.padEnd(Number(param(a, 0, 'width')), String(param(a, 1, 'fillchar', ' '))),
  rjust: (s, a) => s.padStart(Number(param(a, 0, 'width')), String(param(a, 1, 'fillchar', ' '))),
  center: (s, a) => formatSpec(s, `${String(param(a, 1, 'fillchar', ' '))}^${String(param(a, 0, 'width'))}`),
  partition: (s, a) => {
    const sep = String(param(a, 0, 'sep'));
    const i = s.indexOf(sep);
    return i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  encode: (s) => s,
  decode: (s) => s,
};

const listMethods: Record<string, (l: unknown[], a: Args) => unknown> = {
  index: (l, a) => {
    const i = l.findIndex((x) => pyEquals(x, param(a, 0, 'value')));
    if (i < 0) throw new TemplateError(`${pyStr(param(a, 0, 'value'))} is not in list`);
    return i;
  },
  count: (l, a) => l.filter((x) => pyEquals(x, param(a, 0, 'value'))).length,
  append: (l, a) => {
    l.push(param(a, 0, 'object'));
    return null;
  },
  extend: (l, a) => {
    l.push(...(param<unknown[]>(a, 0, 'iterable') ?? []));
    return null;
  },
  insert: (l, a) => {
    l.splice(Number(param(a, 0, 'index')), 0, param(a, 1, 'object'));
    return null;
  },
  pop: (l, a) => {
    const i = Number(param(a, 0, 'index', -1));
    return l.splice(i < 0 ? l.length + i : i, 1)[0] ?? null;
  },
  copy: (l) => [...l],
};

const dictMethods: Record<string, (d: Record<string, unknown>, a: Args) => unknown> = {
  items: (d) => Object.keys(d).map((k) => tuple([k, d[k]])),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, a) => {
    const k = pyStr(param(a, 0, 'key'));
    return k in d && d[k] !== undefined ? d[k] : param(a, 1, 'default', null);
  },
  copy: (d) => ({ ...d }),
  update: (d, a) => {
    Object.assign(d, param<Record<string, unknown>>(a, 0, 'other') ?? {}, a.kw);
    return null;
  },
  pop: (d, a) => {
    const k = pyStr(param(a, 0, 'key'));
    const v = k in d ? d[k] : param(a, 1, 'default');
    delete d[k];
    return v;
  },
  setdefault: (d, a) => {
    const k = pyStr(param(a, 0, 'key'));
    if (!(k in d)) d[k] = param(a, 1, 'default', null);
    return d[k];
  },
};

function bind<T>(fn: (self: T, a: Args) => unknown, self: T): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => fn(self, splitArgs(args.map((x) => defined(x))));
}

function hasKey(obj: object, key: string): boolean {
  if (!(key in obj)) return false;
  return !(key in Object.prototype) || Object.hasOwn(obj, key);
}

function index(obj: string | unknown[], key: unknown): unknown {
  const n = typeof key === 'number' ? key : Number.NaN;
  if (!Number.isInteger(n)) return undefined;
  const i = n < 0 ? obj.length + n : n;
  return i >= 0 && i < obj.length ? obj[i] : undefined;
}

/** `obj.key` (dot = true) or `obj[key]`. Missing things are Undefined, not errors. */
export function getAttr(obj: unknown, key: unknown, dot: boolean): unknown {
  if (isUndefined(obj)) return obj;
  defined(key);
  const name = pyStr(key);
  if (obj === null || obj === undefined) return missingAttribute(obj, name);
  if (typeof obj === 'string') {
    const m = strMethods[name];
    if (m && typeof key === 'string') return bind(m, obj);
    const v = index(obj, key);
    return v === undefined ? missingAttribute(obj, name) : v;
  }
  if (Array.isArray(obj)) {
    const m = listMethods[name];
    if (m && typeof key === 'string') return bind(m, obj);
    if (typeof key === 'number') {
      const v = index(obj, key);
      return v === undefined ? missingElement(key) : v;
    }
    if (/^-?\d+$/.test(name) && !dot) return index(obj, Number(name)) ?? missingElement(Number(name));
    if (key instanceof PyFloat && !dot) return missingElement(name); // a list's index is an int, never 1.0
    return missingAttribute(obj, name);
  }
  if (typeof obj === 'object') {
    const m = isMapping(obj) ? dictMethods[name] : undefined;
    if (m && typeof key === 'string' && (dot || !hasKey(obj, name))) return bind(m as Method, obj as never);
    if (hasKey(obj, name)) {
      const v = (obj as Record<string, unknown>)[name];
      if (v === undefined) return missingAttribute(obj, name);
      return typeof v === 'function' && !(v instanceof Undefined) ? v.bind(obj) : v;
    }
    return missingAttribute(obj, name);
  }
  if (typeof obj === 'function') {
    const v = (obj as unknown as Record<string, unknown>)[name];
    return v === undefined ? missingAttribute(obj, name) : v;
  }
  return missingAttribute(obj, name);
}

export { pyIn };
