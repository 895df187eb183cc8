// Which runs start the host agent with each connection: those whose plays may
// inspect or write files on their hosts (src/executor/host-files.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playbooksUseHostFiles } from '../../src/executor/host-files.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-host-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function uses(tasks: string, extra = ''): boolean {
  const file = join(dir, `p${++n}.yml`);
  writeFileSync(file, `- hosts: all\n  gather_facts: false\n${extra}  tasks:\n${tasks}`);
  return playbooksUseHostFiles([loadPlaybook(file)]);
}

describe('playbooks that use files on their hosts', () => {
  it('commands and controller-only tasks do not', () => {
    expect(uses('    - command: uptime\n    - debug: msg=hi\n    - set_fact: a=1\n    - shell: echo\n')).toBe(false);
  });

  it('a file module does, also by its long name, in a block, or in a handler', () => {
    expect(uses('    - copy: content=x dest=/tmp/x\n')).toBe(true);
    expect(uses('    - ansible.builtin.stat: path=/etc\n')).toBe(true);
    expect(uses('    - block:\n        - command: "true"\n      rescue:\n        - lineinfile: path=/x line=y\n')).toBe(true);
    expect(uses('    - command: "true"\n', '  handlers:\n    - name: h\n      template: src=a dest=/b\n')).toBe(true);
  });

  it('an include_tasks may (what it brings is known only when it runs)', () => {
    writeFileSync(join(dir, 'more.yml'), '- command: "true"\n');
    expect(uses('    - include_tasks: more.yml\n')).toBe(true);
  });
});
