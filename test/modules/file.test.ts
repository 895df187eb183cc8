import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import file from '../../modules/file.js';
import { makeContext, runModule, tempDir } from './module-harness.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import type { ModuleContext } from '../../src/module-api/module-types.js';

let dir: string;
let cleanup: () => void;
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('file', () => {
  it('creates a directory and its parents with the mode, then is ok', async () => {
    const path = join(dir, 'dir', 'sub');
    const check = await runModule(file, { path, state: 'directory', mode: '0750' }, { check: true, diff: true });
    expect(check.changed).toBe(true);
    expect(check.result).toEqual({ changed: true, path });
    expect(existsSync(path)).toBe(false);
    const r = await runModule(file, { path, state: 'directory', mode: '0750' }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ path, state: 'directory', mode: '0750' });
    expect(r.diff?.[0]?.before).toBe(`{\n    "path": "${path}",\n    "state": "absent"\n}\n`);
    expect(r.diff?.[0]?.after).toBe(`{\n    "mode": "0750",\n    "path": "${path}",\n    "state": "directory"\n}\n`);
    expect(mode(path)).toBe('750');
    expect(mode(join(dir, 'dir'))).toBe('750');
    const again = await runModule(file, { path, state: 'directory', mode: '0750' });
    expect(again.changed).toBe(false);
    expect(again.result).toMatchObject({ path, state: 'directory', mode: '0750' });
  });

  it('creates a directory when a parent appeared after the plan, and fails with the reason when a file is in the way', async () => {
    const checked = checkArgs(file, { path: join(dir, 'a', 'b'), state: 'directory', mode: '0750' });
    if (!checked.ok) throw new Error('bad args');
    const ctx = makeContext(checked.args) as ModuleContext<any>;
    const plan = await file.plan(ctx);
    mkdirSync(join(dir, 'a'), { mode: 0o755 }); // another host on the same file system, between plan and apply
    await file.apply!(ctx, plan);
    expect(mode(join(dir, 'a', 'b'))).toBe('750');
    expect(mode(join(dir, 'a'))).toBe('755'); // found existing: left as it is, as Ansible does

    const blocked = makeContext({ ...checked.args, path: join(dir, 'c', 'd') }) as ModuleContext<any>;
    const plan2 = await file.plan(blocked);
    writeFileSync(join(dir, 'c'), 'a file where the directory should go');
    await expect(file.apply!(blocked, plan2)).rejects.toThrow(/c\/d.*Not a directory|Not a directory/);
    symlinkSync('nowhere', join(dir, 'e'));
    const dangling = makeContext({ ...checked.args, path: join(dir, 'e', 'f') }) as ModuleContext<any>;
    await expect(file.apply!(dangling, await file.plan(dangling))).rejects.toThrow(/cannot create directory .*File exists/);
  });

  it('touch creates, and always changes an existing file', async () => {
    const path = join(dir, 'touched');
    const r = await runModule(file, { path, state: 'touch' }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ dest: path, state: 'file', mode: '0644', size: 0 });
    expect(r.diff?.[0]?.after).toContain('"state": "touch"');
    expect((await runModule(file, { path, state: 'touch' })).changed).toBe(true);
    expect((await runModule(file, { path, state: 'touch', modification_time: 'preserve', access_time: 'preserve' })).changed).toBe(false);
  });

  it('changes a mode symbolically and reports the mode diff', async () => {
    const path = join(dir, 'tp');
    writeFileSync(path, 'x');
    chmodSync(path, 0o600);
    const r = await runModule(file, { path, mode: 'g+r' }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ path, mode: '0640', state: 'file' });
    expect(r.diff?.[0]).toEqual({
      before: `{\n    "mode": "0600",\n    "path": "${path}"\n}\n`,
      after: `{\n    "mode": "0640",\n    "path": "${path}"\n}\n`,
    });
    expect((await runModule(file, { path, mode: 'g+r' })).changed).toBe(false);
  });

  it('makes symlinks and hard links', async () => {
    const target = join(dir, 'tp');
    writeFileSync(target, 'x');
    const ln = join(dir, 'ln');
    const r = await runModule(file, { path: ln, src: target, state: 'link' });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ dest: ln, src: target, state: 'link', mode: '0777' });
    expect(readlinkSync(ln)).toBe(target);
    expect((await runModule(file, { path: ln, src: target, state: 'link' })).changed).toBe(false);
    const other = join(dir, 'other');
    writeFileSync(other, 'y');
    const re = await runModule(file, { path: ln, src: other, state: 'link' }, { diff: true });
    expect(re.changed).toBe(true);
    expect(re.diff?.[0]?.before).toContain(`"src": "${target}"`);
    expect(readlinkSync(ln)).toBe(other);

    const hl = join(dir, 'hl');
    const h = await runModule(file, { path: hl, src: target, state: 'hard' });
    expect(h.changed).toBe(true);
    expect(h.result).toMatchObject({ dest: hl, src: target, state: 'hard' });
    expect(statSync(hl).ino).toBe(statSync(target).ino);
    expect((await runModule(file, { path: hl, src: target, state: 'hard' })).changed).toBe(false);
    await expect(runModule(file, { path: hl, src: other, state: 'hard' })).rejects.toThrow(
      'Cannot link, different hard link exists at destination',
    );
  });

  it('refuses to replace a file by a link without force', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'x');
    await expect(runModule(file, { path, src: '/etc/hostname', state: 'link' })).rejects.toThrow(
      `refusing to convert from file to symlink for ${path}`,
    );
    await expect(runModule(file, { path: join(dir, 'l2'), src: join(dir, 'missing'), state: 'link' })).rejects.toThrow(
      'src file does not exist, use "force=yes" if you really want to create the link',
    );
    const forced = await runModule(file, { path: join(dir, 'l2'), src: 'missing', state: 'link', force: true });
    expect(forced.changed).toBe(true);
    expect(lstatSync(join(dir, 'l2')).isSymbolicLink()).toBe(true);
  });

  it('removes paths (absent) and is ok when already absent', async () => {
    const path = join(dir, 'd');
    mkdirSync(join(path, 'x'), { recursive: true });
    const r = await runModule(file, { path, state: 'absent' }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ path, state: 'absent' });
    expect(r.diff?.[0]?.before).toBe(`{\n    "path": "${path}",\n    "state": "directory"\n}\n`);
    expect(existsSync(path)).toBe(false);
    const again = await runModule(file, { path, state: 'absent' });
    expect(again).toMatchObject({ changed: false, result: { path, state: 'absent' } });
  });

  it('fails like Ansible for state=file on a missing path or a directory', async () => {
    const missing = join(dir, 'missing');
    await expect(runModule(file, { path: missing, state: 'file' })).rejects.toThrow(`file (${missing}) is absent, cannot continue`);
    await expect(runModule(file, { path: missing })).rejects.toThrow(`file (${missing}) is absent, cannot continue`);
    await expect(runModule(file, { path: dir, state: 'file' })).rejects.toThrow(`file (${dir}) is directory, cannot continue`);
    await expect(runModule(file, { path: dir, state: 'file', recurse: true })).rejects.toThrow(
      "recurse option requires state to be 'directory'",
    );
  });

  it('recurse applies a symbolic mode with X below a directory', async () => {
    const path = join(dir, 'tree');
    mkdirSync(join(path, 'sub'), { recursive: true });
    writeFileSync(join(path, 'sub', 'f'), 'x');
    chmodSync(join(path, 'sub', 'f'), 0o666);
    const r = await runModule(file, { path, state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' });
    expect(r.changed).toBe(true);
    expect(mode(join(path, 'sub'))).toBe('750');
    expect(mode(join(path, 'sub', 'f'))).toBe('640');
    expect((await runModule(file, { path, state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' })).changed).toBe(false);
  });

  it('accepts the dest and name aliases and follows links for state=file', async () => {
    const target = join(dir, 't');
    writeFileSync(target, 'x');
    chmodSync(target, 0o644);
    symlinkSync(target, join(dir, 'ln'));
    // No state: the link stays a link and its target gets the mode (follow=yes).
    const r = await runModule(file, { dest: join(dir, 'ln'), mode: '0600' }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ dest: join(dir, 'ln'), state: 'link', mode: '0777', src: target });
    expect(r.diff?.[0]?.before).toContain('"mode": "0644"');
    expect(mode(target)).toBe('600');
    expect((await runModule(file, { name: join(dir, 'ln'), mode: '0600' })).changed).toBe(false);
    // state=file follows the link and reports the real path.
    const f = await runModule(file, { path: join(dir, 'ln'), state: 'file', mode: '0640' });
    expect(f.result).toMatchObject({ changed: true, path: target, state: 'file', mode: '0640' });
  });
});
