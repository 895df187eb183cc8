// expect (in a pty through python3, on this machine), what it says when the
// host has no python3, reboot's refusals (local connection, check mode), and
// subversion against a file:// repository made here (skipped without svn).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import expectModule from '../../modules/expect.js';
import reboot from '../../modules/reboot.js';
import subversion from '../../modules/subversion.js';
import { ptyRun } from '../../src/pty/pty-run.js';
import { runModule, tempDir } from './module-harness.js';

const hasSvn = (() => {
  try {
    execFileSync('svnadmin', ['--version', '--quiet'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('expect', () => {
  const ask = `/bin/sh -c 'printf "Pass? "; read p; echo "len \${#p}"; exit 4'`;
  it('answers in a pty without echo; a non-zero exit fails with the whole result', async () => {
    await expect(runModule(expectModule, { command: ask, responses: { 'Pass\\?': 's3cret' } })).rejects.toMatchObject({
      message: 'non-zero return code',
      result: { rc: 4, stdout: 'Pass? len 6', stdout_lines: ['Pass? len 6'], changed: true },
    });
  });
  it('echo shows the answer; a question nobody answers times out with rc null', async () => {
    const echoed = await runModule(expectModule, { command: `/bin/sh -c 'printf "Q? "; read a; echo "a=$a"'`, responses: { 'Q\\?': 'x' }, echo: true });
    expect(echoed.result.stdout).toBe('Q? x\r\na=x');
    await expect(runModule(expectModule, { command: `/bin/sh -c 'printf "Q? "; read a'`, responses: { nothing: 'x' }, timeout: 1 })).rejects.toMatchObject({
      message: 'command exceeded timeout',
      result: { rc: null, stdout: 'Q? ' },
    });
  });
  it('check mode skips it (the command is unpredictable)', async () => {
    const r = await runModule(expectModule, { command: '/bin/true', responses: {} }, { check: true });
    expect(r.changed).toBe(false);
  });
  it('a host without python3 and the expect program is told what it needs (real runs: expect-tcl.test.ts)', async () => {
    const conn = { host: 'h', exec: async () => ({ rc: 0, stdout: '@@tsplay-no-pty-runner@@\n', stderr: '' }), close: async () => undefined };
    await expect(ptyRun(conn, { command: 'x', responses: [], timeout: 1, echo: false })).rejects.toThrow(/needs python3 or the expect program/);
  });
});

describe('reboot', () => {
  it('refuses the local connection, as Ansible', async () => {
    await expect(runModule(reboot, {})).rejects.toMatchObject({
      message: 'Running reboot with local connection would reboot the control node.',
      result: { elapsed: 0, rebooted: false },
    });
  });
});

describe.skipIf(!hasSvn && process.env.CI !== 'true')('subversion (file:// repository)', () => {
  const { dir, cleanup } = tempDir('tsplay-svn-');
  afterAll(cleanup);
  const repo = `file://${dir}/repo/trunk`;
  const wc = join(dir, 'wc');
  it('checks out, updates only when the revision moves, predicts in check mode', async () => {
    execFileSync('svnadmin', ['create', join(dir, 'repo')]);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'one\n');
    execFileSync('svn', ['import', '-q', '-m', 'r1', join(dir, 'src'), repo]);
    const first = await runModule(subversion, { repo, dest: wc });
    expect(first.result).toMatchObject({ changed: true, before: null, after: ['Revision: 1', `URL: ${repo}`] });
    expect((await runModule(subversion, { repo, dest: wc })).changed).toBe(false);
    writeFileSync(join(dir, 'b.txt'), 'two\n');
    execFileSync('svn', ['import', '-q', '-m', 'r2', join(dir, 'b.txt'), `${repo}/b.txt`]);
    const predicted = await runModule(subversion, { repo, dest: wc }, { check: true });
    expect(predicted.result).toMatchObject({ changed: true, before: 'Revision: 1', after: 'Revision: 2' });
    const updated = await runModule(subversion, { repo, dest: wc });
    expect(updated.result).toMatchObject({ changed: true, after: ['Revision: 2', `URL: ${repo}`] });
  });
  it('refuses modified files unless force, and a plain directory', async () => {
    writeFileSync(join(wc, 'a.txt'), 'edited\n');
    await expect(runModule(subversion, { repo, dest: wc })).rejects.toThrow('ERROR: modified files exist in the repository.');
    expect((await runModule(subversion, { repo, dest: wc, force: true })).changed).toBe(true);
    mkdirSync(join(dir, 'plain'));
    await expect(runModule(subversion, { repo, dest: join(dir, 'plain') })).rejects.toThrow(/folder already exists, but its not a subversion repository/);
  });
});
