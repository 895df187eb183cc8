import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import copy from '../../modules/copy.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let fixtures: string;
let cleanup: () => void;
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  fixtures = join(dir, 'play');
  mkdirSync(join(fixtures, 'files', 'sd', 'sub'), { recursive: true });
  writeFileSync(join(fixtures, 'files', 'src.txt'), 'hello\n');
  writeFileSync(join(fixtures, 'files', 'sd', 'a.txt'), 'a\n');
  writeFileSync(join(fixtures, 'files', 'sd', 'sub', 'b.txt'), 'b\n');
  writeFileSync(join(fixtures, 'files', 'bin.dat'), Buffer.from('x\0y'));
});
afterEach(() => cleanup());

describe('copy', () => {
  it('writes content with a mode, then is ok', async () => {
    const dest = join(dir, 'c1');
    const first = await runModule(copy, { content: 'hi\n', dest, mode: '0640' }, { diff: true, fixtures });
    expect(first.changed).toBe(true);
    expect(first.result).toMatchObject({
      dest,
      checksum: '55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
      md5sum: '764efa883dda1e11db47671c4a3bbd9e',
      mode: '0640',
      size: 3,
      state: 'file',
    });
    expect(first.diff).toEqual([{ before: '', after: 'hi\n', after_header: 'dynamically generated' }]);
    expect(readFileSync(dest, 'utf8')).toBe('hi\n');
    expect(mode(dest)).toBe('640');
    const second = await runModule(copy, { content: 'hi\n', dest, mode: '0640' }, { fixtures });
    expect(second.changed).toBe(false);
    expect(second.result).toMatchObject({ dest, path: dest, mode: '0640', state: 'file', size: 3 });
  });

  it('check mode predicts without writing', async () => {
    const dest = join(dir, 'c1');
    const r = await runModule(copy, { content: 'hi\n', dest }, { check: true, diff: true, fixtures });
    expect(r.changed).toBe(true);
    expect(existsSync(dest)).toBe(false);
  });

  it('applies a symbolic mode to the current mode', async () => {
    const dest = join(dir, 'c1');
    writeFileSync(dest, 'hi\n');
    chmodSync(dest, 0o640);
    const r = await runModule(copy, { content: 'hi2\n', dest, mode: 'u+x,g-r' }, { diff: true, fixtures });
    expect(r.changed).toBe(true);
    expect(r.result.mode).toBe('0700');
    expect(r.diff?.[0]).toMatchObject({ before: 'hi\n', after: 'hi2\n', before_header: dest });
  });

  it('copies a controller file into a directory dest (trailing slash creates it)', async () => {
    const r = await runModule(copy, { src: 'src.txt', dest: join(dir, 'nd2') + '/' }, { diff: true, fixtures });
    expect(r.changed).toBe(true);
    expect(r.result.dest).toBe(join(dir, 'nd2', 'src.txt'));
    expect(r.diff?.[0]).toMatchObject({ after: 'hello\n', after_header: join(fixtures, 'files', 'src.txt') });
    expect(readFileSync(join(dir, 'nd2', 'src.txt'), 'utf8')).toBe('hello\n');
    const again = await runModule(copy, { src: 'src.txt', dest: join(dir, 'nd2') }, { fixtures });
    expect(again.changed).toBe(false);
    expect(again.result.checksum).toBe('f572d396fae9206628714fb2ce00f72e94f2258f');
  });

  it('only changes attributes when content matches, with a dict diff', async () => {
    const dest = join(dir, 'm');
    writeFileSync(dest, 'same\n');
    chmodSync(dest, 0o600);
    const check = await runModule(copy, { content: 'same\n', dest, mode: '0644' }, { check: true, diff: true, fixtures });
    expect(check.changed).toBe(true);
    expect(check.result.mode).toBe('0600');
    expect(check.diff?.[0]?.before).toBe(`{\n    "mode": "0600",\n    "path": "${dest}"\n}\n`);
    expect(check.diff?.[0]?.after).toBe(`{\n    "mode": "0644",\n    "path": "${dest}"\n}\n`);
    const r = await runModule(copy, { content: 'same\n', dest, mode: '0644' }, { fixtures });
    expect(r.changed).toBe(true);
    expect(r.result.mode).toBe('0644');
    expect(mode(dest)).toBe('644');
  });

  it('force=no leaves an existing file alone', async () => {
    const dest = join(dir, 'c1');
    writeFileSync(dest, 'old\n');
    const r = await runModule(copy, { content: 'new\n', dest, force: false, backup: true }, { fixtures });
    expect(r.changed).toBe(false);
    expect(r.result.dest).toBe(dest);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
  });

  it('backup keeps the replaced file', async () => {
    const dest = join(dir, 'm');
    writeFileSync(dest, 'same\n');
    const r = await runModule(copy, { content: 'abc', dest, backup: true }, { fixtures });
    expect(r.changed).toBe(true);
    expect(String(r.result.backup_file)).toMatch(new RegExp(`^${dest}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(String(r.result.backup_file), 'utf8')).toBe('same\n');
    expect(readFileSync(dest, 'utf8')).toBe('abc');
  });

  it('shows a binary source as a prepared line', async () => {
    const r = await runModule(copy, { src: 'bin.dat', dest: join(dir, 'bin') }, { diff: true, fixtures });
    expect(r.changed).toBe(true);
    expect(r.diff?.[0]?.prepared).toBe('diff skipped: source file appears to be binary\n');
    expect(r.result.checksum).toBe('09a6a88c8aac6e737ba1cb2a55aee4e79d4ae521');
  });

  it('copies a directory tree, with and without a trailing slash', async () => {
    const d1 = await runModule(copy, { src: 'sd', dest: join(dir, 'd1') }, { fixtures });
    expect(d1.changed).toBe(true);
    expect(d1.result).toMatchObject({ dest: join(dir, 'd1') + '/', src: join(fixtures, 'files', 'sd') });
    expect(readFileSync(join(dir, 'd1', 'sd', 'sub', 'b.txt'), 'utf8')).toBe('b\n');
    const d2 = await runModule(copy, { src: 'sd/', dest: join(dir, 'd2') }, { fixtures });
    expect(d2.changed).toBe(true);
    expect(readdirSync(join(dir, 'd2')).sort()).toEqual(['a.txt', 'sub']);
    expect((await runModule(copy, { src: 'sd', dest: join(dir, 'd1') }, { fixtures })).changed).toBe(false);
    expect((await runModule(copy, { src: 'sd/', dest: join(dir, 'd2') }, { fixtures })).changed).toBe(false);
  });

  it('copies a file already on the host with remote_src', async () => {
    const src = join(dir, 'remote.txt');
    writeFileSync(src, 'remote\n');
    chmodSync(src, 0o600);
    const dest = join(dir, 'out.txt');
    const r = await runModule(copy, { src, dest, remote_src: true, mode: 'preserve' }, { fixtures });
    expect(r.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('remote\n');
    expect(mode(dest)).toBe('600');
    expect((await runModule(copy, { src, dest, remote_src: true }, { fixtures })).changed).toBe(false);
  });

  it('validates before replacing (quoted %s)', async () => {
    const bad = join(dir, "v 'q");
    await expect(runModule(copy, { content: 'x\n', dest: bad, validate: 'grep -q y %s' }, { fixtures })).rejects.toMatchObject({
      message: 'failed to validate',
      result: { exit_status: 1 },
    });
    expect(existsSync(bad)).toBe(false);
    const r = await runModule(copy, { content: 'x\n', dest: bad, validate: 'grep -q x %s' }, { fixtures });
    expect(r.changed).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tsplay'))).toEqual([]);
  });

  it('fails like Ansible', async () => {
    await expect(runModule(copy, { dest: join(dir, 'q') }, { fixtures })).rejects.toThrow('src (or content) is required');
    await expect(runModule(copy, { content: 'x', dest: join(dir, 'nd') + '/' }, { fixtures })).rejects.toThrow(
      'can not use content with a dir as dest',
    );
    await expect(runModule(copy, { content: 'x', dest: join(dir, 'nodir', 'f') }, { fixtures })).rejects.toThrow(
      `Destination directory ${join(dir, 'nodir')} does not exist`,
    );
    await expect(runModule(copy, { src: 'nonexist.txt', dest: join(dir, 'q') }, { fixtures })).rejects.toThrow(
      "Could not find or access 'nonexist.txt'",
    );
  });
});
