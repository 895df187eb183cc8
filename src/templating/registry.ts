// The shape of filters and tests, and the small `env` object compiled templates
// call (`env.getFilter(name)`, `env.getTest(name)`).
import { splitArgs, type Args } from './args.js';
import { TemplateError } from './errors.js';
import type { RenderContext } from './runtime.js';
import { isUndefined } from './undefined.js';

export type FilterFn = (value: unknown, a: Args, ctx: RenderContext) => unknown;
export type TestFn = (value: unknown, a: Args, ctx: RenderContext) => boolean;

export interface FilterTable {
  [name: string]: FilterFn;
}

/** Filters that look at Undefined themselves instead of failing on it. */
export const UNDEFINED_AWARE_FILTERS = new Set(['default', 'd', 'mandatory', 'type_debug']);
/** Tests that can be applied to Undefined. */
// As in Ansible 2.14: type tests are false for Undefined (`callable` true: Jinja's
// Undefined can be called), result tests say they expect a dictionary; the others raise.
export const UNDEFINED_AWARE_TESTS = new Set([
  'defined', 'undefined', 'none', 'number', 'string', 'mapping', 'sequence', 'boolean', 'integer', 'float',
  'callable', 'sameas', 'failed', 'failure', 'succeeded', 'success', 'changed', 'change', 'skipped', 'skip',
  'finished', 'started', 'unreachable', 'reachable',
]);

function failOnUndefined(args: unknown[]): void {
  for (const a of args) {
    if (isUndefined(a)) a.fail();
    if (typeof a === 'object' && a !== null && (a as { __keywords?: boolean }).__keywords) {
      for (const v of Object.values(a)) if (isUndefined(v)) v.fail();
    }
  }
}

export class JinjaEnv {
  readonly opts = { autoescape: false };
  private readonly filters = new Map<string, (this: RenderContext, ...args: unknown[]) => unknown>();
  private readonly tests = new Map<string, (this: RenderContext, ...args: unknown[]) => boolean>();
  readonly rawFilters: FilterTable = {};
  readonly rawTests: Record<string, TestFn> = {};

  addFilters(table: FilterTable): void {
    for (const [name, fn] of Object.entries(table)) {
      this.rawFilters[name] = fn;
      const aware = UNDEFINED_AWARE_FILTERS.has(name);
      this.filters.set(name, function (this: RenderContext, value: unknown, ...rest: unknown[]) {
        if (!aware) failOnUndefined([value, ...rest]);
        return fn(value, splitArgs(rest), this);
      });
    }
  }

  addTests(table: Record<string, TestFn>): void {
    for (const [name, fn] of Object.entries(table)) {
      this.rawTests[name] = fn;
      const aware = UNDEFINED_AWARE_TESTS.has(name);
      this.tests.set(name, function (this: RenderContext, value: unknown, ...rest: unknown[]) {
        if (!aware) failOnUndefined([value, ...rest]);
        return fn(value, splitArgs(rest), this);
      });
    }
  }

  getFilter(name: string): (this: RenderContext, ...args: unknown[]) => unknown {
    // A name registered in full (ansible.utils.macaddr) has no short form in Ansible.
    const f = this.filters.get(name) ?? this.filters.get(name.replace(/^ansible\.(builtin|netcommon|utils)\./, ''));
    if (!f) throw new TemplateError(`No filter named '${name}'.`);
    return f;
  }

  getTest(name: string): (this: RenderContext, ...args: unknown[]) => boolean {
    const t = this.tests.get(name) ?? this.tests.get(name.replace(/^ansible\.(builtin|netcommon|utils)\./, ''));
    if (!t) throw new TemplateError(`No test named '${name}'.`);
    return t;
  }

  /** Apply a filter by name from code (map('upper'), ...). */
  applyFilter(ctx: RenderContext, name: string, value: unknown, args: unknown[]): unknown {
    return this.getFilter(name).call(ctx, value, ...args);
  }

  applyTest(ctx: RenderContext, name: string, value: unknown, args: unknown[]): boolean {
    return this.getTest(name).call(ctx, value, ...args);
  }
}
