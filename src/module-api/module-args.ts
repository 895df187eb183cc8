// Validating a task's options against its module's schema (ajv): Ansible's
// option aliases and boolean spellings, defaults applied to a copy, and every
// problem reported at once with the module and option named.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Module } from './module-types.js';
import { loadValidator } from '../module-validators.js';
import { PyFloat } from '../templating/py-float.js';

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
    // A whole float (3.0) or a big int from a template: its Python str() where an
    // option is a string, a JS number where it is a number; kept where any type goes.
    const v = args[name];
    if (v instanceof PyFloat || typeof v === 'bigint') {
      const types: unknown[] = [prop.type].flat();
      if (types.includes('string')) args[name] = String(v);
      else if (types.includes('number') || types.includes('integer')) args[name] = Number(v);
    }
    // Python's str() of a bool, where an option is a string (Ansible converts the same way).
    if (prop.type === 'string' && typeof args[name] === 'boolean') args[name] = args[name] ? 'True' : 'False';
    if (prop.type === 'boolean' && name in args) {
      const b = toBoolean(args[name]);
      if (b === undefined) errors.push(`option '${name}' must be a boolean, got '${String(args[name])}'`);
      else args[name] = b;
    }
  }
  splitListOptions(module, args);
  const given = { ...args };
  const validate = validatorFor(module);
  if (!validate(args)) errors.push(...(validate.errors ?? []).map(describe));
  // After the defaults, as Ansible checks them (an option with a default counts
  // as given), but mutual exclusion of what the task gave only.
  errors.push(...ruleErrors(module, args, given));
  return errors.length > 0 ? { ok: false, errors: [...new Set(errors)] } : { ok: true, args };
}

/**
 * A list option given as "a,b" (as Ansible's list type takes it) becomes
 * ['a', 'b']. Not for the controller's own actions (assert's `that: "x in 'a,b'"`
 * is one condition): Ansible does not check their options that way either.
 */
function splitListOptions(module: Module<any, any>, args: Record<string, unknown>): void {
  if (module.controllerOnly) return;
  for (const [name, prop] of Object.entries(module.schema.properties)) {
    const value = args[name];
    if (prop.type === 'array' && typeof value === 'string') args[name] = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    else if (prop.type === 'array' && typeof value === 'number') args[name] = [String(value)];
  }
}

const isSet = (args: Record<string, unknown>, name: string): boolean => args[name] !== undefined && args[name] !== null;

/**
 * The module's argument rules that `args` (defaults applied) break, in
 * Ansible's words; mutual exclusion is of the options `given` (before the
 * defaults), as Ansible checks it.
 */
export function ruleErrors(module: Module<any, any>, args: Record<string, unknown>, given: Record<string, unknown> = args): string[] {
  const rules = module.rules;
  if (!rules) return [];
  const errors: string[] = [];
  for (const group of rules.mutuallyExclusive ?? []) {
    if (group.filter((o) => isSet(given, o)).length > 1) errors.push(`parameters are mutually exclusive: ${group.join('|')}`);
  }
  for (const group of rules.requiredOneOf ?? []) {
    if (!group.some((o) => isSet(args, o))) errors.push(`one of the following is required: ${group.join(', ')}`);
  }
  for (const [option, value, needed, anyOf] of rules.requiredIf ?? []) {
    if (args[option] !== value) continue;
    const missing = needed.filter((o) => !isSet(args, o));
    if (anyOf ? missing.length === needed.length : missing.length > 0) {
      errors.push(`${option} is ${String(value)} but ${anyOf ? 'any' : 'all'} of the following are missing: ${missing.join(', ')}`);
    }
  }
  for (const [option, needed] of Object.entries(rules.requiredBy ?? {})) {
    if (!isSet(args, option)) continue;
    const missing = needed.filter((o) => !isSet(args, o));
    if (missing.length > 0) errors.push(`missing parameter(s) required by '${option}': ${missing.join(', ')}`);
  }
  return errors;
}

/** Whether a value holds no template anywhere (so it can be checked when the playbook loads). */
export function isLiteral(value: unknown): boolean {
  if (typeof value === 'string') return !value.includes('{{') && !value.includes('{%');
  if (Array.isArray(value)) return value.every(isLiteral);
  if (value && typeof value === 'object') return Object.values(value).every(isLiteral);
  return true;
}

/** Rule errors of a task whose options are all literal, aliases resolved: checked at load. */
export function literalRuleErrors(module: Module<any, any>, input: Record<string, unknown>): string[] {
  if (!module.rules || !isLiteral(input)) return [];
  const args: Record<string, unknown> = {};
  const given: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(module.schema.properties)) if (prop.default !== undefined) args[name] = prop.default;
  for (const [key, value] of Object.entries(input)) args[module.optionAliases?.[key] ?? key] = given[module.optionAliases?.[key] ?? key] = value;
  return ruleErrors(module, args, given);
}
