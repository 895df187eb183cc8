// The README's first command: playbooks/hello.yml runs on a fresh machine,
// changes nothing the second time, and leaves what ansible-playbook would leave.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tsplay } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-hello-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const playbook = join(ROOT, 'playbooks', 'hello.yml');
const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
if (!hasAnsible && process.env.CI === 'true') throw new Error('ansible-playbook is needed under CI');

const changed = (out: string) => Number(/localhost\s+: ok=\d+\s+changed=(\d+)/.exec(out)?.[1]);

describe('playbooks/hello.yml', () => {
  it('previews, runs, and is idempotent', () => {
    const dest = join(dir, 'out');
    const check = tsplay(['run', playbook, '-e', `dest=${dest}`, '--check', '--diff']);
    expect(check.code).toBe(0);
    expect(existsSync(dest)).toBe(false);
    const first = tsplay(['run', playbook, '-e', `dest=${dest}`]);
    expect(first.code, first.stdout).toBe(0);
    expect(changed(first.stdout)).toBe(changed(check.stdout));
    expect(readFileSync(join(dest, 'hello.txt'), 'utf8')).toMatch(/^Report for localhost .*\n- Hello!\n- Bonjour!\n- Hallo!\n$/);
    expect(changed(tsplay(['run', playbook, '-e', `dest=${dest}`]).stdout)).toBe(0);
  });

  it.skipIf(!hasAnsible && process.env.CI !== 'true')('leaves nothing for ansible-playbook to change', () => {
    const dest = join(dir, 'out');
    const res = spawnSync('ansible-playbook', [playbook, '-e', `dest=${dest}`], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(changed(res.stdout)).toBe(0);
  });
});
