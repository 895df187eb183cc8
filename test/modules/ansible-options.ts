// A module's options compared with a pinned copy of ansible-doc's (name, type,
// default, choices, aliases), and that copy with the installed ansible-doc.
// test/modules/ansible-doc-options.test.ts checks every module's names and
// aliases; this is the finer check of the modules that pin their options.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { Module } from '../../src/module-api/module-types.js';

export interface AnsibleOption {
  type: string;
  default?: unknown;
  choices?: string[];
  aliases?: string[];
}

const JSON_TYPE: Record<string, string> = { list: 'array', int: 'integer', str: 'string', path: 'string', bool: 'boolean' };

interface Prop {
  type: string;
  default?: unknown;
  enum?: string[];
  description?: string;
}

/** The module's schema holds exactly `options`, each described; `defaultsInCode` are applied by the module, not the schema. */
export function expectOptions(module: Module<any, any>, options: Record<string, AnsibleOption>, defaultsInCode: readonly string[] = []): void {
  const props = (module.schema as unknown as { properties: Record<string, Prop> }).properties;
  expect(Object.keys(props).sort()).toEqual(Object.keys(options).sort());
  for (const [name, want] of Object.entries(options)) {
    expect(props[name]!.type, name).toBe(JSON_TYPE[want.type]);
    if (!defaultsInCode.includes(name)) expect(props[name]!.default, name).toEqual(want.default);
    expect(props[name]!.enum?.slice().sort(), name).toEqual(want.choices);
    expect(props[name]!.description, name).toBeTruthy();
    const aliases = Object.entries(module.optionAliases ?? {}).filter(([, to]) => to === name).map(([a]) => a);
    expect(aliases.sort(), `aliases of ${name}`).toEqual((want.aliases ?? []).slice().sort());
  }
}

/** Whether ansible-doc is installed (the tests that read it run anyway under CI=true). */
export const hasAnsibleDoc = spawnSync('ansible-doc', ['--version']).status === 0;

/** The installed ansible-doc's options of a module, as AnsibleOption (yes/no defaults of booleans as booleans, choices sorted). */
export function installedOptions(module: string): Record<string, AnsibleOption> {
  const r = spawnSync('ansible-doc', ['--json', '-t', 'module', module], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const doc = (JSON.parse(r.stdout) as Record<string, { doc: { options: Record<string, AnsibleOption> } }>)[module]!.doc.options;
  const bool = (v: unknown) => (v === 'no' ? false : v === 'yes' ? true : v);
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [
      k,
      {
        type: v.type,
        ...(v.default != null ? { default: v.type === 'bool' ? bool(v.default) : v.default } : {}),
        ...(v.choices ? { choices: v.choices.slice().sort() } : {}),
        ...(v.aliases ? { aliases: v.aliases } : {}),
      },
    ]),
  );
}
