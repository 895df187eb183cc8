// `tsplay init role`: the scaffold it writes passes tsplay's and ansible-playbook's
// syntax checks and runs as it is; it never overwrites a directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleAvailable } from './differential/harness.js';
import { tsplay } from './cli-helpers.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES = [
  'tasks/main.yml', 'handlers/main.yml', 'defaults/main.yml', 'vars/main.yml', 'templates', 'files', 'meta/main.yml',
  'meta/argument_specs.yml', 'README.md', 'tests/test.yml', 'tests/inventory',
];

describe('tsplay init role', () => {
  it('scaffolds ./roles/NAME', () => {
    const res = tsplay(['init', 'role', 'demo'], { cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const role = join(dir, 'roles', 'demo');
    expect(res.stdout).toContain(role);
    for (const f of FILES) expect(existsSync(join(role, f)), f).toBe(true);
    expect(readFileSync(join(role, 'meta/argument_specs.yml'), 'utf8')).toContain('demo_message:');
  });

  it('passes the syntax check and runs with nothing changed', () => {
    const role = join(dir, 'roles', 'demo');
    const syntax = tsplay(['run', 'tests/test.yml', '-i', 'tests/inventory', '--syntax-check'], { cwd: role });
    expect(syntax.code).toBe(0);
    const run = tsplay(['run', 'tests/test.yml', '-i', 'tests/inventory', '-c', 'local'], { cwd: role });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("TASK [demo : Validating arguments against arg spec 'main' - What demo sets up]");
    expect(run.stdout).toContain('"msg": "Hello from demo"');
    expect(run.stdout).toMatch(/localhost\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0/);
  });

  it.runIf(ansibleAvailable())('is accepted by ansible-playbook --syntax-check', () => {
    const role = join(dir, 'roles', 'demo');
    const res = spawnSync('ansible-playbook', ['tests/test.yml', '-i', 'tests/inventory', '--syntax-check'], { cwd: role, encoding: 'utf8' });
    expect(res.stderr).not.toMatch(/ERROR/);
    expect(res.status).toBe(0);
  });

  it('writes under --path', () => {
    const res = tsplay(['init', 'role', 'other', '--path', 'elsewhere/roles'], { cwd: dir });
    expect(res.code).toBe(0);
    expect(existsSync(join(dir, 'elsewhere/roles/other/tasks/main.yml'))).toBe(true);
  });

  it('refuses to overwrite an existing directory, and leaves it as it was', () => {
    mkdirSync(join(dir, 'roles', 'taken'), { recursive: true });
    const res = tsplay(['init', 'role', 'taken'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^ERROR! .*roles\/taken already exists; not overwriting it/);
    expect(existsSync(join(dir, 'roles', 'taken', 'tasks'))).toBe(false);
  });

  it('refuses a name that is not a role name', () => {
    const res = tsplay(['init', 'role', '../escape'], { cwd: dir });
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(/invalid role name '..\/escape'/);
  });
});
