// List and dict filters: first/last, sort, unique, min/max/sum, map/select/
// reject(attr), dict2items/items2dict, combine, zip, flatten, set operations...
import { param, type Args } from './args.js';
import { PyException, PyTypeError, TemplateError } from './errors.js';
import { getAttr } from './methods.js';
import { isMapping, pyAdd, pyCompare, pyEquals, truthy, typeName } from './python-ops.js';
import { pyRepr, pyStr, tuple } from './python-repr.js';
import type { FilterTable } from './registry.js';
import type { RenderContext } from './runtime.js';
import { toList } from './filters-core.js';
import { Undefined, isUndefined } from './undefined.js';

/** Jinja's attribute getter: "a.b" or "a.0" paths. */
export function attrPath(obj: unknown, attr: unknown): unknown {
  if (typeof attr === 'number') return getAttr(obj, attr, false);
  let v = obj;
  for (const part of String(attr).split('.')) v = getAttr(v, /^\d+$/.test(part) ? Number(part) : part, false);
  return v;
}

function sortKey(v: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
}

function uniqueList(l: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of l) if (!out.some((y) => pyEquals(x, y))) out.push(x);
  return out;
}

function env(ctx: RenderContext): { applyTest(c: RenderContext, n: string, v: unknown, a: unknown[]): boolean; applyFilter(c: RenderContext, n: string, v: unknown, a: unknown[]): unknown } {
  return ctx.env as never;
}

function selectOrReject(l: unknown, a: Args, ctx: RenderContext, want: boolean, byAttr: boolean): unknown[] {
  const items = toList(l);
  const pos = [...a.pos];
  const attr = byAttr ? pos.shift() : undefined;
  const test = pos.shift();
  return items.filter((item) => {
    const v = byAttr ? attrPath(item, attr) : item;
    const ok = test === undefined ? truthy(v) : env(ctx).applyTest(ctx, String(test), v, pos);
    return ok === want;
  });
}

function flatten(l: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of l) {
    if (skipNulls && (x === null || x === 'None')) continue;
    if (Array.isArray(x) && (levels === null || levels > 0)) out.push(...flatten(x, levels === null ? null : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

function mergeLists(a: unknown[], b: unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'replace':
      return b;
    case 'keep':
      return a;
    case 'append':
      return [...a, ...b];
    case 'prepend':
      return [...b, ...a];
    case 'append_rp':
      return [...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b];
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !b.some((y) => pyEquals(x, y)))];
  }
  throw new TemplateError(`merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'`);
}

export function mergeHash(x: Record<string, unknown>, y: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...x };
  for (const [k, v] of Object.entries(y)) {
    const old = out[k];
    if (!(k in out)) out[k] = v;
    else if (recursive && isMapping(old) && isMapping(v)) out[k] = mergeHash(old, v, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, listMerge);
    else out[k] = v;
  }
  return out;
}

function minMax(v: unknown, a: Args, sign: number): unknown {
  const items = toList(v);
  if (items.length === 0) return null;
  const attr = a.kw.attribute;
  const cs = truthy(a.kw.case_sensitive ?? false);
  const key = (x: unknown): unknown => sortKey(attr === undefined || attr === null ? x : attrPath(x, attr), cs);
  return items.reduce((best, x) => (pyCompare(key(x), key(best)) * sign > 0 ? x : best));
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]);
}

export const collectionFilters: FilterTable = {
  first: (v) => {
    const l = toList(v);
    return l.length ? l[0] : new Undefined('No first item, sequence was empty.', 'first');
  },
  last: (v) => {
    const l = toList(v);
    return l.length ? l[l.length - 1] : new Undefined('No last item, sequence was empty.', 'last');
  },
  unique: (v) => uniqueList(toList(v)),
  reverse: (v) => (typeof v === 'string' ? Array.from(v).reverse().join('') : toList(v).reverse()),
  sort: (v, a) => {
    const reverse = truthy(param(a, 0, 'reverse', false));
    const cs = truthy(param(a, 1, 'case_sensitive', false));
    const attr = param<unknown>(a, 2, 'attribute', null);
    const key = (x: unknown): unknown => sortKey(attr === null ? x : attrPath(x, attr), cs);
    const l = toList(v).map((x, i) => ({ x, i, k: key(x) }));
    l.sort((p, q) => pyCompare(p.k, q.k) * (reverse ? -1 : 1) || p.i - q.i);
    return l.map((p) => p.x);
  },
  min: (v, a) => minMax(v, a, -1),
  max: (v, a) => minMax(v, a, 1),
  sum: (v, a) => {
    const attr = param<unknown>(a, 0, 'attribute', null);
    const start = param(a, 1, 'start', 0);
    // Python's sum() refuses a text start before adding anything.
    if (typeof start === 'string') throw new PyTypeError("sum() can't sum strings [use ''.join(seq) instead]");
    return toList(v).reduce((acc, x) => pyAdd(acc, attr === null ? x : attrPath(x, attr)), start);
  },
  map: (v, a, ctx) => {
    const items = toList(v);
    if (a.pos.length === 0 && a.kw.attribute !== undefined) {
      return items.map((x) => {
        const r = attrPath(x, a.kw.attribute);
        return isUndefined(r) && 'default' in a.kw ? a.kw.default : r;
      });
    }
    const [name, ...rest] = a.pos;
    if (name === undefined) throw new TemplateError('map requires a filter argument');
    const kwArgs = Object.keys(a.kw).length ? [{ ...a.kw, __keywords: true }] : [];
    return items.map((x) => env(ctx).applyFilter(ctx, String(name), x, [...rest, ...kwArgs]));
  },
  select: (v, a, ctx) => selectOrReject(v, a, ctx, true, false),
  reject: (v, a, ctx) => selectOrReject(v, a, ctx, false, false),
  selectattr: (v, a, ctx) => selectOrReject(v, a, ctx, true, true),
  rejectattr: (v, a, ctx) => selectOrReject(v, a, ctx, false, true),
  dictsort: (v, a) => {
    if (!isMapping(v)) throw new TemplateError('You can only sort dictionaries.');
    const caseSensitive = truthy(param(a, 0, 'case_sensitive', false));
    const by = pyStr(param(a, 1, 'by', 'key'));
    if (by !== 'key' && by !== 'value') throw new PyException('jinja2.exceptions.FilterArgumentError', 'You can only sort by either "key" or "value"');
    const byValue = by === 'value';
    const reverse = truthy(param(a, 2, 'reverse', false));
    const keyOf = (pair: [string, unknown]) => {
      const x = byValue ? pair[1] : pair[0];
      return typeof x === 'string' && !caseSensitive ? x.toLowerCase() : x;
    };
    const pairs = Object.entries(v).map(([k, x]) => tuple([k, x])) as unknown as [string, unknown][];
    // Python's sort is stable also when reversed: equal keys keep their order
    pairs.sort((p, q) => (reverse ? -1 : 1) * pyCompare(keyOf(p), keyOf(q)));
    return pairs;
  },
  dict2items: (v, a) => {
    if (!isMapping(v)) throw new TemplateError(`dict2items requires a dictionary, got ${typeof v} instead.`);
    const k = String(param(a, 0, 'key_name', 'key'));
    const val = String(param(a, 1, 'value_name', 'value'));
    return Object.keys(v).map((key) => ({ [k]: key, [val]: v[key] }));
  },
  items2dict: (v, a) => {
    const k = param(a, 0, 'key_name', 'key');
    const val = param(a, 1, 'value_name', 'value');
    if (!Array.isArray(v)) throw new TemplateError(`items2dict requires a list, got <class '${typeName(v)}'> instead.`);
    // As Python's item[key]: a mapping by key, a list or string by index (pairs: key_name=0, value_name=1).
    const get = (item: unknown, key: unknown): unknown => {
      if (isMapping(item)) {
        if (!(String(key) in item)) throw new TemplateError(`items2dict requires each dictionary in the list to contain the keys '${pyStr(k)}' and '${pyStr(val)}', got ${pyRepr(v)} instead.`);
        return item[String(key)];
      }
      if ((Array.isArray(item) || typeof item === 'string') && typeof key === 'number' && Number.isInteger(key)) {
        const at = key < 0 ? item.length + key : key;
        if (at < 0 || at >= item.length) throw new PyException('IndexError', `${Array.isArray(item) ? 'list' : 'string'} index out of range`);
        return item[at];
      }
      throw new TemplateError(`items2dict requires a list of dictionaries, got ${pyRepr(v)} instead.`);
    };
    const out: Record<string, unknown> = {};
    for (const item of v) out[pyStr(get(item, k))] = get(item, val);
    return out;
  },
  combine: (v, a) => {
    const dicts = [v, ...a.pos].flatMap((d) => (Array.isArray(d) ? d : [d]));
    const recursive = truthy(a.kw.recursive ?? false);
    const listMerge = String(a.kw.list_merge ?? 'replace');
    return dicts.reduce<Record<string, unknown>>((acc, d) => {
      if (!isMapping(d)) throw new TemplateError(`failed to combine variables, expected dicts but got a '${typeof d}'`);
      return mergeHash(acc, d, recursive, listMerge);
    }, {});
  },
  zip: (v, a) => {
    const lists = [v, ...a.pos].map(toList);
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => l[i])));
  },
  zip_longest: (v, a) => {
    const lists = [v, ...a.pos].map(toList);
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : (a.kw.fillvalue ?? null))));
  },
  flatten: (v, a) => {
    const levels = param<unknown>(a, 0, 'levels', null);
    return flatten(toList(v), levels === null ? null : Number(levels), truthy(param(a, 1, 'skip_nulls', true)));
  },
  unique_by: (v) => uniqueList(toList(v)),
  difference: (v, a) => {
    const b = toList(param(a, 0, 'b'));
    return uniqueList(toList(v).filter((x) => !b.some((y) => pyEquals(x, y))));
  },
  intersect: (v, a) => {
    const b = toList(param(a, 0, 'b'));
    return uniqueList(toList(v).filter((x) => b.some((y) => pyEquals(x, y))));
  },
  union: (v, a) => uniqueList([...toList(v), ...toList(param(a, 0, 'b'))]),
  symmetric_difference: (v, a) => {
    const x = toList(v);
    const y = toList(param(a, 0, 'b'));
    return uniqueList([...x.filter((i) => !y.some((j) => pyEquals(i, j))), ...y.filter((i) => !x.some((j) => pyEquals(i, j)))]);
  },
  product: (v, a) => product([v, ...a.pos].map(toList)).map(tuple),
  batch: (v, a) => {
    const size = Number(param(a, 0, 'linecount'));
    const fill = param<unknown>(a, 1, 'fill_with', null);
    const l = toList(v);
    const out: unknown[][] = [];
    for (let i = 0; i < l.length; i += size) out.push(l.slice(i, i + size));
    const last = out[out.length - 1];
    if (fill !== null && last) while (last.length < size) last.push(fill);
    return out;
  },
  slice: (v, a) => {
    const n = Number(param(a, 0, 'slices'));
    const l = toList(v);
    const per = Math.floor(l.length / n);
    const extra = l.length % n;
    const fill = param<unknown>(a, 1, 'fill_with', null);
    const out: unknown[][] = [];
    let off = 0;
    for (let i = 0; i < n; i++) {
      const len = per + (i < extra ? 1 : 0);
      const part = l.slice(off, off + len);
      // as Jinja: every slice past the longer ones gets the filler (all of them when they are even)
      if (fill !== null && fill !== undefined && i >= extra) part.push(fill);
      out.push(part);
      off += len;
    }
    return out;
  },
};
