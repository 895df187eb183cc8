// Ansible's data-shaping and math filters: extract, subelements, rekey_on_member,
// combinations, permutations, shuffle, log, pow, root; and Jinja's attr,
// groupby and items.
import { randomInt } from 'node:crypto';
import { param } from './args.js';
import { TemplateError } from './errors.js';
import { attrPath } from './filters-collection.js';
import { toList } from './filters-core.js';
import { getAttr } from './methods.js';
import { isNumeric, mkFloat } from './py-float.js';
import { isMapping, pyCompare, pyEquals, truthy } from './python-ops.js';
import { seededRandom } from './py-random.js';
import { pyRepr, pyStr, tuple } from './python-repr.js';
import type { FilterTable } from './registry.js';
import { defined } from './undefined.js';

function combinations(pool: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return pool.flatMap((x, i) => combinations(pool.slice(i + 1), r - 1).map((rest) => [x, ...rest]));
}

function permutations(pool: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return pool.flatMap((x, i) => permutations([...pool.slice(0, i), ...pool.slice(i + 1)], r - 1).map((rest) => [x, ...rest]));
}

function subelements(obj: unknown, path: unknown, skipMissing: boolean): unknown[] {
  let elements: unknown[];
  if (isMapping(obj)) elements = Object.values(obj);
  else if (Array.isArray(obj)) elements = obj;
  else throw new TemplateError('obj must be a list of dicts or a nested dict');
  let keys: unknown[];
  if (Array.isArray(path)) keys = path;
  else if (typeof path === 'string') keys = path.split('.');
  else throw new TemplateError('subelements must be a list or a string');
  return elements.flatMap((element) => {
    let values: unknown = element;
    for (const key of keys) {
      if (!isMapping(values)) throw new TemplateError(`the key ${pyStr(key)} should point to a dictionary, got '${pyStr(values)}'`);
      if (!Object.hasOwn(values, pyStr(key))) {
        if (skipMissing) {
          values = [];
          break;
        }
        throw new TemplateError(`could not find ${pyRepr(key)} key in iterated item ${pyRepr(values)}`);
      }
      values = values[pyStr(key)];
    }
    if (!Array.isArray(values)) throw new TemplateError(`the key ${pyRepr(keys[keys.length - 1])} should point to a list, got ${pyRepr(values)}`);
    return values.map((v) => tuple([element, v]));
  });
}

function rekeyOnMember(data: unknown, key: string, duplicates: string): Record<string, unknown> {
  if (duplicates !== 'error' && duplicates !== 'overwrite') {
    throw new TemplateError(`duplicates parameter to rekey_on_member has unknown value: ${duplicates}`);
  }
  let items: unknown[];
  if (isMapping(data)) items = Object.values(data);
  else if (Array.isArray(data)) items = data;
  else throw new TemplateError('Type is not a valid list, set, or dict');
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (!isMapping(item)) throw new TemplateError('List item is not a valid dict');
    if (!Object.hasOwn(item, key)) throw new TemplateError(`Key ${key} was not found`);
    const newKey = pyStr(item[key]);
    if (Object.hasOwn(out, newKey) && duplicates === 'error') {
      throw new TemplateError(`Key ${newKey} is not unique, cannot correctly turn into dict`);
    }
    out[newKey] = item;
  }
  return out;
}

/** Jinja's groupby: (grouper, items) pairs sorted by the attribute. */
function groupby(value: unknown, attribute: unknown, dflt: unknown): unknown[] {
  const keyed = toList(value).map((item) => {
    let key = attrPath(item, attribute);
    if (dflt !== undefined) key = key === undefined || (key as { fail?: unknown })?.fail ? dflt : key;
    return { key: defined(key), item };
  });
  keyed.sort((a, b) => pyCompare(a.key, b.key));
  const groups: { key: unknown; items: unknown[] }[] = [];
  for (const { key, item } of keyed) {
    const last = groups[groups.length - 1];
    if (last && pyEquals(last.key, key)) last.items.push(item);
    else groups.push({ key, items: [item] });
  }
  return groups.map((g) => tuple([g.key, g.items]));
}

const number = (v: unknown, what: string): number => {
  if (!isNumeric(v)) throw new TemplateError(`${what}() can only be used on numbers: must be real number, not ${typeof v === 'string' ? 'str' : typeof v}`);
  return Number(v);
};

export const dataFilters: FilterTable = {
  extract: (v, a) => {
    const container = param<unknown>(a, 0, 'container');
    const more = param<unknown>(a, 1, 'morekeys', null);
    const keys = [v, ...(more === null ? [] : Array.isArray(more) ? more : [more])];
    let value = container;
    for (const key of keys) value = getAttr(value, key, false);
    return value;
  },
  subelements: (v, a) => subelements(v, param(a, 0, 'subelements'), Boolean(param(a, 1, 'skip_missing', false))),
  rekey_on_member: (v, a) => rekeyOnMember(v, pyStr(param(a, 0, 'key')), pyStr(param(a, 1, 'duplicates', 'error'))),
  combinations: (v, a) => combinations(toList(v), Number(param(a, 0, 'r'))).map(tuple),
  permutations: (v, a) => {
    const pool = toList(v);
    const r = param<unknown>(a, 0, 'r', null);
    return permutations(pool, r === null ? pool.length : Number(r)).map(tuple);
  },
  // randomize_list(): seeded with Python's random.Random(seed) when the seed is truthy;
  // any failure (a seed Python refuses) leaves the list as it was, as there.
  shuffle: (v, a) => {
    const l = toList(v);
    const seed = param<unknown>(a, 0, 'seed', null);
    try {
      if (truthy(seed)) return seededRandom(seed).shuffle(l);
    } catch {
      return l;
    }
    for (let i = l.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [l[i], l[j]] = [l[j], l[i]];
    }
    return l;
  },
  log: (v, a) => {
    const base = param<unknown>(a, 0, 'base', null);
    const x = number(v, 'log');
    if (base === null) return mkFloat(Math.log(x));
    return mkFloat(Number(base) === 10 ? Math.log10(x) : Math.log(x) / Math.log(number(base, 'log')));
  },
  // Python's math functions: always a float
  pow: (v, a) => mkFloat(number(v, 'pow') ** number(param(a, 0, 'y'), 'pow')),
  root: (v, a) => {
    const base = Number(param(a, 0, 'base', 2));
    const x = number(v, 'root');
    return mkFloat(base === 2 ? Math.sqrt(x) : x ** (1 / base));
  },
  attr: (v, a) => {
    const name = pyStr(param(a, 0, 'name'));
    // getattr, not item access: a dict's keys are not attributes
    if (isMapping(v)) return getAttr({}, name, true);
    return getAttr(v, name, true);
  },
  groupby: (v, a) => groupby(v, param(a, 0, 'attribute'), param(a, 1, 'default', undefined)),
  items: (v) => {
    if (v === null || v === undefined) return [];
    if (!isMapping(v)) throw new TemplateError(`Can only get item pairs from a mapping.`);
    return Object.entries(v).map(([k, x]) => tuple([k, x]));
  },
};
