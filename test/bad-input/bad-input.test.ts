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
  { name: 'missing role', files: { 'site.yml': `- hosts: all\n  roles:\n    - nosuchrole\n${TOUCH}` }, code: 4, message: /the role 'nosuchrole' was not found/, at: 'site.yml:3:7' },
  { name: 'missing import_tasks file', files: { 'site.yml': `- hosts: all\n${TOUCH}    - import_tasks: nothere.yml\n` }, code: 4, message: /Could not find or access 'nothere.yml'/, at: 'site.yml:4:7' },
  { name: 'missing import_playbook', files: { 'site.yml': `- import_playbook: other.yml\n- hosts: all\n${TOUCH}` }, code: 4, message: /Could not read file '.*other.yml'/, at: 'site.yml:1:3' },
  { name: 'invalid strategy', files: { 'site.yml': `- hosts: all\n  strategy: fastest\n${TOUCH}` }, code: 4, message: /Invalid play strategy specified: fastest/, at: 'site.yml:2:3' },
  { name: 'bad serial', files: { 'site.yml': `- hosts: all\n  serial: lots\n${TOUCH}` }, code: 4, message: /'serial' must be a number, a percentage or a list of them/, at: 'site.yml:2:3' },
  { name: 'when is a mapping', files: { 'site.yml': `- hosts: all\n${TOUCH}    - debug: msg=x\n      when:\n        a: 1\n` }, code: 4, message: /'when' must be a string, a boolean or a list of them/, at: 'site.yml:5:7' },
  { name: 'role tasks file broken', files: { 'site.yml': `- hosts: all\n  roles: [broken]\n${TOUCH}`, 'roles/broken/tasks/main.yml': `- debug: msg=x\n- name: y\n  debug: [\n` }, code: 4, message: /Syntax error while loading YAML/, at: 'roles/broken/tasks/main.yml:4' },
  { name: 'role dependencies not a list', files: { 'site.yml': `- hosts: all\n  roles: [r]\n${TOUCH}`, 'roles/r/meta/main.yml': `dependencies: other\n`, 'roles/r/tasks/main.yml': `- debug: msg=x\n` }, code: 4, message: /'dependencies' must be a list/, at: 'roles/r/meta/main.yml:1:1' },
  { name: 'unknown option in a role task', files: { 'site.yml': `- hosts: all\n${TOUCH}  roles: [r]\n`, 'roles/r/tasks/main.yml': `- name: ok\n  debug: msg=x\n- name: bad\n  copy:\n    dest: /tmp/x\n    contents: y\n` }, code: 4, message: /Unsupported parameters for \(copy\) module: contents/, at: 'roles/r/tasks/main.yml:4:3' },
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
    const res = tsplay(args, { cwd: dir });
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
