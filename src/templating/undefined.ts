// Jinja2-style Undefined (Ansible uses a strict flavour): a missing variable or
// attribute evaluates to a marker object that only `is defined`, `default` and
// friends may look at; anything else (printing, filters, comparison) raises.
import { UndefinedVariableError } from './errors.js';

export class Undefined {
  constructor(
    /** The Jinja2 message, e.g. "'foo' is undefined". */
    readonly hint: string,
    /** The missing name. */
    readonly name: string,
  ) {}

  fail(): never {
    throw new UndefinedVariableError(this.hint, this.name);
  }

  // Any coercion (JS `==` with a primitive, `+`, template output) fails like StrictUndefined.
  valueOf(): never {
    return this.fail();
  }

  toString(): never {
    return this.fail();
  }
}

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

export function undefinedVariable(name: string): Undefined {
  return new Undefined(`'${name}' is undefined`, name);
}

/** The Python class an object stands for in messages (hostvars: HostVars, a host's: HostVarsVars). */
export const PY_CLASS = Symbol('pyClass');

function pyClassOf(obj: unknown): string | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const name = (obj as Record<symbol, unknown>)[PY_CLASS];
  return typeof name === 'string' ? name : undefined;
}

/** Jinja2's object_type_repr: how a missing attribute's owner is named. */
export function objectTypeRepr(obj: unknown): string {
  if (obj === null || obj === undefined) return "'None'";
  const pyClass = pyClassOf(obj);
  if (pyClass) return `'${pyClass} object'`;
  if (Array.isArray(obj)) return "'list object'";
  if (typeof obj === 'string') return "'str object'";
  if (typeof obj === 'boolean') return "'bool object'";
  if (typeof obj === 'number') return Number.isInteger(obj) ? "'int object'" : "'float object'";
  if (typeof obj === 'function') return "'function object'";
  return "'dict object'";
}

export function missingAttribute(obj: unknown, name: string): Undefined {
  // hostvars of a host that is not in the inventory, named as Ansible's HostVars names it.
  if (pyClassOf(obj) === 'ansible.vars.hostvars.HostVars') return new Undefined(`"hostvars['${name}']" is undefined`, name);
  return new Undefined(`${objectTypeRepr(obj)} has no attribute '${name}'`, name);
}

export function missingElement(name: number | string): Undefined {
  return new Undefined(`list object has no element ${String(name)}`, String(name));
}

/** Throw if `v` is Undefined; return it otherwise. */
export function defined<T>(v: T): T {
  if (v instanceof Undefined) v.fail();
  return v;
}
