// The runtime the compiled templates call into (see jinja-compiler.ts): nunjucks'
// own runtime with lookups, output and operators replaced by Jinja2/Python ones.
// It is a private object passed to each render; nunjucks' module is not modified.
import { PyException, PyTypeError, TemplateError, UndefinedVariableError } from './errors.js';
import { getAttr } from './methods.js';
import {
  compareOp, isMapping, pyAdd, pyConcat, pyDiv, pyFloorDiv, pyIn, pyMod, pyMul, pyNeg, pyPow, pySub, truthy,
} from './python-ops.js';
import { PyFloat } from './py-float.js';
import { pyStr, tuple } from './python-repr.js';
import { defined, isUndefined, undefinedVariable } from './undefined.js';
import { baseRuntime } from './nunjucks-internals.js';
import { loopChanged, loopChangedState, loopCycle, loopFilter, macroExtra, makeMacro, noLoopItem, recursiveLoop, setNamespaceAttr } from './loop-support.js';
import { loadTemplate, type LoadedTemplate } from './template-loader.js';

const SafeString = baseRuntime.SafeString as new (s: string) => object;

/** What one render saw: how many output nodes, the last native value, texts that must stay text. */
export class RenderState {
  count = 0;
  last: unknown = '';
  /** Strings produced by filters whose result Ansible keeps as text (to_json...). */
  readonly nativeTexts = new Set<string>();
}

let current: RenderState | undefined;

export function withState<T>(state: RenderState, fn: () => T): T {
  const prev = current;
  current = state;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

export function currentState(): RenderState | undefined {
  return current;
}

/** Jinja2's finalize under Ansible: None prints as '', Undefined fails. */
export function finalize(v: unknown): string {
  if (isUndefined(v)) v.fail();
  if (v === null || v === undefined) return '';
  return pyStr(v);
}

function hasVar(vars: object, name: string): boolean {
  if (!(name in vars)) return false;
  return !(name in Object.prototype) || Object.hasOwn(vars, name);
}

/** The `context` compiled templates see: locals set at top level, then vars, then globals. */
export class RenderContext {
  readonly ctx: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly exported: string[] = [];
  readonly blocks: Record<string, unknown[]> = {};

  constructor(
    readonly env: unknown,
    readonly vars: Record<string, unknown>,
    readonly globals: Record<string, unknown>,
    readonly extra: { templar: unknown; searchPaths: string[] },
  ) {}

  lookup(name: string): unknown {
    if (name in this.ctx) return this.ctx[name];
    if (hasVar(this.vars, name)) {
      const v = this.vars[name];
      if (v !== undefined) return v;
    }
    if (name in this.globals) return this.globals[name];
    return undefined;
  }

  setVariable(name: string, val: unknown): void {
    this.ctx[name] = val;
  }

  getVariables(): Record<string, unknown> {
    return this.ctx;
  }

  addExport(name: string): void {
    this.exported.push(name);
  }

  addBlock(name: string, block: unknown): this {
    (this.blocks[name] ??= []).push(block);
    return this;
  }

  /** A template's own blocks come first: an extended template's are added after them. */
  addBlocks(blocks: Record<string, unknown>): void {
    for (const [name, block] of Object.entries(blocks)) this.addBlock(name, block);
  }

  getBlock(name: string): unknown {
    const b = this.blocks[name]?.[0];
    if (!b) throw new TemplateError(`unknown block "${name}"`);
    return b;
  }

  /** `{{ super() }}`: the block `name` of the template this one extends. */
  getSuper(env: unknown, name: string, block: unknown, frame: unknown, rt: unknown, cb: (err: unknown, res?: string) => void): void {
    const list = this.blocks[name] ?? [];
    const next = list[list.indexOf(block) + 1] as ((...a: unknown[]) => void) | undefined;
    if (list.indexOf(block) === -1 || !next) throw new TemplateError(`no super block available for "${name}"`);
    next(env, this, frame, rt, cb);
  }

  /** What `{% import %}` of this template gives: its macros and top-level sets. */
  getExported(): Record<string, unknown> {
    return Object.fromEntries(this.exported.map((name) => [name, this.ctx[name]]));
  }
}

function pySlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  defined(obj);
  const seq: unknown[] | string = typeof obj === 'string' ? Array.from(obj).join('') : (obj as unknown[]);
  if (typeof seq !== 'string' && !Array.isArray(seq)) throw new TemplateError(`'${pyStr(obj)}' is not subscriptable`);
  const len = seq.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw new TemplateError('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    if (typeof v !== 'boolean' && !(typeof v === 'number' && Number.isSafeInteger(v))) {
      throw new PyTypeError('slice indices must be integers or None or have an __index__ method');
    }
    let n = Number(v);
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const out: unknown[] = [];
  const chars = typeof seq === 'string' ? Array.from(seq) : seq;
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) out.push(chars[i]);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(chars[i]);
  }
  return typeof seq === 'string' ? out.join('') : out;
}

function makeDict(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) out[pyStr(defined(flat[i]))] = flat[i + 1];
  return out;
}

function fromIterator(v: unknown): unknown {
  defined(v);
  if (typeof v === 'string') return Array.from(v);
  if (Array.isArray(v) || v === null || v === undefined) return v;
  if (typeof v === 'object' && Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
  if (isMapping(v)) return Object.keys(v);
  throw new TemplateError(`'${typeof v}' object is not iterable`);
}


/** A block rendered through nunjucks' callback, which answers at once (the compiled code is synchronous). */
function renderNow(render: (done: (err: unknown, res?: string) => void) => void): string {
  let text = '';
  let error: unknown;
  render((err, res) => {
    error = err;
    text = res ?? '';
  });
  if (error) throw error;
  return text;
}

export const runtime: Record<string, unknown> = {
  ...baseRuntime,
  truthy,
  pySlice,
  makeDict,
  tuple,
  fromIterator,
  loopFilter,
  loopCycle,
  loopChanged,
  loopChangedState,
  recursiveLoop,
  makeMacro,
  macroExtra,
  noLoopItem,
  setNamespaceAttr,
  pyAdd, pySub, pyMul, pyDiv, pyFloorDiv, pyMod, pyPow, pyConcat,
  pyNeg,
  pyFloat: (n: number) => new PyFloat(n),
  nativeJinjaTextType: (_text: unknown) => 'NativeJinjaText',
  pyNameError: (name: string) => {
    throw new PyException('NameError', `name '${name}' is not defined`);
  },
  pyAnd: (a: unknown, b: () => unknown) => (truthy(a) ? b() : a),
  pyOr: (a: unknown, b: () => unknown) => (truthy(a) ? a : b()),
  inOperator: pyIn,
  // Ansible prints '' for `'a' if false` (no else): treat as an empty string.
  noElse: () => '',
  compareChain(first: unknown, ops: unknown[]): boolean {
    let left = first;
    for (let i = 0; i < ops.length; i += 2) {
      const right = ops[i + 1];
      if (!compareOp(ops[i] as string, left, right)) return false;
      left = right;
    }
    return true;
  },
  memberLookup: (obj: unknown, key: unknown, dot: boolean) => getAttr(obj, key, dot),
  // {% import %} / {% extends %}: the named template, compiled (see template-loader.ts)
  getTemplate(context: RenderContext, name: unknown, ignoreMissing: boolean, cb: (err: unknown, t?: LoadedTemplate) => void): void {
    let t: LoadedTemplate | undefined;
    try {
      t = loadTemplate(context, defined(name), ignoreMissing);
    } catch (err) {
      cb(err);
      return;
    }
    cb(null, t);
  },
  // {{ super() }}: the text of the extended template's block of that name
  superBlock(env: unknown, context: RenderContext, frame: unknown, name: string, block: unknown): string {
    return renderNow((done) => context.getSuper(env, name, block, frame, runtime, done));
  },
  // `self`: the template's blocks by name, each a function that renders it again (self.head()).
  selfBlocks(env: unknown, context: RenderContext, frame: unknown): Record<string, () => unknown> {
    const ctx = context as unknown as { blocks: Record<string, unknown[]>; getBlock(name: string): (...a: unknown[]) => void };
    const out: Record<string, () => unknown> = {};
    for (const name of Object.keys(ctx.blocks ?? {})) {
      out[name] = () => new SafeString(renderNow((done) => ctx.getBlock(name)(env, context, frame, runtime, done)));
    }
    return out;
  },
  // {% include %}: the named template's text ('' for a missing one with `ignore missing`)
  includeTemplate(context: RenderContext, frame: never, name: unknown, ignoreMissing: boolean, withContext: boolean, cb: (err: unknown, s?: string) => void): void {
    let t: LoadedTemplate | undefined;
    try {
      t = loadTemplate(context, defined(name), ignoreMissing);
    } catch (err) {
      cb(err);
      return;
    }
    if (t) t.render(frame, withContext, (err, res) => cb(err, res as string | undefined));
    else cb(null, '');
  },
  contextOrFrameLookup(context: RenderContext, frame: { lookup(n: string): unknown }, name: string): unknown {
    const v = frame.lookup(name);
    if (v !== undefined) return v;
    const c = context.lookup(name);
    return c === undefined ? undefinedVariable(name) : c;
  },
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
    if (isUndefined(fn)) fn.fail();
    if (typeof fn !== 'function') throw new TemplateError(`'${name}' is not callable`);
    const r = (fn as (...a: unknown[]) => unknown).apply(context, args);
    // macros return nunjucks SafeString objects
    return r instanceof SafeString ? String(r) : r;
  },
  emit(v: unknown): string {
    const s = finalize(v);
    if (current) {
      current.count++;
      current.last = v;
    }
    return s;
  },
  emitData(s: string): string {
    if (current) {
      current.count++;
      current.last = s;
    }
    return s;
  },
  handleError(err: unknown, lineno: number, colno: number): unknown {
    if (err instanceof UndefinedVariableError || err instanceof TemplateError) return err;
    return (baseRuntime.handleError as (e: unknown, l: number, c: number) => unknown)(err, lineno, colno);
  },
};
