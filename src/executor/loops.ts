// Turning `loop:` and the `with_*` forms into the list of items to run.
import { truthy } from '../templating/python-ops.js';
import { pyStr } from '../templating/python-repr.js';

function flattenOnce(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function flattenDeep(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? flattenDeep(v) : [v]));
}

function asList(value: unknown, kind: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (kind === 'loop') {
    throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${String(value)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`);
  }
  return [value];
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * with_subelements: [list or dict, 'key.path', {skip_missing}] gives [parent, sub]
 * pairs; as in Ansible, the parent shown no longer holds the list it was paired from.
 */
function subelements(terms: unknown[]): unknown[] {
  const termsError = (msg = ''): Error => new Error(`subelements lookup expects a list of two or three items, ${msg}`);
  if (terms.length < 2 || terms.length > 3) throw termsError();
  const [source, path, flags = {}] = terms;
  if ((!Array.isArray(source) && !isDict(source)) || typeof path !== 'string') {
    throw termsError('first a dict or a list, second a string pointing to the subkey');
  }
  if (isDict(source) && source.skipped !== undefined && source.skipped !== false) return [];
  const skipMissing = isDict(flags) && truthy(flags.skip_missing ?? false);
  const keys = path.split('.');
  const out: unknown[] = [];
  for (const element of isDict(source) ? Object.values(source) : source) {
    if (!isDict(element)) throw new Error(`subelements lookup expects a dictionary, got '${pyStr(element)}'`);
    if (element.skipped !== undefined && element.skipped !== false) continue;
    const parent = { ...element };
    let sub: Record<string, unknown> = parent;
    let list: unknown[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!(key in sub)) {
        if (skipMissing) continue;
        throw new Error(`could not find '${key}' key in iterated item '${pyStr(sub)}'`);
      }
      if (i < keys.length - 1) {
        if (!isDict(sub[key])) {
          if (skipMissing) continue;
          throw new Error(`the key ${key} should point to a dictionary, got '${pyStr(sub[key])}'`);
        }
        sub = sub[key] = { ...sub[key] };
      } else {
        if (!Array.isArray(sub[key])) throw new Error(`the key ${key} should point to a list, got '${pyStr(sub[key])}'`);
        list = sub[key] as unknown[];
        delete sub[key];
      }
    }
    for (const item of list) out.push([parent, item]);
  }
  return out;
}

/** Items for a loop kind, from its already-templated value (`hosts` selects inventory hosts by pattern). */
export function loopItems(kind: string, value: unknown, hosts?: (patterns: string[]) => string[]): unknown[] {
  switch (kind) {
    case 'loop':
    case 'with_list':
      return asList(value, kind);
    case 'with_items':
      return flattenOnce(asList(value, kind));
    case 'with_flattened':
      return flattenDeep(asList(value, kind));
    case 'with_indexed_items':
      return flattenOnce(asList(value, kind)).map((v, i) => [i, v]);
    case 'with_dict': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error('with_dict expects a dict');
      }
      return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    }
    case 'with_together': {
      const lists = asList(value, kind).map((l) => (Array.isArray(l) ? l : [l]));
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
    }
    case 'with_nested':
    case 'with_cartesian': {
      const lists = asList(value, kind).map((l) => (Array.isArray(l) ? l : [l]));
      return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => l.map((v) => [...prefix, v])), [[]]);
    }
    case 'with_subelements':
      return subelements(asList(value, kind));
    case 'with_inventory_hostnames':
      return hosts ? hosts((Array.isArray(value) ? value : [value]).map(String)) : [];
    default:
      throw new Error(`the loop '${kind}' is not supported`);
  }
}
