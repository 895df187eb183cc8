// The load-time checks refuse only what is wrong: what Ansible accepts (or can
// only judge when the task runs) still loads. Refusals: test/bad-input.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { parseYaml } from '../../src/yaml-source.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function load(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-checks-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return loadPlaybook(join(dir, 'site.yml'));
}

const play = (tasks: string, extra = '') => ({ 'site.yml': `- hosts: all\n${extra}  tasks:\n${tasks}` });

describe('what still loads', () => {
  it.each([
    ['templated and bare conditions', '    - debug: msg=x\n      when: "{{ a }} == 1"\n      changed_when: [true, x is defined, "a in [1, 2]"]\n'],
    ['raw blocks and comments', '    - debug:\n        msg: "{% raw %}{{ not jinja {% endraw %}{# note #}"\n'],
    ['text that is no template', '    - debug:\n        msg: "a { b } c }}"\n'],
    ['a templated or list loop', '    - debug: msg={{ item }}\n      loop: "{{ xs }}"\n    - debug: msg={{ item }}\n      loop: [1, 2]\n'],
    ['boolean words and templates', '    - debug: msg=x\n      ignore_errors: "yes"\n      no_log: "{{ quiet }}"\n      run_once: 1\n      check_mode: False\n'],
    ['known or templated become methods', '    - debug: msg=x\n      become_method: su\n    - debug: msg=x\n      become_method: "{{ how }}"\n'],
    ['a templated template src', '    - template: src={{ name }}.j2 dest=/tmp/x\n'],
    ['assert conditions', '    - assert:\n        that: [x == 1, "y is defined"]\n'],
  ])('%s', (_name, tasks) => {
    expect(load(play(tasks)).plays).toHaveLength(1);
  });

  it('a notify reaching a handler by name, listen topic or role : name', () => {
    const pb = load({
      ...play('    - command: echo\n      notify: [h1, topic, "r : rh", "{{ dynamic }}"]\n', '  roles: [r]\n'),
      'site.yml': `- hosts: all\n  roles: [r]\n  tasks:\n    - command: echo\n      notify: [h1, topic, "r : rh", "{{ dynamic }}"]\n  handlers:\n    - name: h1\n      debug: msg=x\n    - name: h2\n      debug: msg=x\n      listen: topic\n`,
      'roles/r/tasks/main.yml': '- command: echo\n  notify: h1\n',
      'roles/r/handlers/main.yml': '- name: rh\n  debug: msg=x\n',
    });
    expect(pb.plays[0]!.handlers).toHaveLength(3);
  });

  it('a notify left to the run when a role is included then', () => {
    expect(load(play('    - include_role: name=r\n    - command: echo\n      notify: from-r\n')).plays).toHaveLength(1);
  });

  it('a template file that compiles', () => {
    const files = { ...play('    - template: src=a.j2 dest=/tmp/x\n'), 'templates/a.j2': '{% for x in xs %}\n{{ x }}\n{% endfor %}\n' };
    expect(load(files).plays).toHaveLength(1);
  });
});

describe('duplicate YAML keys (DUPLICATE_YAML_DICT_KEY)', () => {
  const text = 'a: 1\nb: 2\na: 3\n';
  afterEach(() => {
    delete process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY;
    vi.restoreAllMocks();
  });

  it('refuses by default, naming both lines', () => {
    delete process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY;
    expect(() => parseYaml(text, 'x.yml')).toThrow(ParseError);
    expect(() => parseYaml(text, 'x.yml')).toThrow(/duplicate dict key \(a\): first at line 1, column 1, again at line 3, column 1/);
  });

  it('warns and keeps the last with warn, as Ansible', () => {
    process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY = 'warn';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(parseYaml(text, 'x.yml')).toEqual({ a: 3, b: 2 });
    expect(String(write.mock.calls[0]?.[0])).toContain(
      '[WARNING]: While constructing a mapping from x.yml, line 1, column 1, found a duplicate dict key (a). Using last defined value only.',
    );
  });

  it('keeps the last silently with ignore', () => {
    process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY = 'ignore';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(parseYaml(text, 'x.yml')).toEqual({ a: 3, b: 2 });
    expect(write).not.toHaveBeenCalled();
  });

  it('a key written over a merged one is no duplicate', () => {
    expect(parseYaml('base: &b {a: 1, c: 2}\nx:\n  <<: *b\n  a: 3\n', 'x.yml')).toEqual({ base: { a: 1, c: 2 }, x: { a: 3, c: 2 } });
  });
});
