// Acceptance 5: host key checking against lab hosts. An unknown key is refused
// (nothing runs there; the message has the SHA256 fingerprint);
// --host-key-checking=accept-new records it; a changed key is refused even
// with accept-new.
// Leaves on its hosts: /tmp/hk-<tag>; its last test gives h3 new host keys,
// which a later test would have to expect.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - copy: content="ran" dest=/tmp/hk-{{ tag }}
`;

describeLab('host key checking on lab hosts', () => {
  const ctx = useLab(3, async (c) => {
    c.write('play.yml', PLAY);
    c.write('lab.ini', c.lab.inventory);
  });

  /** A HOME whose known_hosts holds the lab keys of `known` hosts only. */
  const homeKnowing = (name: string, known: string[]) => {
    const home = join(ctx.dir, name);
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const addresses = known.map((h) => ctx.address(h));
    const lines = readFileSync(ctx.lab.knownHostsFile, 'utf8').split('\n').filter((l) => addresses.includes(l.split(' ')[0]!));
    const file = join(home, '.ssh', 'known_hosts');
    writeFileSync(file, lines.map((l) => l + '\n').join(''));
    return { home, file };
  };
  const run = (home: string, tag: string, ...extra: string[]) =>
    ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', `${ctx.dir}/lab.ini`, '-e', `tag=${tag}`, ...extra], { env: { HOME: home } });
  const ran = async (host: string, tag: string) => (await ctx.lab.exec(host, `test -e /tmp/hk-${tag}`)).code === 0;
  const fingerprint = async (host: string) =>
    (await ctx.sh(host, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1]!;

  it('refuses an unknown host key with its SHA256 fingerprint; the known hosts run', async () => {
    const { home } = homeKnowing('home-unknown', ['h1', 'h3']);
    const r = await run(home, 'unknown');
    expect(r.code, show(r)).toBe(4);
    const fp = await fingerprint('h2');
    expect(fp).toMatch(/^SHA256:/);
    expect(r.stdout).toMatch(/fatal: \[h2\]: UNREACHABLE!/);
    expect(r.stdout).toContain(fp);
    const rc = recap(r.stdout);
    expect(rc.h2).toMatchObject({ ok: 0, unreachable: 1 });
    expect(rc.h1).toMatchObject({ ok: 1, changed: 1, unreachable: 0 });
    expect(await ran('h2', 'unknown')).toBe(false);
    expect(await ran('h1', 'unknown')).toBe(true);
  });

  it('--host-key-checking=accept-new records the new key, and strict accepts it afterwards', async () => {
    const { home, file } = homeKnowing('home-accept', ['h1', 'h3']);
    const r = await run(home, 'accept', '--host-key-checking=accept-new');
    expect(r.code, show(r)).toBe(0);
    expect(await ran('h2', 'accept')).toBe(true);
    const h2 = ctx.address('h2');
    const added = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${h2} `));
    expect(added).toHaveLength(1);
    const pub = (await ctx.sh('h2', 'cat /etc/ssh/ssh_host_ed25519_key.pub')).split(' ').slice(0, 2).join(' ');
    expect(added[0]).toBe(`${h2} ${pub}`);
    const again = await run(home, 'accept-strict');
    expect(again.code, show(again)).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${h2} `))).toHaveLength(1);
  });

  it('refuses a changed host key, even with accept-new', async () => {
    await ctx.sh('h3', 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh');
    // Wait until sshd answers again.
    for (let i = 0; i < 50; i++) {
      if ((await ctx.lab.exec('h3', 'systemctl is-active ssh')).stdout.trim() === 'active') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { home, file } = homeKnowing('home-changed', ['h1', 'h2', 'h3']);
    const before = readFileSync(file, 'utf8');
    for (const mode of ['strict', 'accept-new']) {
      const r = await run(home, `changed-${mode}`, `--host-key-checking=${mode}`);
      expect(r.code, show(r)).toBe(4);
      expect(r.stdout).toMatch(/fatal: \[h3\]: UNREACHABLE!.*REMOTE HOST IDENTIFICATION HAS CHANGED/);
      expect(r.stdout).toContain(await fingerprint('h3'));
      expect(recap(r.stdout).h3).toMatchObject({ ok: 0, unreachable: 1 });
      expect(recap(r.stdout).h1).toMatchObject({ ok: 1, unreachable: 0 });
      expect(await ran('h3', `changed-${mode}`)).toBe(false);
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
