// Text output is written once a turn of the event loop (src/output/buffered-output.ts),
// and still comes out in order with what goes to stderr.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../src/output/buffered-output.js';
import { TextReporter } from '../../src/output/text.js';
import { RunStats } from '../../src/executor/stats.js';
import { CLI } from '../cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-buffered-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BufferedOutput', () => {
  it('writes what one turn wrote in one piece, at the end of the turn', async () => {
    const written: string[] = [];
    const out = new BufferedOutput((t) => written.push(t));
    out.write('a\n');
    out.write('b\n');
    expect(written).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual(['a\nb\n']);
    out.write('c\n');
    out.flush();
    expect(written).toEqual(['a\nb\n', 'c\n']);
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual(['a\nb\n', 'c\n']);
    out.close();
  });

  it('writes what is left when closed, and stops listening for the exit', () => {
    const written: string[] = [];
    const before = process.listenerCount('exit');
    const out = new BufferedOutput((t) => written.push(t));
    expect(process.listenerCount('exit')).toBe(before + 1);
    out.write('last\n');
    out.close();
    expect(written).toEqual(['last\n']);
    expect(process.listenerCount('exit')).toBe(before);
  });
});

it('keeps stdout and stderr in order when both go to one pipe', () => {
  writeFileSync(
    join(dir, 'play.yml'),
    [
      '- hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      '    - debug: msg=first',
      '- hosts: nowhere',
      '  gather_facts: false',
      '  tasks:',
      '    - debug: msg=never',
      '',
    ].join('\n'),
  );
  const res = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" run "${join(dir, 'play.yml')}" 2>&1`], { encoding: 'utf8', timeout: 60_000 });
  expect(res.status).toBe(0);
  const out = res.stdout;
  const first = out.indexOf('"msg": "first"');
  const warning = out.indexOf('[WARNING]: Could not match supplied host pattern, ignoring: nowhere');
  const secondPlay = out.indexOf('PLAY [nowhere]');
  expect(first).toBeGreaterThan(0);
  expect(warning).toBeGreaterThan(first);
  expect(secondPlay).toBeGreaterThan(warning);
  expect(out.indexOf('PLAY RECAP')).toBeGreaterThan(secondPlay);
});

it('writes the recap out at once, before the connections are closed', () => {
  const written: string[] = [];
  const out = new BufferedOutput((t) => written.push(t));
  const reporter = new TextReporter(out.write, { diff: false, flush: () => out.flush() });
  reporter.emit({ kind: 'task_start', name: 'a task', handler: false, hosts: 1 });
  const stats = new RunStats();
  stats.add('h1', 'ok');
  reporter.emit({ kind: 'recap', stats: stats.summary() });
  // No turn of the event loop has passed: the banner and the recap are out already.
  expect(written.join('')).toMatch(/TASK \[a task\][\s\S]*PLAY RECAP[\s\S]*h1 +: ok=1 /);
  out.close();
});
