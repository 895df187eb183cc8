// Validating a task's options against its module's schema (ajv): Ansible's
// option aliases and boolean spellings, defaults applied to a copy, and every
// problem reported at once with the module and option named.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Module } from './module-types.js';
import { loadValidator } from './module-validators.js';

const compiled = new WeakMap<Module<any, any>, ValidateFunction>();

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);

/** Ansible's boolean(): yes/no/on/off/true/false/1/0 in any case. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return undefined;
}

function validatorFor(module: Module<any, any>): ValidateFunction {
  let fn = compiled.get(module);
  if (!fn) {
    fn = loadValidator(module);
    compiled.set(module, fn);
  }
  return fn;
}

/** Option names a module accepts, aliases included. */
export function knownOptions(module: Module<any, any>): Set<string> {
  return new Set([...Object.keys(module.schema.properties), ...Object.keys(module.optionAliases ?? {})]);
}

/** Unknown option names, for the load-time check. */
export function unknownOptions(module: Module<any, any>, args: Record<string, unknown>): string[] {
  if (module.schema.additionalProperties === true) return [];
  const known = knownOptions(module);
  return Object.keys(args).filter((k) => !known.has(k) && !k.startsWith('_ansible'));
}

function describe(err: ErrorObject): string {
  const option = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  switch (err.keyword) {
    case 'additionalProperties':
      return `unsupported option '${String(err.params.additionalProperty)}'`;
    case 'required':
      return `missing required option '${String(err.params.missingProperty)}'`;
    case 'enum':
      return `value of '${option}' must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `option '${option}' must be of type ${String(err.params.type)}`;
    default:
      return `option '${option || '(args)'}' ${err.message ?? 'is invalid'}`;
  }
}

export type ArgsCheck = { ok: true; args: Record<string, unknown> } | { ok: false; errors: string[] };

/**
 * Resolve aliases, coerce Ansible's booleans, apply defaults and validate.
 * Options set to the `omit` placeholder are dropped first by the caller.
 */
export function checkArgs(module: Module<any, any>, input: Record<string, unknown>): ArgsCheck {
  const args: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const name = module.optionAliases?.[key] ?? key;
    if (name in args && name !== key) errors.push(`option '${key}' is an alias of '${name}', which is also set`);
    args[name] = value;
  }
  for (const [name, prop] of Object.entries(module.schema.properties)) {
    // Python's str() of a bool, where an option is a string (Ansible converts the same way).
    if (prop.type === 'string' && typeof args[name] === 'boolean') args[name] = args[name] ? 'True' : 'False';
    if (prop.type === 'boolean' && name in args) {
      const b = toBoolean(args[name]);
      if (b === undefined) errors.push(`option '${name}' must be a boolean, got '${String(args[name])}'`);
      else args[name] = b;
    }
  }
  const validate = validatorFor(module);
  if (!validate(args)) errors.push(...(validate.errors ?? []).map(describe));
  return errors.length > 0 ? { ok: false, errors: [...new Set(errors)] } : { ok: true, args };
}
