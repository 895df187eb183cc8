// The command line as a user meets it: listing options, syntax check,
// --start-at-task, -e forms, JSON output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, tsplay } from './cli-helpers.js';

let dir = '';
const PLAYBOOK = `- name: first play
  hosts: web
  gather_facts: false
  tags: [play]
  tasks:
    - name: say hello
      debug: msg="hello {{ who | default('nobody') }}"
      tags: [greet]
    - name: count
      debug: msg="{{ n | int + 1 }}"
    - name: secret
      debug: msg="{{ password }}"
      no_log: true
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cli-'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'hosts.ini'), '[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n[db]\nd1\n');
  writeFileSync(join(dir, 'vars.yml'), 'who: file\nn: 41\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), ...args]);

describe('tsplay run', () => {
  it('lists hosts, tasks and tags without running anything', () => {
    const hosts = run('--list-hosts', '-l', 'h2');
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toMatch(/hosts \(1\):\s+h2/);
    const tasks = run('--list-tasks');
    // A task's tags sorted, and the playbook as the command line names it, as ansible-playbook prints them.
    expect(tasks.stdout).toContain('say hello\tTAGS: [greet, play]');
    expect(tasks.stdout).toContain(`\nplaybook: ${join(dir, 'site.yml')}\n`);
    expect(run('--list-tags').stdout).toContain('TASK TAGS: [greet, play]');
    expect(run('--syntax-check').code).toBe(0);
  });

  it('takes -e as k=v, JSON and @file, highest precedence', () => {
    expect(run('-e', 'who=kv n=1').stdout).toContain('"msg": "hello kv"');
    expect(run('-e', '{"who": "json", "n": 2}').stdout).toContain('"msg": "3"');
    const fromFile = run('-e', `@${join(dir, 'vars.yml')}`);
    expect(fromFile.stdout).toContain('"msg": "hello file"');
    expect(fromFile.stdout).toContain('"msg": "42"');
  });

  it('starts at the named task', () => {
    const res = run('--start-at-task', 'count', '-e', 'n=1 password=x');
    expect(res.stdout).not.toContain('TASK [say hello]');
    expect(res.stdout).toContain('TASK [count]');
  });

  it('filters by tags', () => {
    const res = run('-t', 'greet', '-e', 'n=1 password=x');
    expect(res.stdout).toContain('TASK [say hello]');
    expect(res.stdout).not.toContain('TASK [count]');
  });

  it('prints one JSON event per line with --output json, secrets hidden', () => {
    const res = run('--output', 'json', '-e', 'n=1 password=hunter2');
    expect(res.code).toBe(0);
    const events = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; stats?: Record<string, { ok: number }> });
    expect(events[0]?.kind).toBe('play_start');
    expect(events.at(-1)?.kind).toBe('recap');
    expect(events.at(-1)?.stats?.h1?.ok).toBe(3);
    expect(res.stdout).not.toContain('hunter2');
  });

  it('never shows no_log values in text output, even verbose', () => {
    const res = run('-vvv', '-e', 'n=1 password=hunter2');
    expect(res.stdout + res.stderr).not.toContain('hunter2');
    expect(res.stdout).toContain("'no_log: true' was specified");
  });

  it('fails a task on an undefined variable, naming it and the task', () => {
    const res = run('-e', 'password=x');
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/'n' is undefined/);
    expect(res.stdout).toContain(`${join(dir, 'site.yml')}': line 9, column 7`);
  });

  it('rejects a bad --forks value with exit code 5', () => {
    const res = run('-f', '0');
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('invalid --forks value');
  });

  it('exits 99 on Ctrl-C, after closing its connections', async () => {
    writeFileSync(join(dir, 'slow.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: sleep 20\n');
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'slow.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('TASK [command]')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(99);
  });

  // On a terminal the text output shows a spinner for a task that keeps the user
  // waiting; a pseudo-terminal with no size (what `script` gives without a
  // terminal around it) once made it loop forever.
  it.each([
    ['a sized terminal, a slow task: spinner', 'stty cols 100 rows 30; ', 'slow.yml', true],
    ['a sized terminal, quick tasks: no spinner', 'stty cols 100 rows 30; ', 'site.yml', false],
    ['a terminal without a size, a slow task: no spinner', '', 'slow.yml', false],
  ])('finishes on %s', (_name, setup, playbook, spinner) => {
    writeFileSync(join(dir, 'slow.yml'), '- hosts: web\n  gather_facts: false\n  tasks:\n    - command: sleep 2\n');
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
    delete env.CI; // no spinner under CI
    const command = `${setup}'${process.execPath}' '${CLI}' run '${join(dir, playbook)}' -i '${join(dir, 'hosts.ini')}' -l web -e n=1 -e password=x`;
    const res = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { env, encoding: 'utf8', timeout: 30_000, maxBuffer: 10_000_000 });
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(0);
    // The recap without its colours (a colour terminal gets them).
    expect(res.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/h1\s+: ok=\d\s+changed=[01]\s+unreachable=0\s+failed=0/);
    expect(res.stdout.length).toBeLessThan(20_000);
    // ora hides the cursor while it spins.
    expect(res.stdout.includes('\x1b[?25l')).toBe(spinner);
  });
});
