// A role's argument specs at load: the validation task Ansible puts first in
// the role, the entry point it checks, and literal params refused with their place.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { roleArgumentCheckOf, roleParams } from '../../src/playbook/role-arguments.js';
import type { Block, Item, Task } from '../../src/playbook/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SPECS = `argument_specs:
  main:
    short_description: The web role
    options:
      web_port: { type: int, required: true }
      web_mode: { type: str, choices: [a, b] }
  setup:
    options:
      web_user: { type: str, required: true }
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-argspec-'));
  dirs.push(dir);
  const all = { 'roles/web/tasks/main.yml': '- debug: msg=main\n', 'roles/web/tasks/setup.yml': '- debug: msg=setup\n', ...files };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

function tasksOf(items: Item[]): Task[] {
  return items.flatMap((i) => (i.kind === 'block' ? tasksOf((i as Block).block) : i.kind === 'task' ? [i] : []));
}

function load(dir: string): Task[] {
  return tasksOf(loadPlaybook(join(dir, 'site.yml')).plays[0]!.sections.flat());
}

function loadError(dir: string): ParseError {
  try {
    loadPlaybook(join(dir, 'site.yml'));
  } catch (e) {
    return e as ParseError;
  }
  throw new Error('the playbook loaded');
}

describe('the validation task', () => {
  it("comes first in the role, named as Ansible names it and tagged always", () => {
    const dir = project({ 'roles/web/meta/argument_specs.yml': SPECS, 'site.yml': '- hosts: all\n  roles:\n    - role: web\n      web_port: "{{ p }}"\n' });
    const [check, first] = load(dir);
    expect(check!.name).toBe("Validating arguments against arg spec 'main' - The web role");
    expect(check!.tags).toEqual(['always']);
    expect(check!.origin.role?.name).toBe('web');
    expect(roleArgumentCheckOf(check!)?.provided).toEqual({ web_port: '{{ p }}' });
    expect(first!.args).toMatchObject({ msg: 'main' });
  });

  it('checks the tasks_from entry point, and nothing when the spec has none for it', () => {
    const dir = project({
      'roles/web/meta/argument_specs.yml': SPECS,
      'roles/web/tasks/other.yml': '- debug: msg=other\n',
      'site.yml': '- hosts: all\n  tasks:\n    - import_role: { name: web, tasks_from: setup }\n    - import_role: { name: web, tasks_from: other }\n',
    });
    const names = load(dir).map((t) => t.name ?? t.action);
    expect(names).toEqual(["Validating arguments against arg spec 'setup'", 'debug', 'debug']);
  });

  it("reads meta/main.yml's argument_specs when there is no argument_specs.yml", () => {
    const dir = project({ 'roles/web/meta/main.yml': `dependencies: []\n${SPECS}`, 'site.yml': '- hosts: all\n  roles: [web]\n' });
    expect(load(dir)[0]!.action).toBe('validate_argument_spec');
  });

  it('is not there for a role without specs', () => {
    const dir = project({ 'site.yml': '- hosts: all\n  roles: [web]\n' });
    expect(load(dir).map((t) => t.action)).toEqual(['debug']);
  });

  it("takes a role entry's keywords and vars for what they are, not params", () => {
    expect(roleParams({ role: 'web', when: 'x', tags: ['t'], vars: { a: 1 }, become: true, web_port: 1 })).toEqual({ web_port: 1 });
  });
});

describe('literal params are checked at load', () => {
  it('refuses a literal param of the wrong type, at its place', () => {
    const dir = project({ 'roles/web/meta/argument_specs.yml': SPECS, 'site.yml': '- hosts: all\n  roles:\n    - role: web\n      web_mode: c\n' });
    const e = loadError(dir);
    expect(e.message).toBe("Validation of arguments failed for role 'web' against arg spec 'main':\nvalue of web_mode must be one of: a, b, got: c");
    expect(e.location).toMatchObject({ file: join(dir, 'site.yml'), line: 4, col: 7 });
  });

  it('refuses an unknown param', () => {
    const dir = project({ 'roles/web/meta/argument_specs.yml': SPECS, 'site.yml': '- hosts: all\n  roles:\n    - { role: web, web_port: 1, colour: red }\n' });
    expect(loadError(dir).message).toContain('colour. Supported parameters include: web_mode, web_port.');
  });

  it('leaves templated params and missing required ones to run time', () => {
    const dir = project({ 'roles/web/meta/argument_specs.yml': SPECS, 'site.yml': '- hosts: all\n  roles:\n    - { role: web, web_mode: "{{ m }}" }\n' });
    expect(load(dir)).toHaveLength(2);
  });

  it('refuses a spec with an unknown type, at its place', () => {
    const dir = project({
      'roles/web/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      web_port:\n        type: integer\n',
      'site.yml': '- hosts: all\n  roles: [web]\n',
    });
    const e = loadError(dir);
    expect(e.message).toMatch(/invalid argument spec in .*argument_specs.yml: argument_specs.main.options.web_port.type must be equal to one of the allowed values: str, int/);
    expect(e.location).toMatchObject({ line: 5, col: 9 });
  });
});
