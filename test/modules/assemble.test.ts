import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import assemble, { assembleFragments, escapeDecode } from '../../modules/assemble.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, 'frags'));
  writeFileSync(join(dir, 'frags/b'), 'second\n');
  writeFileSync(join(dir, 'frags/a'), 'first');
  writeFileSync(join(dir, 'frags/.h'), 'hidden\n');
  mkdirSync(join(dir, 'frags/subdir'));
});
afterEach(() => cleanup());

const frag = (name: string, text: string) => ({ name, data: Buffer.from(text) });

describe('assembling fragments', () => {
  it('adds a newline where a fragment lacks one, and the delimiter (with its newline) between', () => {
    expect(assembleFragments([frag('a', 'x'), frag('b', 'y\n')]).toString()).toBe('x\ny\n');
    expect(assembleFragments([frag('a', 'x\n'), frag('b', 'y')], '#').toString()).toBe('x\n#\ny');
    expect(assembleFragments([frag('a', 'x'), frag('b', 'y')], '--\\n').toString()).toBe('x\n--\ny');
    expect(escapeDecode('a\\tb\\x41\\101\\\\').toString()).toBe('a\tbAA\\');
  });
});

describe('assemble', () => {
  it('assembles host fragments sorted by name, changed only when the content differs', async () => {
    const dest = join(dir, 'out.conf');
    const r = await runModule(assemble, { src: join(dir, 'frags'), dest, delimiter: '## x' });
    expect(r.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('hidden\n## x\nfirst\n## x\nsecond\n');
    expect(r.result).toMatchObject({ dest, src: join(dir, 'frags'), msg: 'OK', state: 'file', size: 30 });
    const again = await runModule(assemble, { src: join(dir, 'frags'), dest, delimiter: '## x' });
    expect(again.changed).toBe(false);
    expect(again.result).toMatchObject({ checksum: r.result.checksum, md5sum: r.result.md5sum, msg: 'OK' });
    writeFileSync(join(dir, 'frags/c'), 'third\n');
    expect((await runModule(assemble, { src: join(dir, 'frags'), dest, delimiter: '## x' })).changed).toBe(true);
  });

  it('filters by regexp and ignore_hidden, and sets the mode', async () => {
    const dest = join(dir, 'out.conf');
    const args = { src: join(dir, 'frags'), dest, regexp: '^[ab]$', ignore_hidden: true, mode: '0600' };
    await runModule(assemble, args);
    expect(readFileSync(dest, 'utf8')).toBe('first\nsecond\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect((await runModule(assemble, args)).changed).toBe(false);
    expect((await runModule(assemble, { ...args, mode: '0644' })).changed).toBe(true);
  });

  it('reads the controller fragments with remote_src: false, with a diff', async () => {
    const dest = join(dir, 'local.conf');
    mkdirSync(join(dir, 'files'));
    const r = await runModule(assemble, { src: join(dir, 'frags'), dest, remote_src: false }, { diff: true, fixtures: dir });
    expect(r.changed).toBe(true);
    expect(r.diff?.[0]).toMatchObject({ before: '', after: 'hidden\nfirst\nsecond\n' });
    expect((await runModule(assemble, { src: join(dir, 'frags'), dest, remote_src: false })).changed).toBe(false);
  });

  it('is skipped in check mode, as Ansible', async () => {
    const r = await runModule(assemble, { src: join(dir, 'frags'), dest: join(dir, 'x') }, { check: true });
    expect(r.changed).toBe(false);
  });

  it('fails for a missing or non-directory source, and a failing validate', async () => {
    await expect(runModule(assemble, { src: join(dir, 'nope'), dest: join(dir, 'x') })).rejects.toThrow(`Source (${join(dir, 'nope')}) does not exist`);
    await expect(runModule(assemble, { src: join(dir, 'frags/a'), dest: join(dir, 'x') })).rejects.toThrow('is not a directory');
    await expect(runModule(assemble, { src: join(dir, 'frags'), dest: join(dir, 'x'), validate: 'false %s' })).rejects.toThrow('failed to validate: rc:1');
  });
});
