import { mkdirSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import find from '../../modules/find.js';
import { fnmatch } from '../../src/file-ops/fnmatch.js';
import { sha1 } from '../../src/host/remote-files.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, 'sub/deep'), { recursive: true });
  mkdirSync(join(dir, '.hid'));
  writeFileSync(join(dir, 'a.txt'), 'alpha\n');
  writeFileSync(join(dir, 'big.log'), 'x'.repeat(2048));
  writeFileSync(join(dir, '.h.txt'), 'h\n');
  writeFileSync(join(dir, 'sub/c.txt'), 'foo\nbar baz\n');
  writeFileSync(join(dir, 'sub/deep/d.txt'), 'deep\n');
  writeFileSync(join(dir, '.hid/in.txt'), 'in\n');
  symlinkSync('sub', join(dir, 'lnk'));
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(dir, 'sub/c.txt'), old, old);
});
afterEach(() => cleanup());

const paths = (r: { result: Record<string, unknown> }) => ((r.result.files as { path: string }[]).map((f) => f.path)).sort();

describe('fnmatch', () => {
  it('matches as Python fnmatch does', () => {
    expect(fnmatch('.hidden', '*')).toBe(true);
    expect(fnmatch('a.txt', '*.txt')).toBe(true);
    expect(fnmatch('a.txt', '?.t[!y]t')).toBe(true);
    expect(fnmatch('a.txt', '*.TXT')).toBe(false);
    expect(fnmatch('a(b)', 'a(b)')).toBe(true);
  });
});

describe('find', () => {
  it('lists the files of a directory, not hidden, not recursing, with stat fields', async () => {
    const r = await runModule(find, { paths: dir }, { check: true });
    expect(r.changed).toBe(false);
    expect(paths(r)).toEqual([join(dir, 'a.txt'), join(dir, 'big.log')]);
    expect(r.result).toMatchObject({ matched: 2, examined: 6, msg: 'All paths examined', skipped_paths: {} });
    const a = (r.result.files as Record<string, unknown>[]).find((f) => f.path === join(dir, 'a.txt'))!;
    expect(a).toMatchObject({ isreg: true, isdir: false, islnk: false, size: 6, nlink: 1, rusr: true });
    expect(a.mode).toMatch(/^0[0-7]{3}$/);
  });

  it('recurses (into hidden directories too), with hidden, patterns, excludes and depth', async () => {
    const all = await runModule(find, { paths: dir, recurse: true, patterns: ['*.txt'], hidden: true });
    expect(paths(all)).toEqual([join(dir, '.h.txt'), join(dir, '.hid/in.txt'), join(dir, 'a.txt'), join(dir, 'sub/c.txt'), join(dir, 'sub/deep/d.txt')]);
    const notHidden = await runModule(find, { paths: dir, recurse: true, patterns: '*.txt', excludes: 'c*' });
    expect(paths(notHidden)).toEqual([join(dir, '.hid/in.txt'), join(dir, 'a.txt'), join(dir, 'sub/deep/d.txt')]);
    const shallow = await runModule(find, { paths: dir, recurse: true, depth: 2, file_type: 'any' });
    expect(paths(shallow)).not.toContain(join(dir, 'sub/deep/d.txt'));
    expect(paths(shallow)).toContain(join(dir, 'sub/deep'));
  });

  it('filters by regex, size, age and content, and returns checksums', async () => {
    expect(paths(await runModule(find, { paths: dir, use_regex: true, patterns: '^a\\.' }))).toEqual([join(dir, 'a.txt')]);
    expect(paths(await runModule(find, { paths: dir, size: '1k' }))).toEqual([join(dir, 'big.log')]);
    expect(paths(await runModule(find, { paths: dir, recurse: true, age: '1w' }))).toEqual([join(dir, 'sub/c.txt')]);
    expect(paths(await runModule(find, { paths: dir, recurse: true, contains: 'bar' }))).toEqual([join(dir, 'sub/c.txt')]);
    expect(paths(await runModule(find, { paths: dir, recurse: true, contains: 'baz' }))).toEqual([]);
    expect(paths(await runModule(find, { paths: dir, recurse: true, contains: 'baz', read_whole_file: true }))).toEqual([join(dir, 'sub/c.txt')]);
    const sums = await runModule(find, { paths: dir, patterns: 'a.txt', get_checksum: true });
    expect((sums.result.files as Record<string, unknown>[])[0]!.checksum).toBe(sha1('alpha\n'));
  });

  it('finds links, follows them when asked, and reports a path that is not a directory', async () => {
    expect(paths(await runModule(find, { paths: dir, file_type: 'link' }))).toEqual([join(dir, 'lnk')]);
    const followed = await runModule(find, { paths: dir, recurse: true, follow: true, patterns: 'c.txt' });
    expect(paths(followed)).toEqual([join(dir, 'lnk/c.txt'), join(dir, 'sub/c.txt')]);
    const r = await runModule(find, { paths: [dir, join(dir, 'a.txt')] });
    expect(r.result.msg).toBe('Not all paths examined, check warnings for details');
    expect(r.result.skipped_paths).toEqual({ [join(dir, 'a.txt')]: `'${join(dir, 'a.txt')}' is not a directory` });
  });

  it('fails on an age it cannot read', async () => {
    await expect(runModule(find, { paths: dir, age: '3y' })).rejects.toThrow('failed to process age');
  });
});
