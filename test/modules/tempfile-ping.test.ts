import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import tempfile from '../../modules/tempfile.js';
import ping from '../../modules/ping.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('tempfile', () => {
  it('creates a private file with the prefix and suffix, always changed', async () => {
    const r = await runModule(tempfile, { path: dir, prefix: 'pre.', suffix: '.x' });
    const path = r.result.path as string;
    expect(r.changed).toBe(true);
    expect(dirname(path)).toBe(dir);
    expect(basename(path)).toMatch(/^pre\.[A-Za-z0-9]{8}\.x$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(r.result).toMatchObject({ state: 'file', mode: '0600', size: 0 });
    const again = await runModule(tempfile, { path: dir, prefix: 'pre.', suffix: '.x' });
    expect(again.changed).toBe(true);
    expect(again.result.path).not.toBe(path);
  });

  it('creates a directory (0700) with Ansible\'s default prefix', async () => {
    const r = await runModule(tempfile, { state: 'directory', path: dir });
    expect(basename(r.result.path as string)).toMatch(/^ansible\.[A-Za-z0-9]{8}$/);
    expect(statSync(r.result.path as string).isDirectory()).toBe(true);
    expect(r.result).toMatchObject({ state: 'directory', mode: '0700' });
  });

  it('does not support check mode (it would create nothing)', async () => {
    expect(tempfile.supportsCheckMode).toBe(false);
    const r = await runModule(tempfile, { path: dir }, { check: true });
    expect(r.changed).toBe(true);
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
  });

  it('fails when the directory is missing', async () => {
    await expect(runModule(tempfile, { path: `${dir}/nope` })).rejects.toThrow(/mktemp/);
  });
});

describe('ping', () => {
  it('returns pong, or the data given, in check mode too', async () => {
    expect((await runModule(ping, {})).result).toEqual({ changed: false, ping: 'pong' });
    expect((await runModule(ping, { data: 'hi' }, { check: true })).result).toEqual({ changed: false, ping: 'hi' });
  });

  it('raises on data=crash as Ansible does', async () => {
    await expect(runModule(ping, { data: 'crash' })).rejects.toMatchObject({
      message: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
      result: { rc: 1, module_stdout: '', exception: expect.stringContaining('Exception: boom') },
    });
  });
});
