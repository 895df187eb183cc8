// Checking values against an argument spec as Ansible 2.14's
// ArgumentSpecValidator does for a role: the same checks in the same order,
// the same conversions (on a copy: nothing converted or defaulted reaches the
// role's variables) and the same messages, Python type names included.
import { homedir } from 'node:os';
import { pyEquals } from '../templating/python-ops.js';
import { literalEval, pyStr } from '../templating/python-repr.js';

export interface OptionSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  choices?: unknown[];
  elements?: string;
  options?: ArgumentSpec;
  [other: string]: unknown;
}

export type ArgumentSpec = Record<string, OptionSpec>;

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Python's class of a value as Ansible names it in messages: text, lists and
 * dicts written in YAML are Ansible's own classes; what a template made is plain.
 */
export function pythonClass(value: unknown, fromYaml: boolean): string {
  const yaml = (name: string) => `<class 'ansible.parsing.yaml.objects.${name}'>`;
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === 'string') return fromYaml ? yaml('AnsibleUnicode') : "<class 'str'>";
  if (Array.isArray(value)) return fromYaml ? yaml('AnsibleSequence') : "<class 'list'>";
  return fromYaml ? yaml('AnsibleMapping') : "<class 'dict'>";
}

// The order Python printed the set in when the differential cases were recorded.
const BOOLEAN_WORDS = "'y', '1', 'yes', 1, 0, 'f', 'no', 'false', '0', 't', 'true', 'n', 'on', 'off'";
const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

function toBool(value: unknown, cls: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (value === 1 || value === 0) return value === 1;
  } else if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  } else {
    throw new TypeError(`${cls} cannot be converted to a bool`);
  }
  throw new TypeError(`The value '${pyStr(value)}' is not a valid boolean.  Valid booleans include: ${BOOLEAN_WORDS}`);
}

function toInt(value: unknown, cls: string): unknown {
  // A bool is an int in Python.
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ''));
  throw new TypeError(`${cls} cannot be converted to an int`);
}

function toFloat(value: unknown, cls: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)$/i.test(text)) return Number(text.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
  }
  throw new TypeError(`${cls} cannot be converted to a float`);
}

function toList(value: unknown, cls: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',');
  if (typeof value === 'number' || typeof value === 'boolean') return [pyStr(value)];
  throw new TypeError(`${cls} cannot be converted to a list`);
}

/** "k1=v1, k2='v 2'" as Ansible's check_type_dict splits it. */
function keyValueDict(text: string): Record<string, string> {
  const fields: string[] = [];
  let buffer = '';
  let quote: string | false = false;
  let escaped = false;
  for (const c of text.trim()) {
    if (escaped) {
      buffer += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (!quote && (c === "'" || c === '"')) quote = c;
    else if (quote && c === quote) quote = false;
    else if (!quote && (c === ',' || c === ' ')) {
      if (buffer) fields.push(buffer);
      buffer = '';
    } else buffer += c;
  }
  if (buffer) fields.push(buffer);
  return Object.fromEntries(fields.map((f) => [f.split('=')[0]!, f.slice(f.indexOf('=') + 1)]));
}

function toDict(value: unknown, cls: string): unknown {
  if (isDict(value)) return value;
  if (typeof value !== 'string') throw new TypeError(`${cls} cannot be converted to a dict`);
  if (value.startsWith('{')) {
    try {
      return JSON.parse(value);
    } catch {
      try {
        return literalEval(value);
      } catch {
        throw new TypeError('unable to evaluate string as dictionary');
      }
    }
  }
  if (value.includes('=')) return keyValueDict(value);
  throw new TypeError('dictionary requested, could not parse JSON or key=value');
}

/** os.path.expanduser(os.path.expandvars(path)), on the controller as Ansible does it. */
function expandPath(path: string): string {
  const vars = path.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => process.env[a ?? b ?? ''] ?? whole);
  return vars === '~' || vars.startsWith('~/') ? homedir() + vars.slice(1) : vars;
}

/** A value converted to `type`, or a TypeError with Ansible's reason. */
export function convert(type: string, value: unknown, fromYaml: boolean): unknown {
  const cls = pythonClass(value, fromYaml);
  switch (type) {
    case 'str':
      return pyStr(value);
    case 'path':
      return expandPath(pyStr(value));
    case 'int':
      return toInt(value, cls);
    case 'float':
      return toFloat(value, cls);
    case 'bool':
      return toBool(value, cls);
    case 'list':
      return toList(value, cls);
    case 'dict':
      return toDict(value, cls);
    default:
      // raw (and the types tsplay does not convert: bytes, bits, jsonarg)
      return value;
  }
}

interface Level {
  spec: ArgumentSpec;
  params: Record<string, unknown>;
  /** The option names around this level (web_conf -> size). */
  context: string[];
  fromYaml: (name: string) => boolean;
}

class Validation {
  readonly errors: string[] = [];
  /** Unknown names ("a" or "outer.a") and the names allowed where they were. */
  readonly unsupported: { name: string; supported: string[] }[] = [];

  check(level: Level): void {
    const { spec, params, context } = level;
    for (const name of Object.keys(params)) {
      if (!(name in spec)) this.unsupported.push({ name: [...context, name].join('.'), supported: Object.keys(spec).sort() });
    }
    // An option with a default counts as given (Ansible sets them before checking).
    for (const [name, option] of Object.entries(spec)) {
      if (!(name in params) && option.default !== undefined && option.default !== null) params[name] = option.default;
    }
    const missing = Object.keys(spec).filter((n) => spec[n]!.required === true && !(n in params)).sort();
    if (missing.length > 0) this.errors.push(`missing required arguments: ${missing.join(', ')}${this.foundIn(context)}`);
    for (const name of Object.keys(spec)) this.checkType(level, name);
    for (const name of Object.keys(spec)) this.checkChoices(level, name);
    for (const name of Object.keys(spec)) this.checkSubOptions(level, name);
  }

  private foundIn(context: string[], quoted = false): string {
    if (context.length === 0) return '';
    const path = context.join(' -> ');
    return quoted ? ` found in '${path}'` : ` found in ${path}`;
  }

  private checkType({ spec, params, context, fromYaml }: Level, name: string): void {
    const value = params[name];
    if (value === undefined || value === null) return;
    const option = spec[name]!;
    const type = option.type ?? 'str';
    const yaml = fromYaml(name);
    try {
      params[name] = convert(type, value, yaml);
    } catch (e) {
      const where = context.length > 0 ? `${this.foundIn(context, true)}.` : '';
      this.errors.push(`argument '${name}' is of type ${pythonClass(value, yaml)}${where} and we were unable to convert to ${type}: ${(e as Error).message}`);
      return;
    }
    if (!option.elements || !Array.isArray(params[name])) return;
    const kept: unknown[] = [];
    for (const element of params[name] as unknown[]) {
      try {
        kept.push(convert(option.elements, element, yaml));
      } catch (e) {
        this.errors.push(
          `Elements value for option '${name}'${this.foundIn(context, true)} is of type ${pythonClass(element, yaml)} and we were unable to convert to ${option.elements}: ${(e as Error).message}`,
        );
      }
    }
    params[name] = kept;
  }

  private checkChoices({ spec, params, context }: Level, name: string): void {
    const choices = spec[name]!.choices;
    if (!Array.isArray(choices) || !(name in params)) return;
    const value = params[name];
    const allowed = choices.map(pyStr).join(', ');
    const isChoice = (v: unknown) => choices.some((c) => pyEquals(c, v));
    if (Array.isArray(value)) {
      const bad = value.filter((v) => !isChoice(v));
      if (bad.length > 0) this.errors.push(`value of ${name} must be one or more of: ${allowed}. Got no match for: ${bad.map(pyStr).join(', ')}${this.foundIn(context)}`);
    } else if (!isChoice(value)) {
      this.errors.push(`value of ${name} must be one of: ${allowed}, got: ${pyStr(value)}${this.foundIn(context)}`);
    }
  }

  private checkSubOptions({ spec, params, context, fromYaml }: Level, name: string): void {
    const option = spec[name]!;
    const nested = option.type === 'dict' || (option.type === 'list' && option.elements === 'dict');
    const value = params[name];
    if (!nested || !option.options || value === undefined || value === null) return;
    for (const element of Array.isArray(value) ? value : [value]) {
      if (!isDict(element)) {
        this.errors.push(`value of '${name}' must be of type dict or list of dicts`);
        continue;
      }
      const yaml = fromYaml(name);
      this.check({ spec: option.options, params: { ...element }, context: [...context, name], fromYaml: () => yaml });
    }
  }
}

/**
 * Ansible's error messages for `values` against `spec`, in its order; none when
 * they pass. `fromYaml` says which values were written literally in YAML.
 */
export function argumentErrors(spec: ArgumentSpec, values: Record<string, unknown>, fromYaml: (name: string) => boolean): string[] {
  const validation = new Validation();
  validation.check({ spec, params: { ...values }, context: [], fromYaml });
  const unsupported = validation.unsupported;
  if (unsupported.length === 0) return validation.errors;
  const names = unsupported.map((u) => u.name).sort();
  return [...validation.errors, `${names.join(', ')}. Supported parameters include: ${unsupported.at(-1)!.supported.join(', ')}.`];
}
