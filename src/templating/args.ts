// Positional and keyword arguments as nunjucks passes them: keyword arguments
// arrive as a trailing object marked `__keywords: true`.
import { TemplateError } from './errors.js';

export interface Args {
  pos: unknown[];
  kw: Record<string, unknown>;
}

export function splitArgs(args: unknown[]): Args {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: boolean }).__keywords === true) {
    const kw: Record<string, unknown> = { ...(last as Record<string, unknown>) };
    delete kw.__keywords;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

/** Python-style parameter binding: arg `i` by position, else by keyword, else the default. */
export function param<T = unknown>(a: Args, index: number, name: string, dflt?: T): T {
  if (index < a.pos.length) return a.pos[index] as T;
  if (Object.hasOwn(a.kw, name)) return a.kw[name] as T;
  return dflt as T;
}

export function typeError(msg: string): never {
  throw new TemplateError(msg);
}
