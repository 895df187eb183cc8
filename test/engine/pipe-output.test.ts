// Output into a pipe is complete. Node writes standard output into a pipe
// asynchronously: a run that exited as soon as it was done lost whatever the
// pipe had not taken yet (at 1,000 hosts, everything after the first 64 KiB,
// recap included, with exit code 0). Here the reader starts reading only after
// the run has had time to finish (3 s), so the pipe is full long before the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';
import { quote } from '../../src/host/shell.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTS = 200;
const TASKS = 3;

/** The CLI with its standard output into a pipe whose reader sleeps 3 s first (a shell pipeline). */
function runSlowReader(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const command = `${[process.execPath, CLI, ...args].map(quote).join(' ')} 2>/dev/null | (sleep 3; cat); exit "\${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') })));
}

it('writes every line into a pipe that is read late: text and json', { timeout: 120_000 }, async () => {
  writeFileSync(join(dir, 'hosts.ini'), Array.from({ length: HOSTS }, (_, i) => `h${i + 1} ansible_connection=local`).join('\n') + '\n');
  writeFileSync(
    join(dir, 'play.yml'),
    ['- hosts: all', '  gather_facts: false', '  tasks:', ...Array.from({ length: TASKS }, (_, i) => `    - debug: msg="{{ inventory_hostname }} says ${'x'.repeat(200)} ${i}"`), ''].join('\n'),
  );
  const args = ['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), '-f', String(HOSTS)];

  const json = await runSlowReader([...args, '--output', 'json']);
  expect(json.code).toBe(0);
  expect(json.stdout.length).toBeGreaterThan(4 * 65536);
  const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; stats?: Record<string, unknown> });
  expect(events.filter((e) => e.kind === 'host_result')).toHaveLength(HOSTS * TASKS);
  expect(Object.keys(events.at(-1)!.stats ?? {})).toHaveLength(HOSTS);

  const text = await runSlowReader(args);
  expect(text.code).toBe(0);
  expect(text.stdout.match(/^ok: \[h\d+\] => \{$/gm)).toHaveLength(HOSTS * TASKS);
  expect(text.stdout.match(/^h\d+ +: ok=3 /gm)).toHaveLength(HOSTS);
});
