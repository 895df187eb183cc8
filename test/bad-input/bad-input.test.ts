// Broken playbooks and inventories: each must stop with one clear message that
// names file, line and column, with Ansible's exit code, and touch no host.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stackTraceIn } from '../differential/harness.js';
import { tsplay } from '../cli-helpers.js';

interface BadCase {
  name: string;
  /** Files of the case; `site.yml` is the playbook run. `CANARY` is replaced by a path. */
  files: Record<string, string>;
  args?: string[];
  code: number;
  message: RegExp;
  /** "file:line:col" expected in stderr, file relative to the case dir. */
  at?: string;
  /** Environment variables for the run. */
  env?: Record<string, string>;
}

/** A first task that would create the canary file: it must never run. */
const TOUCH = `  tasks:\n    - file: path=CANARY state=touch\n`;

const cases: BadCase[] = [
  { name: 'yaml syntax error', files: { 'site.yml': `- hosts: all\n  tasks: [\n    - debug: msg=x\n` }, code: 4, message: /Syntax error while loading YAML/, at: 'site.yml:3' },
  { name: 'bad indentation', files: { 'site.yml': `- hosts: all\n  tasks:\n    - file: path=CANARY state=touch\n   - debug: msg=x\n` }, code: 4, message: /Syntax error while loading YAML/, at: 'site.yml:4' },
  { name: 'playbook is not a list', files: { 'site.yml': `hosts: all\ntasks: []\n` }, code: 4, message: /A playbook must be a list of plays/, at: 'site.yml:1:1' },
  { name: 'play without hosts', files: { 'site.yml': `- name: no hosts\n${TOUCH}` }, code: 4, message: /the field 'hosts' is required but was not set/, at: 'site.yml:1:3' },
  { name: 'unknown play keyword', files: { 'site.yml': `- hosts: all\n  taks:\n    - debug: msg=x\n${TOUCH}` }, code: 4, message: /'taks' is not a valid attribute for a Play/, at: 'site.yml:2:3' },
  { name: 'unknown module', files: { 'site.yml': `- hosts: all\n${TOUCH}    - copyy: src=a dest=b\n` }, code: 4, message: /couldn't resolve module\/action 'copyy'/, at: 'site.yml:4:7' },
  { name: 'conflicting actions', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg=x\n      command: echo hi\n` }, code: 4, message: /conflicting action statements: debug, command/, at: 'site.yml:5:7' },
  { name: 'task without a module', files: { 'site.yml': `- hosts: all\n${TOUCH}    - name: nothing here\n      when: true\n` }, code: 4, message: /no module\/action detected in task/, at: 'site.yml:4:7' },
  { name: 'unknown module option', files: { 'site.yml': `- hosts: all\n${TOUCH}    - file:\n        path: /tmp/x\n        bogus: 1\n` }, code: 4, message: /Unsupported parameters for \(file\) module: bogus/, at: 'site.yml:4:7' },
  { name: 'unknown option in k=v form', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n    - debug: msg=hi colour=red\n` }, code: 4, message: /Unsupported parameters for \(debug\) module: colour/, at: 'site.yml:5:7' },
  { name: 'unknown block keyword', files: { 'site.yml': `- hosts: all\n${TOUCH}    - block:\n        - debug: msg=x\n      rescuee:\n        - debug: msg=y\n` }, code: 4, message: /'rescuee' is not a valid attribute for a Block/, at: 'site.yml:6:7' },
  { name: 'tasks is not a list', files: { 'site.yml': `- hosts: all\n  tasks:\n    debug: msg=x\n` }, code: 4, message: /A malformed block was encountered while loading tasks/, at: 'site.yml:3:5' },
  { name: 'task is a string', files: { 'site.yml': `- hosts: all\n  tasks:\n    - file: path=CANARY state=touch\n    - just a string\n` }, code: 4, message: /A malformed block was encountered while loading tasks/, at: 'site.yml:4:7' },
  { name: 'unknown with_ lookup', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg={{ item }}\n      with_nosuch: [1]\n` }, code: 4, message: /lookup plugin \(nosuch\) not found/, at: 'site.yml:5:7' },
  { name: 'loop and with_items together', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg={{ item }}\n      loop: [1]\n      with_items: [2]\n` }, code: 4, message: /'loop' and 'with_items' cannot be used together/, at: 'site.yml:6:7' },
  { name: 'unknown loop_control key', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg={{ item }}\n      loop: [1]\n      loop_control:\n        loopvar: x\n` }, code: 4, message: /'loopvar' is not a valid attribute for a LoopControl/, at: 'site.yml:7:9' },
  { name: 'bad register name', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      register: my-var\n` }, code: 4, message: /Invalid variable name in 'register' specified: 'my-var'/, at: 'site.yml:5:7' },
  { name: 'register named with a Python keyword', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      register: del\n` }, code: 4, message: /Invalid variable name in 'register' specified: 'del'/, at: 'site.yml:5:7' },
  { name: 'missing role', files: { 'site.yml': `- hosts: all\n  roles:\n    - nosuchrole\n${TOUCH}` }, code: 4, message: /the role 'nosuchrole' was not found/, at: 'site.yml:3:7' },
  { name: 'missing import_tasks file', files: { 'site.yml': `- hosts: all\n${TOUCH}    - import_tasks: nothere.yml\n` }, code: 4, message: /Could not find or access 'nothere.yml'/, at: 'site.yml:4:7' },
  { name: 'missing import_playbook', files: { 'site.yml': `- import_playbook: other.yml\n- hosts: all\n${TOUCH}` }, code: 4, message: /Could not read file '.*other.yml'/, at: 'site.yml:1:3' },
  { name: 'invalid strategy', files: { 'site.yml': `- hosts: all\n  strategy: fastest\n${TOUCH}` }, code: 4, message: /Invalid play strategy specified: fastest/, at: 'site.yml:2:3' },
  { name: 'bad serial', files: { 'site.yml': `- hosts: all\n  serial: lots\n${TOUCH}` }, code: 4, message: /'serial' must be a number, a percentage or a list of them/, at: 'site.yml:2:3' },
  { name: 'when is a mapping', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg=x\n      when:\n        a: 1\n` }, code: 4, message: /'when' must be a string, a boolean or a list of them/, at: 'site.yml:5:7' },
  { name: 'role tasks file broken', files: { 'site.yml': `- hosts: all\n  roles: [broken]\n${TOUCH}`, 'roles/broken/tasks/main.yml': `- debug: msg=x\n- name: y\n  debug: [\n` }, code: 4, message: /Syntax error while loading YAML/, at: 'roles/broken/tasks/main.yml:4' },
  { name: 'role dependencies not a list', files: { 'site.yml': `- hosts: all\n  roles: [r]\n${TOUCH}`, 'roles/r/meta/main.yml': `dependencies: other\n`, 'roles/r/tasks/main.yml': `- debug: msg=x\n` }, code: 4, message: /'dependencies' must be a list/, at: 'roles/r/meta/main.yml:1:1' },
  { name: 'unknown option in a role task', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- name: ok\n  debug: msg=x\n- name: bad\n  copy:\n    dest: /tmp/x\n    contents: y\n` }, code: 4, message: /Unsupported parameters for \(copy\) module: contents/, at: 'roles/r/tasks/main.yml:4:3' },
  // Jinja syntax, compiled at load as the run compiles it
  { name: 'jinja error in a task option', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug:\n        msg: "{{ foo "\n` }, code: 4, message: /template error while templating string: .*String: \{\{ foo/, at: 'site.yml:5:9' },
  { name: 'jinja error in a k=v option', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg="{{ foo | }}"\n` }, code: 4, message: /template error while templating string/, at: 'site.yml:4:7' },
  { name: 'jinja error in when', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg=x\n      when: x = "a"\n` }, code: 4, message: /The conditional check 'x = "a"' failed/, at: 'site.yml:5:7' },
  { name: 'jinja error in a when list item', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg=x\n      when:\n        - true\n        - x ==\n` }, code: 4, message: /The conditional check 'x ==' failed/, at: 'site.yml:7:11' },
  { name: 'jinja error in changed_when', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      changed_when: rc !=== 0\n` }, code: 4, message: /The conditional check 'rc !=== 0' failed/, at: 'site.yml:5:7' },
  { name: 'jinja error in until', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      register: r\n      until: r.rc = 0\n` }, code: 4, message: /The conditional check 'r.rc = 0' failed/, at: 'site.yml:6:7' },
  { name: 'unclosed if in a task name', files: { 'site.yml': `- hosts: all\n${TOUCH}    - name: "{% if x %}x"\n      debug: msg=x\n` }, code: 4, message: /template error while templating string/, at: 'site.yml:4:7' },
  { name: 'jinja error in play vars', files: { 'site.yml': `- hosts: all\n  vars:\n    a: "{{ 1 + }}"\n${TOUCH}` }, code: 4, message: /template error while templating string/, at: 'site.yml:3:5' },
  { name: 'jinja error in an imported tasks file', files: { 'site.yml': `- hosts: all\n${TOUCH}    - import_tasks: more.yml\n`, 'more.yml': `- debug: msg=ok\n- debug:\n    msg: "{{ x }"\n` }, code: 4, message: /template error while templating string/, at: 'more.yml:3:5' },
  { name: 'jinja error in a role handler', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- debug: msg=x\n`, 'roles/r/handlers/main.yml': `- name: h\n  debug:\n    msg: "{{ x }"\n` }, code: 4, message: /template error while templating string/, at: 'roles/r/handlers/main.yml:3:5' },
  { name: 'jinja error in role defaults', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- debug: msg=x\n`, 'roles/r/defaults/main.yml': `ok: 1\nbad: "{{ [1, 2 }}"\n` }, code: 4, message: /template error while templating string/, at: 'roles/r/defaults/main.yml:2:1' },
  { name: 'jinja error in a role entry condition', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles:\n    - role: r\n      when: a b\n`, 'roles/r/tasks/main.yml': `- debug: msg=x\n` }, code: 4, message: /The conditional check 'a b' failed/, at: 'site.yml:6:7' },
  { name: 'jinja error in a template file', files: { 'site.yml': `- hosts: all\n${TOUCH}    - template: src=app.conf.j2 dest=/tmp/tsplay-never\n`, 'templates/app.conf.j2': `# app\nport = {{ port }}\n{% if tls %}\ntls = on\n` }, code: 4, message: /template error while templating file/, at: 'templates/app.conf.j2:' },
  { name: 'jinja error in a role template file', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- template:\n    src: a.j2\n    dest: /tmp/tsplay-never\n`, 'roles/r/templates/a.j2': `a\nb = {{ b | }}\n` }, code: 4, message: /template error while templating file/, at: 'roles/r/templates/a.j2:2' },
  // literal values a task would reject on every host
  { name: 'loop is a number', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg={{ item }}\n      loop: 5\n` }, code: 4, message: /Invalid data passed to 'loop', it requires a list, got this instead: 5/, at: 'site.yml:5:7' },
  { name: 'loop is plain text', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg={{ item }}\n      loop: text\n` }, code: 4, message: /Invalid data passed to 'loop', it requires a list, got this instead: text/, at: 'site.yml:5:7' },
  { name: 'notify names no handler', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      notify: restart app\n  handlers:\n    - name: restart ap\n      debug: msg=x\n` }, code: 4, message: /The requested handler 'restart app' was not found/, at: 'site.yml:5:7' },
  { name: 'notify names no role handler', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- command: echo hi\n  notify: [h, nosuch]\n`, 'roles/r/handlers/main.yml': `- name: h\n  debug: msg=x\n` }, code: 4, message: /The requested handler 'nosuch' was not found/, at: 'roles/r/tasks/main.yml:2:3' },
  { name: 'unknown become_method', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      become_method: sudoo\n` }, code: 4, message: /Invalid become method specified, could not find matching plugin: 'sudoo'/, at: 'site.yml:5:7' },
  { name: 'ignore_errors is not a boolean', files: { 'site.yml': `- hosts: all\n${TOUCH}    - command: echo hi\n      ignore_errors: ture\n` }, code: 4, message: /the field 'ignore_errors' has an invalid value \(ture\)/, at: 'site.yml:5:7' },
  { name: 'gather_facts is not a boolean', files: { 'site.yml': `- hosts: all\n  gather_facts: nope\n${TOUCH}` }, code: 4, message: /the field 'gather_facts' has an invalid value \(nope\)/, at: 'site.yml:2:3' },
  { name: 'become on a block is not a boolean', files: { 'site.yml': `- hosts: all\n${TOUCH}    - block:\n        - debug: msg=x\n      become: 2\n` }, code: 4, message: /the field 'become' has an invalid value \(2\)/, at: 'site.yml:6:7' },
  { name: 'duplicate key', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug:\n        msg: one\n        msg: two\n` }, code: 4, message: /found a duplicate dict key \(msg\): first at line 5, column 9, again at line 6, column 9/, at: 'site.yml:6:9' },
  { name: 'duplicate key, error set', files: { 'site.yml': `- hosts: all\n${TOUCH}    - name: x\n      debug: msg=x\n      name: y\n` }, env: { ANSIBLE_DUPLICATE_YAML_DICT_KEY: 'error' }, code: 4, message: /found a duplicate dict key \(name\): first at line 4/, at: 'site.yml:6:7' },
  { name: 'bad inventory line', files: { 'site.yml': `- hosts: all\n${TOUCH}`, 'hosts.ini': `[web]\nh1 ansible_connection=local\n\n[web:servers]\nh2\n` }, args: ['-i', 'hosts.ini'], code: 4, message: /Section \[web:servers\] has unknown type: servers/, at: 'hosts.ini:4' },
  { name: 'unbalanced inventory section', files: { 'site.yml': `- hosts: all\n${TOUCH}`, 'hosts.ini': `[web\nh1\n` }, args: ['-i', 'hosts.ini'], code: 4, message: /unbalanced or malformed range brackets/, at: 'hosts.ini:1:1' },
  { name: 'missing inventory file', files: { 'site.yml': `- hosts: all\n${TOUCH}` }, args: ['-i', 'nothere.ini'], code: 4, message: /nothere.ini/ },
  { name: 'missing extra vars file', files: { 'site.yml': `- hosts: all\n${TOUCH}` }, args: ['-e', '@nothere.yml'], code: 5, message: /could not find or access 'nothere.yml'/ },
  { name: 'unknown command-line option', files: { 'site.yml': `- hosts: all\n${TOUCH}` }, args: ['--frobnicate'], code: 2, message: /unknown option '--frobnicate'/ },
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('bad input stops before any host is touched', () => {
  it.each(cases)('$name', (c) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-bad-'));
    dirs.push(dir);
    const canary = join(dir, 'canary');
    for (const [rel, text] of Object.entries(c.files)) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text.replaceAll('CANARY', canary));
    }
    const args = ['run', 'site.yml', '-c', 'local', ...(c.args ?? ['-i', 'localhost,'])];
    const res = tsplay(args, { cwd: dir, env: c.env });
    expect(res.stderr).toMatch(c.message);
    expect(res.code).toBe(c.code);
    if (c.at) expect(res.stderr).toContain(join(dir, c.at));
    expect(stackTraceIn(res.stdout + res.stderr)).toBeUndefined();
    expect(existsSync(canary)).toBe(false);
  });

  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});
