// Jinja2 and Ansible tests: `x is defined`, `r is failed`, `v is version('2', '>=')`...
import { existsSync } from 'node:fs';
import { param, type Args } from './args.js';
import { PyException, PyTypeError, TemplateError } from './errors.js';
import type { RenderContext } from './runtime.js';
import { isFloat, isNumeric } from './py-float.js';
import { isMapping, pyCompare, pyEquals, pyIn, truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';
import { pyRegex } from './regex.js';
import type { TestFn } from './registry.js';
import { isUndefined } from './undefined.js';
import { toBool } from './filters-core.js';

function regexTest(v: unknown, a: Args, type: 'match' | 'search' | 'fullmatch'): boolean {
  const pattern = pyStr(param(a, 0, 'pattern', ''));
  const re = pyRegex(pattern, { ignorecase: truthy(param(a, 1, 'ignorecase', false)), multiline: truthy(param(a, 2, 'multiline', false)) });
  const s = pyStr(v);
  if (type === 'search') return re.test(s);
  const anchored = new RegExp(`^(?:${re.source})${type === 'fullmatch' ? '$' : ''}`, re.flags.replace('m', ''));
  return anchored.test(s);
}

function resultDict(v: unknown, test: string): Record<string, unknown> {
  if (!isMapping(v)) throw new TemplateError(`The '${test}' test expects a dictionary`);
  return v;
}

function versionParts(s: string): (number | string)[] {
  return s.split(/[.\-+_]/).flatMap((p) => p.match(/\d+|[^\d]+/g) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return 1;
    if (typeof q === 'number') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function versionTest(v: unknown, a: Args): boolean {
  const other = pyStr(param(a, 0, 'version'));
  const op = pyStr(param(a, 1, 'operator', 'eq'));
  const c = compareVersions(pyStr(v), other);
  const ops: Record<string, boolean> = {
    '==': c === 0, '=': c === 0, eq: c === 0, '!=': c !== 0, '<>': c !== 0, ne: c !== 0,
    '<': c < 0, lt: c < 0, '<=': c <= 0, le: c <= 0, '>': c > 0, gt: c > 0, '>=': c >= 0, ge: c >= 0,
  };
  const r = ops[op];
  if (r === undefined) throw new TemplateError(`Invalid operator type (${op})`);
  return r;
}

/** A comparison test; Python's TypeError names the operator. */
function ordered(op: string, holds: (c: number) => boolean): TestFn {
  return (v, a) => {
    try {
      return holds(pyCompare(v, param(a, 0, 'other')));
    } catch (e) {
      if (e instanceof PyTypeError) throw new PyTypeError(e.message.replace(/^'<'/, `'${op}'`));
      throw e;
    }
  };
}

/** str.islower()/isupper(): some cased character, and none of the other case. */
function isCased(s: string, fold: (s: string) => string): boolean {
  return s.toLowerCase() !== s.toUpperCase() && fold(s) === s;
}

/**
 * `'upper' is filter`: Jinja looks the name up in Ansible's plugin loader, which
 * fails on a name it cannot load instead of answering false.
 */
function knows(ctx: RenderContext, getter: 'getFilter' | 'getTest', v: unknown): boolean {
  const name = pyStr(v);
  try {
    (ctx.env as Record<typeof getter, (n: string) => unknown>)[getter](name);
    return true;
  } catch {
    throw new PyException('jinja2.exceptions.TemplateSyntaxError', `Could not load "${name}": '${name}'`);
  }
}

const isSeq = (v: unknown): boolean => typeof v === 'string' || Array.isArray(v) || isMapping(v);

export const tests: Record<string, TestFn> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v === null,
  equalto: (v, a) => pyEquals(v, param(a, 0, 'other')),
  ne: (v, a) => !pyEquals(v, param(a, 0, 'other')),
  lt: ordered('<', (c) => c < 0),
  le: ordered('<=', (c) => c <= 0),
  gt: ordered('>', (c) => c > 0),
  ge: ordered('>=', (c) => c >= 0),
  sameas: (v, a) => v === param(a, 0, 'other'),
  match: (v, a) => regexTest(v, a, 'match'),
  search: (v, a) => regexTest(v, a, 'search'),
  regex: (v, a) => {
    const type = pyStr(param(a, 3, 'match_type', 'search'));
    return regexTest(v, a, type === 'match' ? 'match' : type === 'fullmatch' ? 'fullmatch' : 'search');
  },
  in: (v, a) => pyIn(v, param(a, 0, 'seq')),
  contains: (v, a) => pyIn(param(a, 0, 'value'), v),
  failed: (v) => truthy(resultDict(v, 'failed').failed ?? false),
  succeeded: (v) => !truthy(resultDict(v, 'failed').failed ?? false),
  changed: (v) => truthy(resultDict(v, 'changed').changed ?? false),
  skipped: (v) => truthy(resultDict(v, 'skipped').skipped ?? false),
  // An async result says finished/started as 1; a result without the key is a sync one.
  finished: (v) => {
    const r = resultDict(v, 'finished');
    return 'finished' in r ? pyEquals(r.finished, 1) : true;
  },
  started: (v) => {
    const r = resultDict(v, 'started');
    return 'started' in r ? pyEquals(r.started, 1) : true;
  },
  unreachable: (v) => truthy(resultDict(v, 'unreachable').unreachable ?? false),
  reachable: (v) => !truthy(resultDict(v, 'unreachable').unreachable ?? false),
  string: (v) => typeof v === 'string',
  number: (v) => isNumeric(v),
  integer: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  float: (v) => isFloat(v),
  mapping: (v) => isMapping(v),
  sequence: isSeq,
  iterable: isSeq,
  boolean: (v) => typeof v === 'boolean',
  callable: (v) => typeof v === 'function' || isUndefined(v),
  lower: (v) => isCased(pyStr(v), (s) => s.toLowerCase()),
  upper: (v) => isCased(pyStr(v), (s) => s.toUpperCase()),
  // Jinja's `filter` and `test` tests: is there a filter/test of that name
  filter: (v, _a, ctx) => knows(ctx, 'getFilter', v),
  test: (v, _a, ctx) => knows(ctx, 'getTest', v),
  truthy: (v, a) => truthy(truthy(param(a, 0, 'convert_bool', false)) ? toBool(v) : v),
  falsy: (v, a) => !truthy(truthy(param(a, 0, 'convert_bool', false)) ? toBool(v) : v),
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, a) => Number(v) % Number(param(a, 0, 'num')) === 0,
  version: versionTest,
  version_compare: versionTest,
  subset: (v, a) => {
    const b = param<unknown[]>(a, 0, 'b') ?? [];
    return (v as unknown[]).every((x) => b.some((y) => pyEquals(x, y)));
  },
  superset: (v, a) => {
    const b = param<unknown[]>(a, 0, 'b') ?? [];
    return b.every((x) => (v as unknown[]).some((y) => pyEquals(x, y)));
  },
  abs: (v) => pyStr(v).startsWith('/'),
  // os.path.exists: no `~` expansion
  exists: (v) => pyStr(v) !== '' && existsSync(pyStr(v)),
};
/** Other names for tests of `table` (alias -> name), as Jinja and Ansible give them. */
export function addAliases(table: Record<string, TestFn>, aliases: Record<string, string>): void {
  for (const [alias, name] of Object.entries(aliases)) table[alias] = table[name] as TestFn;
}

addAliases(tests, {
  '==': 'equalto', eq: 'equalto', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', lessthan: 'lt', greaterthan: 'gt',
  success: 'succeeded', failure: 'failed', change: 'changed', skip: 'skipped', is_abs: 'abs',
});
