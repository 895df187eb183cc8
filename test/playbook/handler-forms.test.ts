// Handlers written as blocks, import_tasks and include_tasks, as ansible-core
// 2.14 loads them (src/playbook/handler-items.ts), the refusals it gives for
// the forms it does not take, and the run-time ones (through the CLI).
// Running them side by side with Ansible: differential cases 181-184.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { handlersFor } from '../../src/executor/handlers.js';
import { findsFilesInHandlersDir } from '../../src/playbook/handler-items.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import type { DynamicInclude, Handler, Task } from '../../src/playbook/types.js';
import { tsplay } from '../cli-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-handler-forms-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const play = (handlers: string, extra: Record<string, string> = {}) =>
  loadPlaybook(join(write({ 'site.yml': `- hosts: all\n  tasks:\n    - debug: msg=x\n  handlers:\n${handlers}`, ...extra }), 'site.yml')).plays[0]!;

function refusal(handlers: string, extra: Record<string, string> = {}): ParseError {
  try {
    play(handlers, extra);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('loaded');
}

const names = (hs: readonly Handler[]) => hs.map((h) => h.name);

describe('handlers as written', () => {
  it("a block's tasks are handlers with its keywords; its name, rescue and always are none", () => {
    const p = play(
      '    - name: grp\n      when: a\n      vars: { v: 1 }\n      become: true\n      block:\n' +
        '        - name: one\n          debug: msg=x\n          when: b\n        - name: two\n          debug: msg=x\n          listen: topic\n' +
        '      rescue:\n        - name: r\n          debug: msg=x\n      always:\n        - name: al\n          debug: msg=x\n',
    );
    expect(names(p.handlers)).toEqual(['one', 'two']);
    const one = p.handlers[0] as Task;
    expect(one).toMatchObject({ kind: 'task', when: ['a', 'b'], vars: { v: 1 }, become: true, isHandler: true });
    expect(handlersFor(p.handlers, 'grp')).toEqual([]);
    expect(names(handlersFor(p.handlers, 'topic'))).toEqual(['two']);
  });

  it("import_tasks: the file's tasks (its blocks flattened) with the import's keywords, not its name or listen", () => {
    const p = play('    - name: imp\n      import_tasks: h.yml\n      listen: t\n      when: c\n', {
      'h.yml': '- debug: msg=x\n- block:\n    - name: b1\n      debug: msg=x\n  rescue:\n    - name: r\n      debug: msg=x\n',
    });
    expect(names(p.handlers)).toEqual([undefined, 'b1']);
    expect(p.handlers.map((h) => h.when)).toEqual([['c'], ['c']]);
    expect(handlersFor(p.handlers, 't')).toEqual([]);
    expect(handlersFor(p.handlers, 'imp')).toEqual([]);
  });

  it('include_tasks is a handler itself, notified by its name or listen', () => {
    const p = play('    - block:\n        - name: inc\n          include_tasks: x.yml\n          listen: [t]\n      when: w\n');
    const inc = p.handlers[0] as DynamicInclude;
    expect(inc).toMatchObject({ kind: 'include', what: 'tasks', isHandler: true, listen: ['t'], when: ['w'] });
    expect(handlersFor(p.handlers, 'inc')).toEqual([inc]);
    expect(handlersFor(p.handlers, 't')).toEqual([inc]);
  });

  it('a name given twice reaches the last group: a block is a group of its own', () => {
    const p = play(
      '    - name: x\n      debug: msg=A\n    - block:\n        - name: x\n          debug: msg=B\n    - name: y\n      debug: msg=C\n',
    );
    expect(handlersFor(p.handlers, 'x')).toEqual([p.handlers[1]]);
    const q = play(
      '    - name: x\n      debug: msg=A\n    - block:\n        - name: x\n          debug: msg=B\n    - name: y\n      debug: msg=C\n    - name: x\n      debug: msg=D\n',
    );
    expect(handlersFor(q.handlers, 'x')).toEqual([q.handlers[3]]);
    // Without a block, one group: the first of the name.
    const r = play('    - name: x\n      debug: msg=A\n    - name: x\n      debug: msg=B\n');
    expect(handlersFor(r.handlers, 'x')).toEqual([r.handlers[0]]);
  });

  it("a role's handlers take the same forms; its include_tasks handlers find files in handlers/, an import_role's in tasks/", () => {
    const dir = write({
      'site.yml': '- hosts: all\n  roles: [r]\n  tasks:\n    - import_role: name=s\n',
      'roles/r/tasks/main.yml': '- debug: msg=x\n',
      'roles/r/handlers/main.yml': '- block:\n    - name: rb\n      debug: msg=x\n- name: rinc\n  include_tasks: d.yml\n- import_tasks: i.yml\n',
      'roles/r/handlers/i.yml': '- name: ri\n  debug: msg=x\n',
      'roles/r/tasks/i.yml': '- name: wrong\n  debug: msg=x\n',
      'roles/s/tasks/main.yml': '- debug: msg=x\n',
      'roles/s/handlers/main.yml': '- name: sinc\n  include_tasks: d.yml\n',
    });
    const p = loadPlaybook(join(dir, 'site.yml')).plays[0]!;
    expect(names(p.handlers)).toEqual(['rb', 'rinc', 'ri', 'sinc']);
    expect(names(handlersFor(p.handlers, 'r : rinc'))).toEqual(['rinc']);
    expect(findsFilesInHandlersDir(p.handlers[1] as DynamicInclude)).toBe(true);
    expect(findsFilesInHandlersDir(p.handlers[3] as DynamicInclude)).toBe(false);
  });
});

describe('what Ansible refuses at load', () => {
  it.each([
    ['a block in a handler block', '    - block:\n        - name: a\n          debug: msg=x\n        - block:\n            - name: b\n              debug: msg=x\n', 8],
    ['a block in a handler block rescue', '    - block:\n        - name: a\n          debug: msg=x\n      rescue:\n        - block:\n            - name: b\n              debug: msg=x\n', 9],
  ])('%s', (_name, handlers, line) => {
    const e = refusal(handlers);
    expect(e.message).toBe('Using a block as a handler is not supported.');
    expect(e.location).toMatchObject({ line, col: 11 });
  });

  it('a block in an imported handlers file inside a block', () => {
    const e = refusal('    - import_tasks: h.yml\n', { 'h.yml': '- block:\n    - block:\n        - debug: msg=x\n' });
    expect(e.message).toBe('Using a block as a handler is not supported.');
    expect(e.location).toMatchObject({ line: 2, col: 7 });
  });

  it.each(['include_role', 'import_role', 'ansible.builtin.include_role'])('%s as a handler', (action) => {
    const e = refusal(`    - name: h\n      ${action}: name=r\n`, { 'roles/r/tasks/main.yml': '- debug: msg=x\n' });
    expect(e.message).toBe(`Using '${action}' as a handler is not supported.`);
    expect(e.location).toMatchObject({ line: 5, col: 7 });
  });
});

describe('at run time', () => {
  const inventory = 'h1 ansible_connection=local\nh2 ansible_connection=local\n';
  const run = (files: Record<string, string>) => {
    const dir = write({ 'hosts.ini': inventory, ...files });
    return tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini')]);
  };
  const notifying = (handlers: string) =>
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n      notify: h\n  handlers:\n${handlers}`;

  it('meta flush_handlers as a handler ends the run when it runs', () => {
    const r = run({ 'site.yml': notifying('    - name: h\n      meta: flush_handlers\n') });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('RUNNING HANDLER [h]');
    expect(r.stderr).toContain('flush_handlers cannot be used as a handler');
  });

  it('a block in a block of an included handlers file ends the run, naming it', () => {
    const r = run({
      'site.yml': notifying('    - name: h\n      include_tasks: inc.yml\n'),
      'inc.yml': '- block:\n    - block:\n        - debug: msg=x\n',
    });
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toMatch(/Using a block as a handler is not supported\.[\s\S]*inc\.yml:2:7/);
  });

  it('a handler notified by one after it runs at the next flush, never after the last', () => {
    const site =
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n      notify: b\n  post_tasks:\n    - command: "true"\n      notify: b\n' +
      '  handlers:\n    - name: a\n      debug: msg=a\n    - name: b\n      command: "true"\n      notify: a\n';
    const r = run({ 'site.yml': site });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const banners = r.stdout.split('\n').filter((l) => l.startsWith('RUNNING HANDLER')).map((l) => /\[(.*)\]/.exec(l)![1]);
    expect(banners).toEqual(['b', 'a', 'b']);
  });
});
