// Jinja's {% include %}, {% import %}, {% from ... import %} and {% extends %}:
// a template named in another is found where Ansible's template module and
// template lookup let Jinja look (the search path's `templates` dirs and the
// dirs themselves, the including template's own dir first), compiled once per
// text, and run with a context of its own.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CompiledTemplate } from './jinja-compiler.js';
import { TemplateNotFound } from './errors.js';
import { findInSearchPath } from './lookup-support.js';
import { pyStr } from './python-repr.js';
import { baseRuntime } from './nunjucks-internals.js';
import { RenderContext, runtime } from './runtime.js';
import { compiled } from './template-cache.js';

type Callback = (err: unknown, res?: unknown) => void;
type Frame = { push(isolate?: boolean): Frame; topLevel?: boolean };
type RootFn = CompiledTemplate['root'];

/** The variables a template run `with context` sees: the caller's, then its top-level sets. */
function contextVars(parent: RenderContext): Record<string, unknown> {
  return Object.assign(Object.create(parent.vars) as Record<string, unknown>, parent.ctx);
}

/** A template found by name, tied to the context that named it (whose search path and runtime it uses). */
export class LoadedTemplate {
  readonly blocks: Record<string, RootFn>;
  readonly rootRenderFunc: RootFn;

  constructor(
    readonly path: string,
    private readonly code: CompiledTemplate,
    private readonly parent: RenderContext,
  ) {
    this.blocks = blocksOf(code);
    this.rootRenderFunc = code.root;
  }

  private context(vars: Record<string, unknown>): RenderContext {
    const p = this.parent;
    // a template it names in turn is looked for beside it first
    const dir = dirname(this.path);
    const ctx = new RenderContext(p.env, vars, p.globals, { ...p.extra, searchPaths: [dir, ...p.extra.searchPaths.filter((d) => d !== dir)] });
    ctx.addBlocks(this.blocks);
    return ctx;
  }

  /** {% include %}: the text, rendered with the includer's variables (none `without context`). */
  render(frame: Frame, withContext: boolean, cb: Callback): void {
    const inner = withContext ? frame.push(true) : new (baseRuntime.Frame as new () => Frame)();
    inner.topLevel = true;
    this.rootRenderFunc(this.parent.env, this.context(withContext ? contextVars(this.parent) : {}), inner, runtime, cb);
  }

  /** {% import %}: the macros and top-level sets (Jinja gives no context unless `with context`). */
  getExported(...args: unknown[]): void {
    const cb = args[args.length - 1] as Callback;
    const withContext = args.length === 3;
    const frame = withContext ? (args[1] as Frame).push() : new (baseRuntime.Frame as new () => Frame)();
    frame.topLevel = true;
    const ctx = this.context(withContext ? contextVars(this.parent) : {});
    this.rootRenderFunc(this.parent.env, ctx, frame, runtime, (err) => {
      if (err) cb(err);
      else cb(null, ctx.getExported());
    });
  }
}

/** The `{% block %}` functions of a compiled template (nunjucks names them b_NAME). */
export function blocksOf(code: CompiledTemplate): Record<string, RootFn> {
  const out: Record<string, RootFn> = {};
  for (const [k, v] of Object.entries(code)) if (k.startsWith('b_')) out[k.slice(2)] = v as RootFn;
  return out;
}

/** Find and compile template `name` (or the first of a list that exists) for `parent`. */
export function loadTemplate(parent: RenderContext, name: unknown, ignoreMissing = false): LoadedTemplate | undefined {
  const names = Array.isArray(name) ? name : [name];
  for (const n of names) {
    if (n instanceof LoadedTemplate) return n;
    const path = findInSearchPath(pyStr(n), 'templates', parent.extra.searchPaths);
    if (path === undefined) continue;
    const text = readFileSync(path, 'utf8');
    return new LoadedTemplate(path, compiled(text, false), parent);
  }
  if (ignoreMissing) return undefined;
  const shown = names.map((n) => pyStr(n)).join(', ');
  throw new TemplateNotFound(names.length > 1 ? `TemplatesNotFound: none of the templates given were found: ${shown}` : `TemplateNotFound: ${shown}`);
}
