// Runtime pieces of Jinja's loops, namespaces and macros that nunjucks lacks:
// the loop filter (`for x in xs if cond`), loop.cycle/previtem/nextitem/changed,
// recursive loops, namespace() objects that `{% set ns.attr = v %}` may change,
// and a macro's varargs and kwargs.
import { TemplateError } from './errors.js';
import { baseRuntime } from './nunjucks-internals.js';
import { pyEquals } from './python-ops.js';
import { tuple } from './python-repr.js';
import { Undefined } from './undefined.js';

/** What namespace(...) returns: a mapping whose attributes a template may set. */
export class Namespace {
  [key: string]: unknown;
}

/** The `namespace` global: namespace(total=0), namespace({'a': 1}, b=2). */
export function namespace(...args: unknown[]): Namespace {
  const ns = new Namespace();
  for (const arg of args) {
    if (arg && typeof arg === 'object') {
      for (const [k, v] of Object.entries(arg)) if (k !== '__keywords') ns[k] = v;
    }
  }
  return ns;
}

export function setNamespaceAttr(target: unknown, key: unknown, value: unknown): void {
  if (!(target instanceof Namespace)) throw new TemplateError('cannot assign attribute on non-namespace object');
  target[String(key)] = value;
}

/** The items that pass a loop filter (items as fromIterator gave them). */
export function loopFilter(items: unknown, keep: (item: unknown) => boolean): unknown[] {
  if (items === null || items === undefined) return [];
  return (items as unknown[]).filter((item) => keep(item));
}

/** loop.cycle for the item at `index`: cycle('odd', 'even'). */
export function loopCycle(index: number): (...values: unknown[]) => unknown {
  return (...values: unknown[]) => {
    if (values.length === 0) throw new TemplateError('no items for cycling given');
    return values[index % values.length];
  };
}

/** loop.previtem of the first item, loop.nextitem of the last. */
export function noLoopItem(which: 'previtem' | 'nextitem'): Undefined {
  return new Undefined(`there is no ${which === 'previtem' ? 'previous' : 'next'} item`, which);
}

/** The state of one loop's loop.changed: the values it was last called with. */
export function loopChangedState(): { last?: unknown[] } {
  return {};
}

/** loop.changed(*values): true when called with other values than last time (or the first time). */
export function loopChanged(state: { last?: unknown[] }): (...values: unknown[]) => boolean {
  return (...values: unknown[]) => {
    if (state.last !== undefined && pyEquals(state.last, values)) return false;
    state.last = values;
    return true;
  };
}

/**
 * `loop` of a `recursive` for loop: calling it, loop(children), renders the
 * loop's body over other items one level deeper (loop.* are set on it).
 */
export function recursiveLoop(render: (items: unknown, depth: number) => string, depth: number): (items: unknown) => string {
  const loop = (items: unknown): string => render(items, depth + 1);
  // loop.length is set on it like the other loop.* (a function's own is read-only).
  Object.defineProperty(loop, 'length', { value: 0, writable: true, enumerable: true });
  return loop;
}

type MacroBody = (...args: unknown[]) => unknown;
const isKeywordArgs = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, '__keywords');
const makeKeywordArgs = baseRuntime.makeKeywordArgs as (v: Record<string, unknown>) => Record<string, unknown>;
const baseMakeMacro = baseRuntime.makeMacro as (a: string[], k: string[], f: MacroBody) => MacroBody;
const EXTRA = Symbol('macro extras');

/**
 * nunjucks' makeMacro, keeping what Jinja gives a macro as `varargs` (the
 * positional arguments past its parameters) and `kwargs` (keywords it does not
 * name): they ride on the keyword object the compiled body receives.
 */
export function makeMacro(argNames: string[], kwargNames: string[], body: MacroBody): MacroBody {
  const inner = baseMakeMacro(argNames, kwargNames, body);
  const params = argNames.length + kwargNames.length;
  const known = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
  return function (this: unknown, ...args: unknown[]) {
    const last = args[args.length - 1];
    const given = isKeywordArgs(last) ? (last as Record<string, unknown>) : undefined;
    const positional = given ? args.slice(0, -1) : args;
    const kw = makeKeywordArgs({ ...given });
    const extraKw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(kw)) if (!known.has(k)) extraKw[k] = v;
    Object.defineProperty(kw, EXTRA, { value: { varargs: tuple(positional.slice(params)), kwargs: extraKw } });
    return inner.apply(this, [...positional.slice(0, params), kw]);
  };
}

/** `varargs` or `kwargs` in a macro's body, from the keyword object makeMacro passed. */
export function macroExtra(kwargs: unknown, which: 'varargs' | 'kwargs'): unknown {
  const extra = (kwargs as { [EXTRA]?: { varargs: unknown; kwargs: unknown } } | undefined)?.[EXTRA];
  return extra ? extra[which] : which === 'varargs' ? tuple([]) : {};
}
