// SELinux contexts (seuser/serole/setype/selevel) of file-like modules. No host
// here has SELinux (the kernel has none), so an enabled host is simulated: the
// SELinux probe is answered from a table and chcon is recorded, not run; every
// other command runs on the local machine. The proof that the options change
// nothing on a host without SELinux is differential case 146-selinux-options.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, ExecOptions } from '../../src/connection/connection.js';
import { LocalConnection } from '../../src/connection/local.js';
import { SelinuxHost } from './selinux-host.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { planOfSteps, type Module } from '../../src/module-api/module-types.js';
import { withSelinuxContext } from '../../src/file-ops/selinux-module.js';
import { contextWork, parseSelinuxProbe, probeSelinux, selinuxProbeScript, splitContext, type SelinuxProbe } from '../../src/file-ops/selinux-context.js';
import { ScriptedConnection } from '../host/scripted-connection.js';
import { makeContext, tempDir } from './module-harness.js';
import file from '../../modules/file.js';
import copy from '../../modules/copy.js';
import template from '../../modules/template.js';
import lineinfile from '../../modules/lineinfile.js';
import unarchive from '../../modules/unarchive.js';

const ENABLED_MLS = (current?: string, def = 'system_u:object_r:etc_t:s0') =>
  `selinux=enabled\nmls=1\n${current !== undefined ? `current=${current}\n` : ''}default=${def}\n`;

describe('the SELinux probe', () => {
  it('is one round trip whose answer says disabled on a host without SELinux', async () => {
    const conn = new ScriptedConnection([{ match: '/sys/fs/selinux/enforce', reply: { stdout: 'selinux=disabled\n' } }]);
    expect(await probeSelinux(conn, '/etc/x')).toEqual({ enabled: false });
    expect(conn.done).toBe(true);
  });

  it('reads MLS, the current, default and special contexts', async () => {
    const out = 'selinux=enabled\nmls=1\ncurrent=system_u:object_r:tmp_t:s0:c1,c2\ndefault=system_u:object_r:etc_t:s0\nspecial=system_u:object_r:nfs_t:s0\n';
    const conn = new ScriptedConnection([{ match: '\np=/mnt/it\n', reply: { stdout: out } }]);
    expect(await probeSelinux(conn, '/mnt/it')).toEqual({
      enabled: true,
      mls: true,
      current: 'system_u:object_r:tmp_t:s0:c1,c2',
      default: 'system_u:object_r:etc_t:s0',
      special: 'system_u:object_r:nfs_t:s0',
    });
  });

  it('quotes the path, reads the link itself unless following, and runs on this machine as a disabled host', async () => {
    const nasty = "/tmp/a'b $(touch /tmp/pwned)";
    expect(selinuxProbeScript(nasty)).toContain(`p='/tmp/a'"'"'b $(touch /tmp/pwned)'`);
    expect(selinuxProbeScript('/x')).toContain('stat -c %C');
    expect(selinuxProbeScript('/x', true)).toContain('stat -L -c %C');
    // This machine's kernel has no SELinux: the real script must say so.
    const local = new LocalConnection('localhost');
    const viaShell: Connection = { host: 'localhost', exec: (c: string, o?: ExecOptions) => local.exec(c, o), close: async () => undefined };
    expect(await probeSelinux(viaShell, '/etc/passwd')).toEqual({ enabled: false });
  });

  it('splits a level that holds colons into one part, as Ansible does', () => {
    expect(splitContext('u:r:t:s0-s0:c0.c1023')).toEqual(['u', 'r', 't', 's0-s0:c0.c1023']);
    expect(splitContext('u:r:t')).toEqual(['u', 'r', 't']);
  });
});

describe('what to do about a context (table)', () => {
  const p = (s: string): SelinuxProbe => parseSelinuxProbe(s);
  const cases: { name: string; probe: string; spec: Record<string, string>; rewritten?: boolean; follow?: boolean; want: unknown }[] = [
    { name: 'disabled host: nothing', probe: 'selinux=disabled\n', spec: { setype: 'etc_t' }, want: undefined },
    { name: 'equal: nothing', probe: ENABLED_MLS('system_u:object_r:etc_t:s0'), spec: { setype: 'etc_t', seuser: 'system_u' }, want: undefined },
    {
      name: 'type differs: chcon of the whole context',
      probe: ENABLED_MLS('unconfined_u:object_r:user_tmp_t:s0'),
      spec: { setype: 'etc_t' },
      want: {
        changed: true,
        before: ['unconfined_u', 'object_r', 'user_tmp_t', 's0'],
        after: ['unconfined_u', 'object_r', 'etc_t', 's0'],
        command: "chcon -h -- unconfined_u:object_r:etc_t:s0 /p",
      },
    },
    {
      name: '_default parts from matchpathcon',
      probe: ENABLED_MLS('unconfined_u:object_r:user_tmp_t:s0'),
      spec: { seuser: '_default', setype: '_default' },
      want: { changed: true, before: ['unconfined_u', 'object_r', 'user_tmp_t', 's0'], after: ['system_u', 'object_r', 'etc_t', 's0'], command: 'chcon -h -- system_u:object_r:etc_t:s0 /p' },
    },
    {
      name: '_default without a default keeps the current part',
      probe: 'selinux=enabled\ncurrent=u:object_r:tmp_t\ndefault=\n',
      spec: { setype: '_default' },
      want: undefined,
    },
    {
      name: 'selevel ignored when the policy is not MLS',
      probe: 'selinux=enabled\ncurrent=system_u:object_r:etc_t\ndefault=system_u:object_r:etc_t\n',
      spec: { selevel: 's0:c5' },
      want: undefined,
    },
    {
      name: 'selevel set when MLS',
      probe: ENABLED_MLS('system_u:object_r:etc_t:s0'),
      spec: { selevel: 's0:c5' },
      follow: true,
      want: { changed: true, before: ['system_u', 'object_r', 'etc_t', 's0'], after: ['system_u', 'object_r', 'etc_t', 's0:c5'], command: 'chcon -- system_u:object_r:etc_t:s0:c5 /p' },
    },
    {
      name: 'special file system: the mount point context wins',
      probe: `${ENABLED_MLS('system_u:object_r:nfs_t:s0')}special=system_u:object_r:nfs_t:s0\n`,
      spec: { setype: 'etc_t' },
      want: undefined,
    },
    {
      name: 'equal but the module rewrites the file: set it again, unchanged',
      probe: ENABLED_MLS('system_u:object_r:etc_t:s0'),
      spec: { setype: 'etc_t' },
      rewritten: true,
      want: { changed: false, command: 'chcon -h -- system_u:object_r:etc_t:s0 /p' },
    },
    {
      name: 'made by the module: changed, default context with the given parts',
      probe: ENABLED_MLS(undefined),
      spec: { setype: 'httpd_sys_content_t' },
      rewritten: true,
      want: { changed: true, command: 'chcon -h -- system_u:object_r:httpd_sys_content_t:s0 /p' },
    },
    {
      name: 'made by the module, no default known: only the given parts',
      probe: 'selinux=enabled\nmls=1\ndefault=\n',
      spec: { setype: 'etc_t', selevel: 's0' },
      rewritten: true,
      want: { changed: true, command: 'chcon -h -t etc_t -l s0 -- /p' },
    },
    { name: 'absent and not made (lineinfile absent): nothing', probe: ENABLED_MLS(undefined), spec: { setype: 'etc_t' }, want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(contextWork(p(c.probe), c.spec, '/p', { rewritten: c.rewritten, follow: c.follow })).toEqual(c.want);
    });
  }

  it('fails as Ansible does when the context cannot be read', () => {
    expect(() => contextWork(p('selinux=enabled\ncurrent=\n'), { setype: 'etc_t' }, '/p')).toThrow('failed to retrieve selinux context');
  });
});

async function run(module: Module<any, any>, conn: Connection, args: Record<string, unknown>, options: { check?: boolean; fixtures?: string } = {}) {
  const checked = checkArgs(module, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = { ...makeContext(checked.args, { diff: true, check: options.check, fixtures: options.fixtures }), conn };
  const { plan, applied } = await planAndApply(module, ctx, options.check ?? false);
  const changed = applied ? (applied.changed ?? plan.changed) : plan.changed;
  return { changed, result: applied?.result ?? plan.result ?? {}, diff: applied?.diff ?? plan.diff };
}

describe('modules on an SELinux host (simulated probe and chcon)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('file: a different type is predicted by --check with Ansible\'s diff, set once, then ok', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'x');
    const host = new SelinuxHost(new Map([[path, 'unconfined_u:object_r:user_tmp_t:s0']]));
    const args = { path, state: 'file', setype: 'etc_t' };
    const check = await run(file, host, args, { check: true });
    expect(check.changed).toBe(true);
    expect(JSON.parse(check.diff![0]!.before)).toEqual({ path, secontext: ['unconfined_u', 'object_r', 'user_tmp_t', 's0'] });
    expect(JSON.parse(check.diff![0]!.after)).toEqual({ path, secontext: ['unconfined_u', 'object_r', 'etc_t', 's0'] });
    expect(host.chcon).toEqual([]);
    const first = await run(file, host, args);
    expect(first.changed).toBe(true);
    expect(host.chcon).toEqual([`unconfined_u:object_r:etc_t:s0 ${path}`]);
    const second = await run(file, host, args);
    expect(second.changed).toBe(false);
    expect(host.chcon).toHaveLength(1);
  });

  it('file: mode and context in one diff', async () => {
    const path = join(dir, 'd');
    writeFileSync(path, 'x', { mode: 0o644 });
    const host = new SelinuxHost(new Map([[path, 'system_u:object_r:etc_t:s0']]));
    const res = await run(file, host, { path, mode: '0600', seuser: 'unconfined_u' }, { check: true });
    expect(JSON.parse(res.diff![0]!.before)).toMatchObject({ mode: '0644', secontext: ['system_u', 'object_r', 'etc_t', 's0'] });
    expect(JSON.parse(res.diff![0]!.after)).toMatchObject({ mode: '0600', secontext: ['unconfined_u', 'object_r', 'etc_t', 's0'] });
  });

  it('file: state=absent never touches contexts', async () => {
    const host = new SelinuxHost(new Map());
    const res = await run(file, host, { path: join(dir, 'none'), state: 'absent', setype: 'etc_t' });
    expect(res.changed).toBe(false);
    expect(host.sent.some((c) => c.includes('selinux=enabled'))).toBe(false);
  });

  it('copy: a new file gets the default context with the given parts after it is written', async () => {
    const dest = join(dir, 'new.txt');
    const host = new SelinuxHost(new Map());
    const res = await run(copy, host, { content: 'hi\n', dest, setype: 'httpd_sys_content_t' });
    expect(res.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('hi\n');
    expect(host.chcon).toEqual([`system_u:object_r:httpd_sys_content_t:s0 ${dest}`]);
    // Same content, context right: ok, no chcon.
    const again = await run(copy, host, { content: 'hi\n', dest, setype: 'httpd_sys_content_t' });
    expect(again.changed).toBe(false);
    expect(host.chcon).toHaveLength(1);
  });

  it('copy: a rewritten file keeps its old context (set again after the rename)', async () => {
    const dest = join(dir, 'old.txt');
    writeFileSync(dest, 'old\n');
    const host = new SelinuxHost(new Map([[dest, 'system_u:object_r:etc_t:s0']]));
    const res = await run(copy, host, { content: 'new\n', dest, serole: 'object_r' });
    expect(res.changed).toBe(true);
    expect(host.chcon).toEqual([`system_u:object_r:etc_t:s0 ${dest}`]);
  });

  it('template: only the context differs: changed, content untouched', async () => {
    writeFileSync(join(dir, 't.j2'), 'v={{ 1 + 1 }}\n');
    const dest = join(dir, 'out.conf');
    writeFileSync(dest, 'v=2\n');
    const host = new SelinuxHost(new Map([[dest, 'unconfined_u:object_r:user_tmp_t:s0']]));
    const res = await run(template, host, { src: join(dir, 't.j2'), dest, setype: '_default', seuser: '_default' });
    expect(res.changed).toBe(true);
    expect(host.chcon).toEqual([`system_u:object_r:etc_t:s0 ${dest}`]);
    expect(readFileSync(dest, 'utf8')).toBe('v=2\n');
  });

  it('lineinfile: the context change is named in msg as Ansible does', async () => {
    const path = join(dir, 'l.txt');
    writeFileSync(path, 'a\n');
    const host = new SelinuxHost(new Map([[path, 'system_u:object_r:user_tmp_t:s0']]));
    const res = await run(lineinfile, host, { path, line: 'a', setype: 'etc_t' });
    expect(res.changed).toBe(true);
    expect(res.result.msg).toBe('ownership, perms or SE linux context changed');
    const host2 = new SelinuxHost(new Map([[path, 'system_u:object_r:user_tmp_t:s0']]));
    const added = await run(lineinfile, host2, { path, line: 'b', setype: 'etc_t' });
    expect(added.result.msg).toBe('line added and ownership, perms or SE linux context changed');
    // The file was rewritten: its context is set again, in full.
    expect(host2.chcon).toEqual([`system_u:object_r:etc_t:s0 ${path}`]);
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });

  it('unarchive (which plans and unpacks in one step): the context of dest is set after unpacking', async () => {
    const dest = join(dir, 'dest');
    mkdirSync(dest);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
    execFileSync('tar', ['-czf', join(dir, 'a.tgz'), '-C', join(dir, 'src'), 'a.txt']);
    const host = new SelinuxHost(new Map([[dest, 'system_u:object_r:user_tmp_t:s0']]));
    const args = { src: join(dir, 'a.tgz'), dest, remote_src: true, setype: 'etc_t' };
    const res = await run(unarchive, host, args);
    expect(res.changed).toBe(true);
    expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('a\n');
    expect(host.chcon).toEqual([`system_u:object_r:etc_t:s0 ${dest}`]);
    expect((await run(unarchive, host, args)).changed).toBe(false);
    expect(host.chcon).toHaveLength(1);
  });

  it('a module made of steps gets chcon as its last step, in the same round trip', async () => {
    const path = join(dir, 's');
    writeFileSync(path, 'x');
    const stepsOnly: Module<{ path: string; setype?: string }> = {
      name: 'steps_only',
      supportsCheckMode: true,
      schema: { type: 'object', properties: { path: { type: 'string' }, setype: { type: 'string' } } },
      plan: async (ctx) => planOfSteps([{ summary: 'touch', command: ['touch', '--', ctx.args.path] }]),
    };
    const wrapped = withSelinuxContext(stepsOnly, (a) => ({ path: a.path }));
    const host = new SelinuxHost(new Map([[path, 'system_u:object_r:user_tmp_t:s0']]));
    expect((await run(wrapped, host, { path, setype: 'etc_t' })).changed).toBe(true);
    const applied = host.sent.filter((c) => c.includes('chcon'));
    expect(applied).toHaveLength(1);
    expect(applied[0]).toContain('touch');
    expect(host.chcon).toEqual([`system_u:object_r:etc_t:s0 ${path}`]);
  });

  it('without SELinux options nothing extra is sent', async () => {
    const path = join(dir, 'plain');
    writeFileSync(path, 'x');
    const host = new SelinuxHost(new Map());
    await run(file, host, { path, state: 'file' });
    expect(host.sent.some((c) => c.includes('selinux'))).toBe(false);
  });
});
