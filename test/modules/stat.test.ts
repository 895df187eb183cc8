import { mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import stat from '../../modules/stat.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  writeFileSync(join(dir, 'tp'), 'x=5\nline\n');
  chmodSync(join(dir, 'tp'), 0o640);
  symlinkSync(join(dir, 'tp'), join(dir, 'ln'));
  mkdirSync(join(dir, 'd'));
  chmodSync(join(dir, 'd'), 0o750);
});
afterEach(() => cleanup());

describe('stat', () => {
  it('describes a symlink itself, never changed', async () => {
    const path = join(dir, 'ln');
    const r = await runModule(stat, { path }, { check: true });
    expect(r.changed).toBe(false);
    expect(r.result.stat).toMatchObject({
      exists: true,
      path,
      islnk: true,
      isreg: false,
      isdir: false,
      mode: '0777',
      lnk_source: join(dir, 'tp'),
      lnk_target: join(dir, 'tp'),
      uid: process.getuid!(),
      size: join(dir, 'tp').length,
    });
    expect(r.result.stat).not.toHaveProperty('checksum');
  });

  it('follows a link and checksums the file (sha1 default, sha256 on request)', async () => {
    const path = join(dir, 'ln');
    const r = await runModule(stat, { path, follow: true });
    expect(r.result.stat).toMatchObject({
      exists: true,
      path,
      islnk: false,
      isreg: true,
      mode: '0640',
      size: 9,
      nlink: 1,
      rusr: true,
      wusr: true,
      xusr: false,
      rgrp: true,
      roth: false,
      checksum: '8e0f9b0f15ccc00d9fde5b46898e762f8145d93d',
    });
    const s256 = await runModule(stat, { path, follow: true, checksum_algorithm: 'sha256' });
    expect(String((s256.result.stat as Record<string, unknown>).checksum)).toHaveLength(64);
    const none = await runModule(stat, { path, follow: true, get_checksum: false });
    expect(none.result.stat).not.toHaveProperty('checksum');
  });

  it('describes a directory and a missing path', async () => {
    const d = await runModule(stat, { path: join(dir, 'd') });
    expect(d.result.stat).toMatchObject({ exists: true, isdir: true, mode: '0750', executable: true });
    const missing = await runModule(stat, { path: join(dir, 'nope') });
    expect(missing.result).toEqual({ changed: false, stat: { exists: false } });
  });
});
