// Runtime pieces of Jinja's loops and namespaces that nunjucks lacks: the loop
// filter (`for x in xs if cond`), loop.cycle/previtem/nextitem, and
// namespace() objects that `{% set ns.attr = v %}` may change.
import { TemplateError } from './errors.js';
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
