// One task dispatched to several hosts: results are printed in inventory order
// even when a later host finishes first, and hosts that name different
// templates each get their own (the controller files a dispatch shares are
// keyed by what each host asked for).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tsplay } from '../cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-dispatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints results in host order and renders each host its own template', () => {
  writeFileSync(join(dir, 'one.j2'), 'one for {{ inventory_hostname }}\n');
  writeFileSync(join(dir, 'two.j2'), 'two for {{ inventory_hostname }}\n');
  writeFileSync(
    join(dir, 'hosts.ini'),
    [
      `slow ansible_connection=local tpl=one.j2 pause=0.6`,
      `fast ansible_connection=local tpl=two.j2 pause=0`,
      `also ansible_connection=local tpl=one.j2 pause=0`,
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'play.yml'),
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: wait',
      '      command: sleep {{ pause }}',
      '    - name: render',
      `      template: src={{ tpl }} dest=${dir}/{{ inventory_hostname }}.out`,
      '',
    ].join('\n'),
  );
  const res = tsplay(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini')]);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(res.stdout).toContain('TASK [wait] ***');
  const wait = res.stdout.slice(res.stdout.indexOf('TASK [wait]'), res.stdout.indexOf('TASK [render]'));
  expect(wait.match(/^changed: \[\w+\]$/gm)).toEqual(['changed: [slow]', 'changed: [fast]', 'changed: [also]']);
  expect(readFileSync(join(dir, 'slow.out'), 'utf8')).toBe('one for slow\n');
  expect(readFileSync(join(dir, 'fast.out'), 'utf8')).toBe('two for fast\n');
  expect(readFileSync(join(dir, 'also.out'), 'utf8')).toBe('one for also\n');
});

it('runs no more hosts at once than --forks allows', () => {
  // Each host holds a lock directory for a moment: mkdir fails if another host holds it.
  const lock = join(dir, 'lock');
  writeFileSync(join(dir, 'three.ini'), ['a ansible_connection=local', 'b ansible_connection=local', 'c ansible_connection=local'].join('\n'));
  writeFileSync(
    join(dir, 'lock.yml'),
    ['- hosts: all', '  gather_facts: false', '  tasks:', `    - shell: mkdir ${lock} && sleep 0.3 && rmdir ${lock}`, ''].join('\n'),
  );
  const one = tsplay(['run', join(dir, 'lock.yml'), '-i', join(dir, 'three.ini'), '-f', '1']);
  expect(one.stdout).toMatch(/a\s+: ok=1 +changed=1 +unreachable=0 +failed=0/);
  expect(one.stdout).toMatch(/b\s+: ok=1 +changed=1 +unreachable=0 +failed=0/);
  expect(one.stdout).toMatch(/c\s+: ok=1 +changed=1 +unreachable=0 +failed=0/);
  expect(one.code).toBe(0);
  // The same with forks for all three: they overlap, so the lock does catch it.
  const all = tsplay(['run', join(dir, 'lock.yml'), '-i', join(dir, 'three.ini'), '-f', '3']);
  expect(all.code).toBe(2);
  expect(all.stdout).toMatch(/failed=1/);
  rmSync(lock, { recursive: true, force: true });
});
