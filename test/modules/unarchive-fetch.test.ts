import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import unarchive from '../../modules/unarchive.js';
import fetch from '../../modules/fetch.js';
import { tarFiles, tarUnarchived } from '../../src/archives/tar.js';
import { zipDifferences } from '../../src/archives/zip.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, 'payload/top/sub'), { recursive: true });
  writeFileSync(join(dir, 'payload/top/one.txt'), 'one\n');
  writeFileSync(join(dir, 'payload/top/sub/two.txt'), 'two\n');
  writeFileSync(join(dir, 'payload/root.txt'), 'r\n');
  mkdirSync(join(dir, 'files'));
  execFileSync('tar', ['czf', join(dir, 'files/a.tgz'), '-C', join(dir, 'payload'), 'top', 'root.txt']);
  execFileSync('tar', ['cJf', join(dir, 'files/a.txz'), '-C', join(dir, 'payload'), 'top']);
  execFileSync('zip', ['-qr', join(dir, 'files/a.zip'), 'top', 'root.txt'], { cwd: join(dir, 'payload') });
  mkdirSync(join(dir, 'dest'));
});
afterEach(() => cleanup());

describe('tar --diff reading', () => {
  it('decides as Ansible from the lines', () => {
    expect(tarUnarchived('', { uid: 0 })).toBe(true);
    expect(tarUnarchived('top/one.txt: Mod time differs\n', { uid: 0 })).toBe(false);
    expect(tarUnarchived('top/one.txt: Mode differs\n', { uid: 0, mode: '0600' })).toBe(true);
    expect(tarUnarchived('top/one.txt: Uid differs\n', { uid: 1000 })).toBe(true);
    expect(tarUnarchived('tar: top/x: Warning: Cannot stat: No such file or directory\n', { uid: 0 })).toBe(false);
    expect(tarFiles('/top/\ntop/caf\\303\\251\nroot.txt\n', ['root.txt'])).toEqual(['top/', 'top/café']);
  });

  it('itemizes zip entries missing or different', () => {
    const entry = { name: 'a.txt', perms: '-rw-r--r--', mtime: 10, size: 2 };
    const wanted = { keepNewer: false, umask: 0o22 };
    expect(zipDifferences([entry], wanted)).toBe('>f++++++.?? a.txt\n');
    const same = { type: 'f', mode: 0o644, size: 2, mtime: 10, owner: 'root', group: 'root', uid: 0, gid: 0, same: true };
    expect(zipDifferences([{ ...entry, dest: same }], wanted)).toBe('');
    expect(zipDifferences([{ ...entry, dest: { ...same, same: false, mtime: 11 } }], wanted)).toBe('.fc.t....?? a.txt\n');
  });
});

describe('unarchive', () => {
  const dest = () => join(dir, 'dest');

  for (const [name, handler] of [['a.tgz', 'TgzArchive'], ['a.txz', 'TarArchive'], ['a.zip', 'ZipArchive']] as const) {
    it(`unpacks ${name} from the controller once (${handler})`, async () => {
      const args = { src: name, dest: dest(), list_files: true };
      const r = await runModule(unarchive, args, { fixtures: dir });
      expect(r.changed).toBe(true);
      expect(r.result).toMatchObject({ handler, dest: dest(), state: 'directory' });
      expect(r.result.files).toEqual(expect.arrayContaining(['top/', 'top/one.txt', 'top/sub/two.txt']));
      expect(readFileSync(join(dest(), 'top/sub/two.txt'), 'utf8')).toBe('two\n');
      expect((await runModule(unarchive, args, { fixtures: dir })).changed).toBe(false);
      // Ansible (tar --diff) goes by times, not content: the edit gets another time than the archive's.
      writeFileSync(join(dest(), 'top/one.txt'), 'changed\n');
      utimesSync(join(dest(), 'top/one.txt'), new Date('2001-01-01'), new Date('2001-01-01'));
      const check = await runModule(unarchive, args, { fixtures: dir, check: true });
      if (handler === 'ZipArchive') expect(check.changed).toBe(true);
      else expect(check.result).toMatchObject({ skipped: true, msg: expect.stringContaining('does not support check mode when using gtar') });
      expect(readFileSync(join(dest(), 'top/one.txt'), 'utf8')).toBe('changed\n');
      expect((await runModule(unarchive, args, { fixtures: dir })).changed).toBe(true);
      expect(readFileSync(join(dest(), 'top/one.txt'), 'utf8')).toBe('one\n');
    });
  }

  it('unpacks a host archive with remote_src, honours creates, exclude and mode', async () => {
    const args = { src: join(dir, 'files/a.tgz'), dest: dest(), remote_src: true, exclude: ['root.txt'], mode: '0700' };
    expect((await runModule(unarchive, args)).changed).toBe(true);
    expect(existsSync(join(dest(), 'root.txt'))).toBe(false);
    expect(statSync(join(dest(), 'top/one.txt')).mode & 0o777).toBe(0o700);
    expect((await runModule(unarchive, args)).changed).toBe(false);
    const skipped = await runModule(unarchive, { ...args, creates: join(dest(), 'top') });
    expect(skipped.result).toMatchObject({ skipped: true, msg: `skipped, since ${join(dest(), 'top')} exists` });
  });

  it('fails like Ansible for a missing dest or source', async () => {
    await expect(runModule(unarchive, { src: 'a.tgz', dest: join(dir, 'nope') }, { fixtures: dir })).rejects.toThrow(`dest '${join(dir, 'nope')}' must be an existing dir`);
    await expect(runModule(unarchive, { src: join(dir, 'x.tgz'), dest: dest(), remote_src: true })).rejects.toThrow(`Source '${join(dir, 'x.tgz')}' does not exist`);
    writeFileSync(join(dir, 'files/plain.txt'), 'not an archive\n');
    await expect(runModule(unarchive, { src: 'plain.txt', dest: dest() }, { fixtures: dir })).rejects.toThrow('Failed to find handler');
  });
});

describe('fetch', () => {
  it('fetches to dest/<host>/<path>, changed only when the copy differs', async () => {
    const src = join(dir, 'payload/root.txt');
    const r = await runModule(fetch, { src, dest: 'fetched' }, { fixtures: dir });
    const local = join(dir, 'fetched/localhost', src);
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ dest: local, remote_md5sum: null, checksum: r.result.remote_checksum });
    expect(readFileSync(local, 'utf8')).toBe('r\n');
    const again = await runModule(fetch, { src, dest: 'fetched' }, { fixtures: dir });
    expect(again.changed).toBe(false);
    expect(again.result).toMatchObject({ dest: local, file: src, checksum: r.result.checksum, md5sum: r.result.md5sum });
    writeFileSync(src, 'new\n');
    expect((await runModule(fetch, { src, dest: 'fetched' }, { fixtures: dir })).changed).toBe(true);
    expect(readFileSync(local, 'utf8')).toBe('new\n');
  });

  it('fetches flat to a file or into a directory, and refuses a directory without a slash', async () => {
    const src = join(dir, 'payload/root.txt');
    mkdirSync(join(dir, 'into'));
    expect((await runModule(fetch, { src, dest: join(dir, 'flat.txt'), flat: true })).result.dest).toBe(join(dir, 'flat.txt'));
    expect((await runModule(fetch, { src, dest: `${join(dir, 'into')}/`, flat: true })).result.dest).toBe(join(dir, 'into/root.txt'));
    await expect(runModule(fetch, { src, dest: join(dir, 'into'), flat: true })).rejects.toThrow('dest is an existing directory');
  });

  it('reports missing files and directories as Ansible, and is skipped in check mode', async () => {
    const missing = join(dir, 'nope');
    await expect(runModule(fetch, { src: missing, dest: dir })).rejects.toThrow('the remote file does not exist, not transferring, ignored');
    expect((await runModule(fetch, { src: missing, dest: dir, fail_on_missing: false })).result).toEqual({
      changed: false,
      file: missing,
      msg: 'the remote file does not exist, not transferring, ignored',
    });
    await expect(runModule(fetch, { src: dir, dest: dir })).rejects.toThrow('remote file is a directory, fetch cannot work on directories');
    rmSync(join(dir, 'fetched'), { recursive: true, force: true });
    await runModule(fetch, { src: join(dir, 'payload/root.txt'), dest: 'fetched' }, { fixtures: dir, check: true });
    expect(existsSync(join(dir, 'fetched'))).toBe(false);
  });
});
