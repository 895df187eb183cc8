// pause with a prompt on a real terminal: the built CLI runs under a
// pseudo-terminal (util-linux `script`), the test types when the prompt shows.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';
import { quote } from '../../src/host/shell.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tsplay-pause-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasScript && process.env.CI !== 'true')('pause on a terminal', () => {
  it('reads the answer (backspace erases, echo off hides it), no spinner over the prompt', async () => {
    writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local\nh2 ansible_connection=local\n');
    writeFileSync(
      join(dir, 'p.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: ask
      pause: { prompt: Type something }
      register: typed
    - pause: { prompt: Secret, echo: false }
      register: secret
    - debug: { msg: "{{ typed.user_input }}|{{ secret.user_input }}|{{ secret.echo }}" }
      run_once: true
`,
    );
    const command = [process.execPath, CLI, 'run', '-i', join(dir, 'inv.ini'), join(dir, 'p.yml')].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const answers: [string, string][] = [
      ['Type something:', 'hellx\x7fo\r'],
      ['Secret (output is hidden):', 'hush\r'],
    ];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const next = answers[0];
      if (next && out.includes(next[0])) {
        answers.shift();
        setTimeout(() => child.stdin.write(next[1]), 200);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('[ask]\r\nType something:');
    expect(out).toContain('"msg": "hello|hush|False"');
    expect(out).not.toContain('hush\r\n');
    // The recap without its colours (a colour terminal gets them).
    const recap = out.replace(/\x1b\[[0-9;]*m/g, '');
    expect(recap).toMatch(/h1 +: ok=3 +changed=0/);
    // pause and run_once run on h1 alone: as in Ansible, h2 had nothing counted and is not listed.
    expect(recap).not.toMatch(/^h2 /m);
  }, 120_000);
});
