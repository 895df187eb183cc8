// A lazy, caching view over variables: reading a key renders its value with the
// view itself as the variables, so `a: "{{ b }}"` sees b's rendered value, the
// way Ansible resolves variables at use time.
import { TemplateError, UndefinedVariableError } from './errors.js';
import { Undefined } from './undefined.js';

interface Renderer {
  render(value: unknown, vars: Record<string, unknown>): unknown;
}

export function createView(templar: Renderer, vars: Record<string, unknown>): Record<string, unknown> {
  const cache = new Map<string | symbol, unknown>();
  const active = new Set<string | symbol>();
  const has = (key: string | symbol): boolean => cache.has(key) || key in vars;
  let view: Record<string, unknown>;
  const handler: ProxyHandler<Record<string, unknown>> = {
    get(_t, key) {
      if (cache.has(key)) return cache.get(key);
      if (!(key in vars)) return undefined;
      const raw = vars[key as string];
      if (typeof key === 'symbol') return raw;
      if (active.has(key)) {
        throw new TemplateError(`recursive loop detected in template string: ${typeof raw === 'string' ? raw : key}`);
      }
      active.add(key);
      try {
        const value = templar.render(raw, view);
        cache.set(key, value);
        return value;
      } catch (e) {
        // A variable whose template lacks something is itself undefined, lazily
        // (as Ansible's): `is defined` and `default` see it; any other use fails,
        // naming the variable's text before what it lacked (stated twice).
        if (e instanceof UndefinedVariableError && typeof raw === 'string') {
          const value = new Undefined(`${raw}: ${e.message}. ${e.message}`, e.variable);
          cache.set(key, value);
          return value;
        }
        throw e;
      } finally {
        active.delete(key);
      }
    },
    has: (_t, key) => has(key),
    set(_t, key, value) {
      cache.set(key, value);
      return true;
    },
    ownKeys() {
      const keys = new Set<string | symbol>([...Reflect.ownKeys(vars), ...cache.keys()]);
      return [...keys];
    },
    getOwnPropertyDescriptor(_t, key) {
      if (!has(key)) return undefined;
      return { configurable: true, enumerable: true, writable: true, value: handler.get?.(_t, key, view) };
    },
    deleteProperty(_t, key) {
      cache.delete(key);
      return true;
    },
  };
  view = new Proxy(Object.create(null) as Record<string, unknown>, handler);
  return view;
}
