// apt, dnf, yum and package on real hosts, from local repositories of
// stand-in packages (test/lab/package-repos.ts): install (one transaction for
// all names), then ok; --check predicts the real run and installs nothing; a
// package nobody offers fails that host with the manager's reason while the
// other carries on; `latest` upgrades once a newer version is published;
// absent removes. The hosts are Debian with Debian's dnf beside apt (no yum
// binary: the yum module uses dnf, with a warning).
// Leaves on its hosts: /srv/repo-deb, /srv/repo-rpm and their source files
// (other apt sources renamed *.disabled); packages pk-* installed or removed
// as the last test left them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { buildDebRepo, buildRpmRepo, installRepoOnHost, type StandInPackage } from '../lab/package-repos.js';
import { recap, show, useLab } from './helpers.js';

const HOSTS = ['h1', 'h2'];
const SLOW = 300_000;
const work = mkdtempSync(join(tmpdir(), 'tsplay-packages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const standIns = (prefix: string, version: string): StandInPackage[] => [
  { name: `${prefix}-lib`, version, files: { [`/etc/${prefix}/lib-version`]: `${version}\n` } },
  { name: `${prefix}-app`, version, depends: [`${prefix}-lib`], unit: { name: `${prefix}-app` } },
  { name: `${prefix}-tool`, version, files: { [`/usr/bin/${prefix}-tool`]: `#!/bin/sh\necho ${version}\n` } },
];

const play = (tasks: string, facts = false) => `- hosts: lab
  gather_facts: ${facts}
  tasks:
${tasks}`;

describeLab('package modules on lab hosts (local repositories)', () => {
  const publish = async (ctx: { lab: Parameters<typeof installRepoOnHost>[0] }, version: string) => {
    await buildDebRepo(join(work, 'deb'), standIns('pk-deb', version));
    await buildRpmRepo(join(work, 'rpm'), standIns('pk-rpm', version));
    for (const h of HOSTS) {
      await installRepoOnHost(ctx.lab, h, 'deb', join(work, 'deb'), { writeSource: true, disableOtherSources: true });
      await installRepoOnHost(ctx.lab, h, 'rpm', join(work, 'rpm'), { writeSource: true });
    }
  };
  const ctx = useLab(2, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    await publish(c, '1.0');
    for (const h of HOSTS) await c.sh(h, 'apt-get update -q >/dev/null');
  });
  const run = (name: string, text: string, ...extra: string[]) => {
    ctx.write(name, text);
    return ctx.tsplay(['run', `${ctx.dir}/${name}`, '-i', `${ctx.dir}/inventory.ini`, ...extra], { timeoutMs: SLOW });
  };
  const dpkg = async (host: string, name: string) =>
    (await ctx.lab.exec(host, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${name} 2>/dev/null`)).stdout.trim();
  const rpm = async (host: string, name: string) =>
    (await ctx.lab.exec(host, `if rpm -q ${name} >/dev/null 2>&1; then rpm -q --qf '%{VERSION}' ${name}; fi`)).stdout.trim();

  it('apt installs a list in one transaction; --check predicts it and installs nothing; then ok', { timeout: SLOW }, async () => {
    const text = play(`    - apt:
        name: pk-deb-app,pk-deb-tool
        state: present
`);
    const check = await run('apt.yml', text, '--check', '--diff');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 1, failed: 0 }, h2: { changed: 1, failed: 0 } });
    expect(check.stdout).toContain('pk-deb-app pk-deb-tool');
    expect(await dpkg('h1', 'pk-deb-app'), 'nothing installed by --check').toBe('');
    const first = await run('apt.yml', text);
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 1, failed: 0 }, h2: { changed: 1, failed: 0 } });
    for (const h of HOSTS) {
      expect(await dpkg(h, 'pk-deb-app')).toBe('ii 1.0-1');
      expect(await dpkg(h, 'pk-deb-lib'), 'its dependency').toBe('ii 1.0-1');
    }
    const again = await run('apt.yml', text);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });

  it("a package nobody offers fails that host with the manager's reason; the other carries on", { timeout: SLOW }, async () => {
    const r = await run(
      'missing.yml',
      play(`    - apt:
        name: "{{ 'pk-deb-nosuch' if inventory_hostname == 'h1' else 'pk-deb-lib' }}"
    - dnf:
        name: "{{ 'pk-rpm-nosuch' if inventory_hostname == 'h2' else 'pk-rpm-lib' }}"
`),
    );
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain("No package matching 'pk-deb-nosuch' is available");
    expect(r.stdout).toContain('No package pk-rpm-nosuch available.');
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { failed: 1 }, h2: { failed: 1 } });
  });

  it('latest upgrades after a newer version is published (update_cache first, not a change)', { timeout: SLOW }, async () => {
    await publish(ctx, '2.0');
    const text = play(`    - apt:
        name: [pk-deb-app, pk-deb-lib]
        state: latest
        update_cache: true
    - dnf:
        name: pk-rpm-app
        state: latest
        update_cache: true
`);
    const first = await run('latest.yml', text);
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 2, failed: 0 }, h2: { changed: 2, failed: 0 } });
    for (const h of HOSTS) {
      expect(await dpkg(h, 'pk-deb-app')).toBe('ii 2.0-1');
      expect(await rpm(h, 'pk-rpm-app')).toBe('2.0');
    }
    const again = await run('latest.yml', text);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });

  it('dnf and yum (dnf here, with a warning) install and remove; package dispatches to apt', { timeout: SLOW }, async () => {
    const text = play(`    - yum: name=pk-rpm-tool state=present
    - package: name=pk-deb-lib state=absent
    - dnf: name=pk-rpm-app state=absent
`);
    const check = await run('rpm.yml', text, '--check');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 3, failed: 0 }, h2: { changed: 3, failed: 0 } });
    const first = await run('rpm.yml', text);
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 3, failed: 0 }, h2: { changed: 3, failed: 0 } });
    expect(first.stderr).toContain('[WARNING]: yum is not installed on this host: using dnf for the yum module');
    for (const h of HOSTS) {
      expect(await rpm(h, 'pk-rpm-tool')).toBe('2.0');
      expect(await rpm(h, 'pk-rpm-app')).toBe('');
      expect(await dpkg(h, 'pk-deb-lib')).toBe('');
    }
    const again = await run('rpm.yml', text);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });

  it('apt installs a .deb file on the host (deb), unless that version already is', { timeout: SLOW }, async () => {
    const deb = (await ctx.sh('h1', 'ls /srv/repo-deb/pk-deb-tool_2.0*.deb')).trim();
    const text = play(`    - apt:
        deb: ${deb}
`);
    const check = await run('deb.yml', text, '--check');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 1, failed: 0 }, h2: { changed: 1, failed: 0 } });
    expect(await dpkg('h1', 'pk-deb-tool')).not.toBe('ii 2.0-1');
    const first = await run('deb.yml', text);
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 1, failed: 0 }, h2: { changed: 1, failed: 0 } });
    for (const h of HOSTS) expect(await dpkg(h, 'pk-deb-tool')).toBe('ii 2.0-1');
    const again = await run('deb.yml', text);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });
});
