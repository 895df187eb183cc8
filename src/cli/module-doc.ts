// `tsplay doc`: a module's documentation as ansible-doc lays it out, and the
// list of every module, both made from the registry (name, summary, schema,
// aliases, argument rules), so that they cannot drift from what tsplay accepts.
import { findModule, moduleNames } from '../../modules/index.js';
import type { Module } from '../module-api/module-types.js';

type OptionSpec = Record<string, unknown>;

const TYPES: Record<string, string> = { string: 'str', boolean: 'bool', integer: 'int', number: 'float', array: 'list', object: 'dict' };

/** The option's type in Ansible's words: str, bool, int, list / elements=str... */
function typeOf(spec: OptionSpec): string | undefined {
  const t = spec.type;
  if (Array.isArray(t)) return t.map((x) => TYPES[String(x)] ?? String(x)).join(' or ');
  if (typeof t === 'string') return TYPES[t] ?? t;
  if (Array.isArray(spec.anyOf) || Array.isArray(spec.oneOf)) {
    const alts = ((spec.anyOf ?? spec.oneOf) as OptionSpec[]).map(typeOf).filter((x): x is string => x !== undefined);
    return [...new Set(alts)].join(' or ') || 'raw';
  }
  return undefined;
}

/** Wraps text at `width` columns, each line indented by `indent`. */
function wrap(text: string, indent: string, width = 72): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function aliasesOf(module: Module, option: string): string[] {
  return Object.entries(module.optionAliases ?? {})
    .filter(([, target]) => target === option)
    .map(([alias]) => alias)
    .sort();
}

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** An example task: the module with its required options (a placeholder for each value). */
function example(module: Module): string[] {
  const head = [`- name: Use ${module.name}`, `  ansible.builtin.${module.name}:`];
  const required = module.schema.required ?? [];
  if (module.freeForm && required.includes(module.freeForm)) return [head[0]!, `${head[1]} <free-form text>`];
  return [...head, ...required.map((r) => `    ${r}: <${typeOf(module.schema.properties[r] ?? {}) ?? 'value'}>`)];
}

/** `tsplay doc NAME`. */
export function moduleDoc(module: Module): string {
  const out: string[] = [`> ANSIBLE.BUILTIN.${module.name.toUpperCase()}    (tsplay)`, ''];
  out.push(...wrap(module.summary ?? module.name, '        '), '');
  const required = new Set(module.schema.required ?? []);
  const options = Object.keys(module.schema.properties)
    .filter((o) => !o.startsWith('_'))
    .sort();
  if (options.length > 0) out.push('OPTIONS (= is mandatory):', '');
  for (const name of options) {
    const spec = module.schema.properties[name]!;
    out.push(`${required.has(name) ? '=' : '-'} ${name}`);
    if (typeof spec.description === 'string') out.push(...wrap(spec.description, '        '));
    const aliases = aliasesOf(module, name);
    if (aliases.length > 0) out.push(`        aliases: [${aliases.join(', ')}]`);
    if (Array.isArray(spec.enum)) out.push(`        choices: [${spec.enum.map(shown).join(', ')}]`);
    if (spec.default !== undefined) out.push(`        default: ${shown(spec.default)}`);
    const items = spec.items as OptionSpec | undefined;
    const type = typeOf(spec);
    if (type) out.push(`        type: ${type}${type === 'list' && items ? ` / elements=${typeOf(items) ?? 'raw'}` : ''}`);
    out.push('');
  }
  const rules = module.rules;
  const notes = [
    ...(rules?.mutuallyExclusive ?? []).map((g) => `mutually exclusive: ${g.join(', ')}`),
    ...(rules?.requiredOneOf ?? []).map((g) => `one of these is required: ${g.join(', ')}`),
    ...(rules?.requiredIf ?? []).map(([o, v, need, any]) => `when ${o}=${shown(v)}: ${any ? 'one of' : 'all of'} ${need.join(', ')}`),
    ...Object.entries(rules?.requiredBy ?? {}).map(([o, need]) => `${o} needs ${need.join(', ')}`),
  ];
  if (notes.length > 0) out.push('NOTES:', ...notes.map((n) => `      * ${n}`), '');
  out.push(`CHECK MODE: ${module.supportsCheckMode ? 'supported (the plan, changing nothing)' : 'not supported (the task is skipped)'}`, '');
  out.push('EXAMPLES:', '', ...example(module), '');
  return out.join('\n') + '\n';
}

/** `tsplay doc --list`: every module and its summary, as `ansible-doc -l`. */
export function moduleList(): string {
  const names = moduleNames();
  const width = Math.max(...names.map((n) => `ansible.builtin.${n}`.length)) + 1;
  return names.map((n) => `${`ansible.builtin.${n}`.padEnd(width)}${findModule(n)!.summary ?? ''}`.trimEnd()).join('\n') + '\n';
}

/** README's module list: one line a module, made from the registry (src/build/readme-modules.ts writes it). */
export function moduleListMarkdown(): string {
  return moduleNames()
    .map((n) => `- \`${n}\`: ${findModule(n)!.summary ?? ''}`.trimEnd())
    .join('\n');
}
