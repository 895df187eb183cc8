// The templar: renders strings, whole data structures and expressions with
// Jinja2-under-Ansible semantics (see jinja-compiler.ts and runtime.ts).
//
// Type rule (observed with ansible-core 2.14, jinja2_native off):
//  1. A string without {{ {% {# is returned as is.
//  2. Exactly "{{ name }}" (optionally followed by one newline) where `name` is a
//     variable holding a bool or number returns that value; holding None returns None.
//  3. Otherwise the template is rendered to text (None prints '', other values as
//     Python str(): True, ['a'], {'k': 1}). If the template produced one single
//     output node whose value came from to_json/to_yaml & co, that text is kept.
//  4. Else, if the text starts with '[' or '{', or is 'True' / 'False', it is parsed
//     as a Python literal (ast.literal_eval) and that value is returned when valid.
//     So "{{ l }}", "{{ l | sort }}", "{{ [1,2] }}", "{{ {'a':1} }}", "{{ true }}",
//     "{{ x | default([]) }}" keep list/dict/bool; "{{ 5 }}", "{{ n + 1 }}",
//     "{{ l | length }}", "{{ d.k }}", "{{ l[0] }}" (ints), " {{ n }}" give strings;
//     "{{ '[1, 2]' }}" becomes a list and "{{ 'True' }}" a bool.
//  5. Trailing newlines of the source are kept (Jinja drops one, Ansible adds back).
import { carryUnsafe, isUnsafeText } from './unsafe.js';
import { TemplateError, UndefinedVariableError, templateFailure } from './errors.js';
import { coreFilters } from './filters-core.js';
import { collectionFilters } from './filters-collection.js';
import { serializeFilters } from './filters-serialize.js';
import { stringFilters } from './filters-string.js';
import { cryptoFilters } from './filters-crypto.js';
import { dataFilters } from './filters-data.js';
import { jsonQueryFilters } from './filters-json-query.js';
import { ipaddrFilters } from './filters-ipaddr.js';
import { ipaddrTests } from './filters-ipaddr-tests.js';
import { pathFilters } from './filters-paths.js';
import { textFilters } from './filters-text.js';
import { nowGlobal, timeFilters } from './filters-time.js';
import { jinjaGlobals } from './globals-jinja.js';
import { moreTests } from './tests-more.js';
import type { LookupLoop } from './lookup-support.js';
import { lookupGlobals, queryLookup } from './lookups.js';
import { namespace } from './loop-support.js';
import { baseRuntime } from './nunjucks-internals.js';
import { PyFloat } from './py-float.js';
import { isMapping, truthy } from './python-ops.js';
import { literalEval } from './python-repr.js';
import { JinjaEnv } from './registry.js';
import { RenderContext, RenderState, finalize, runtime, withState } from './runtime.js';
import { compiled } from './template-cache.js';
import { blocksOf } from './template-loader.js';
import { tests } from './tests.js';
import { createView } from './view.js';

export { TemplateError, UndefinedVariableError };

export interface RenderOptions {
  /** Directories for lookup('file'|'template') relative paths, tried in order. */
  searchPaths?: string[];
}

/** The value Ansible's `omit` variable holds; the engine may define `omit` itself. */
export const OMIT_TOKEN = '__omit_place_holder__tsplay';

export function containsTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

const env = new JinjaEnv();
env.addFilters(coreFilters);
env.addFilters(stringFilters);
env.addFilters(collectionFilters);
env.addFilters(serializeFilters);
env.addFilters(textFilters);
env.addFilters(dataFilters);
env.addFilters(pathFilters);
env.addFilters(cryptoFilters);
env.addFilters(timeFilters);
env.addFilters(jsonQueryFilters);
env.addFilters(ipaddrFilters);
env.addTests(ipaddrTests);
env.addTests(tests);
env.addTests(moreTests);

const GLOBALS: Record<string, unknown> = {
  ...lookupGlobals,
  ...jinjaGlobals,
  omit: OMIT_TOKEN,
  namespace,
  now: nowGlobal,
};

const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/;
function countTrailingNewlines(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\n'; i--) n++;
  return n;
}

function hasVar(vars: Record<string, unknown>, name: string): boolean {
  return name in vars && (!(name in Object.prototype) || Object.hasOwn(vars, name));
}

export class Templar {
  /** Run a template; returns the text and what the render saw. `shown` is the text errors name. */
  private run(
    text: string,
    vars: Record<string, unknown>,
    options: RenderOptions | undefined,
    escapeBackslashes: boolean,
    shown = text,
  ): { out: string; state: RenderState } {
    const tmpl = compiled(text, escapeBackslashes);
    const state = new RenderState();
    const context = new RenderContext(env, vars, GLOBALS, { templar: this, searchPaths: options?.searchPaths ?? [] });
    context.addBlocks(blocksOf(tmpl));
    const frame = new (baseRuntime.Frame as new () => { topLevel: boolean })();
    frame.topLevel = true;
    let out = '';
    let error: unknown;
    withState(state, () => {
      try {
        tmpl.root(env, context, frame, runtime, (err, res) => {
          error = err;
          out = res ?? '';
        });
      } catch (err) {
        error = err;
      }
    });
    if (error) throw templateFailure(error, shown);
    // Jinja dropped one trailing newline; Ansible restores the source's count
    const want = countTrailingNewlines(text);
    const have = countTrailingNewlines(out);
    if (want > have) out += '\n'.repeat(want - have);
    return { out, state };
  }

  private renderString(s: string, vars: Record<string, unknown>, options?: RenderOptions): unknown {
    if (!containsTemplate(s) || isUnsafeText(s)) return s;
    const value = this.renderTemplateString(s, vars, options);
    carryUnsafe(value);
    return value;
  }

  private renderTemplateString(s: string, vars: Record<string, unknown>, options?: RenderOptions): unknown {
    const single = SINGLE_VAR.exec(s);
    if (single?.[1] && hasVar(vars, single[1])) {
      const v = vars[single[1]];
      if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return v;
      if (v === null) return null;
    }
    const { out, state } = this.run(s, vars, options, true);
    if (state.count === 1 && typeof state.last === 'string' && state.nativeTexts.has(state.last)) {
      return out;
    }
    // Python's literal_eval ignores trailing whitespace: "True\n" is True.
    const trimmed = out.trimEnd();
    if (out.startsWith('[') || out.startsWith('{') || trimmed === 'True' || trimmed === 'False') {
      try {
        return literalEval(trimmed);
      } catch {
        return out;
      }
    }
    return out;
  }

  render(value: unknown, vars: Record<string, unknown>, options?: RenderOptions): unknown {
    if (typeof value === 'string') return this.renderString(value, vars, options);
    if (Array.isArray(value)) return value.map((v) => this.render(v, vars, options));
    if (isMapping(value)) {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return value;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) out[k] = this.render(value[k], vars, options);
      return out;
    }
    return value;
  }

  renderText(text: string, vars: Record<string, unknown>, options?: RenderOptions): string {
    if (!containsTemplate(text)) return text;
    return this.run(text, vars, options, false).out;
  }

  evaluate(expression: string, vars: Record<string, unknown>, options?: RenderOptions): unknown {
    return this.evaluateAs(expression, vars, options, `{{ ${expression} }}`);
  }

  /** Evaluate an expression; a failure names `shown` as the template that failed. */
  private evaluateAs(expression: string, vars: Record<string, unknown>, options: RenderOptions | undefined, shown: string): unknown {
    if (containsTemplate(expression)) return this.render(expression, vars, options);
    const { state } = this.run(`{{ ${expression} }}`, vars, options, false, shown);
    return state.last;
  }

  isTrue(condition: unknown, vars: Record<string, unknown>, options?: RenderOptions): boolean {
    if (typeof condition === 'boolean') return condition;
    if (condition === null || condition === undefined || condition === '') return true;
    if (Array.isArray(condition)) return condition.every((c) => this.isTrue(c, vars, options));
    if (typeof condition !== 'string') return truthy(condition);
    let cond: unknown = condition;
    if (containsTemplate(condition)) {
      cond = this.render(condition, vars, options);
      if (typeof cond !== 'string' || cond === '') return truthy(cond);
    }
    // Ansible evaluates a condition as this template (its errors quote it)
    const c = cond as string;
    return truthy(this.evaluateAs(c, vars, options, `{% if ${c} %} True {% else %} False {% endif %}`));
  }

  /** The items of a `with_<lookup>` loop: query(name, ...terms) with these variables. */
  query(name: string, terms: unknown[], vars: Record<string, unknown>, loop: LookupLoop, options?: RenderOptions): unknown[] {
    const context = new RenderContext(env, vars, GLOBALS, { templar: this, searchPaths: options?.searchPaths ?? [] });
    return queryLookup(context, name, terms, loop);
  }

  view(vars: Record<string, unknown>): Record<string, unknown> {
    return createView(this, vars);
  }
}

export { finalize };
