// yum_repository and apt_repository on real hosts: local repositories of
// stand-in packages are copied to the hosts without their source files, the
// modules write those (then dnf and apt install from them); --check writes
// nothing, a second run changes nothing, --diff shows the file's change, and
// state=absent removes the section / line and the emptied file.
// Leaves on its hosts: /srv/repo-deb and /srv/repo-rpm (other apt sources
// renamed *.disabled); packages rp-deb-tool and rp-rpm-tool installed; no
// .repo or .list file of its own (the last test removes them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { buildDebRepo, buildRpmRepo, HOST_REPO_DIR, installRepoOnHost } from '../lab/package-repos.js';
import { recap, show, useLab } from './helpers.js';

const HOSTS = ['h1', 'h2'];
const SLOW = 300_000;
const REPO_FILE = '/etc/yum.repos.d/rp-stand-ins.repo';
const LIST_FILE = '/etc/apt/sources.list.d/rp-stand-ins.list';
const work = mkdtempSync(join(tmpdir(), 'tsplay-repositories-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const play = (tasks: string) => `- hosts: lab
  gather_facts: false
  tasks:
${tasks}`;

const ADD = play(`    - yum_repository:
        name: rp-stand-ins
        description: stand-in packages
        baseurl: file://${HOST_REPO_DIR.rpm}
        gpgcheck: false
        priority: 10
    - dnf:
        name: rp-rpm-tool
    - apt_repository:
        repo: deb [trusted=yes] file:${HOST_REPO_DIR.deb} ./
        filename: rp-stand-ins
    - apt:
        name: rp-deb-tool
`);

const REMOVE = play(`    - yum_repository:
        name: rp-stand-ins
        state: absent
    - apt_repository:
        repo: deb [trusted=yes] file:${HOST_REPO_DIR.deb} ./
        state: absent
        update_cache: false
`);

describeLab('yum_repository and apt_repository on lab hosts', () => {
  const ctx = useLab(2, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    const tool = (prefix: string) => [{ name: `${prefix}-tool`, version: '1.0', files: { [`/usr/bin/${prefix}-tool`]: '#!/bin/sh\necho 1.0\n' } }];
    await buildDebRepo(join(work, 'deb'), tool('rp-deb'));
    await buildRpmRepo(join(work, 'rpm'), tool('rp-rpm'));
    for (const h of HOSTS) {
      await installRepoOnHost(c.lab, h, 'deb', join(work, 'deb'), { disableOtherSources: true });
      await installRepoOnHost(c.lab, h, 'rpm', join(work, 'rpm'));
    }
  });
  const run = (name: string, text: string, ...extra: string[]) => {
    ctx.write(name, text);
    return ctx.tsplay(['run', `${ctx.dir}/${name}`, '-i', `${ctx.dir}/inventory.ini`, ...extra], { timeoutMs: SLOW });
  };
  const cat = async (host: string, path: string) => (await ctx.lab.exec(host, `cat ${path} 2>/dev/null || echo ABSENT`)).stdout;
  const installed = async (host: string) =>
    (await ctx.lab.exec(host, `rpm -q --qf '%{VERSION}' rp-rpm-tool; dpkg-query -W -f=' \${Version}' rp-deb-tool`)).stdout.trim();

  it('--check predicts the writes with their diff and writes nothing', { timeout: SLOW }, async () => {
    const text = play(`    - yum_repository:
        name: rp-stand-ins
        description: stand-in packages
        baseurl: file://${HOST_REPO_DIR.rpm}
        gpgcheck: false
    - apt_repository:
        repo: deb [trusted=yes] file:${HOST_REPO_DIR.deb} ./
        filename: rp-stand-ins
`);
    const check = await run('check.yml', text, '--check', '--diff');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 2, failed: 0 }, h2: { changed: 2, failed: 0 } });
    expect(check.stdout).toContain('+[rp-stand-ins]');
    expect(check.stdout).toContain(`+baseurl = file://${HOST_REPO_DIR.rpm}`);
    expect(check.stdout).toContain(`+deb [trusted=yes] file:${HOST_REPO_DIR.deb} ./`);
    for (const h of HOSTS) {
      expect(await cat(h, REPO_FILE)).toBe('ABSENT\n');
      expect(await cat(h, LIST_FILE)).toBe('ABSENT\n');
    }
  });

  it('the modules write the source files that dnf and apt then install from; a second run changes nothing', { timeout: SLOW }, async () => {
    const first = await run('add.yml', ADD);
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 4, failed: 0 }, h2: { changed: 4, failed: 0 } });
    for (const h of HOSTS) {
      expect(await cat(h, REPO_FILE)).toBe(
        `[rp-stand-ins]\nbaseurl = file://${HOST_REPO_DIR.rpm}\ngpgcheck = 0\nname = stand-in packages\npriority = 10\n\n`,
      );
      expect(await cat(h, LIST_FILE)).toBe(`deb [trusted=yes] file:${HOST_REPO_DIR.deb} ./\n`);
      expect(await installed(h)).toBe('1.0 1.0-1');
    }
    const again = await run('add.yml', ADD);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0, failed: 0 }, h2: { changed: 0, failed: 0 } });
  });

  it('a changed option rewrites the section, with its diff; the line already present elsewhere stays put', { timeout: SLOW }, async () => {
    const text = play(`    - yum_repository:
        name: rp-stand-ins
        description: stand-in packages
        baseurl: file://${HOST_REPO_DIR.rpm}
        gpgcheck: false
        priority: 20
    - apt_repository:
        repo: deb  [trusted=yes]   file:${HOST_REPO_DIR.deb} ./
        filename: another-name
`);
    const r = await run('change.yml', text, '--diff');
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { changed: 1, failed: 0 }, h2: { changed: 1, failed: 0 } });
    expect(r.stdout).toContain('-priority = 10');
    expect(r.stdout).toContain('+priority = 20');
    expect(await cat('h1', '/etc/apt/sources.list.d/another-name.list')).toBe('ABSENT\n');
  });

  it('state=absent removes the section and the line, and the files they leave empty; then ok', { timeout: SLOW }, async () => {
    const check = await run('remove.yml', REMOVE, '--check');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 2 }, h2: { changed: 2 } });
    expect(await cat('h1', REPO_FILE)).not.toBe('ABSENT\n');
    const first = await run('remove.yml', REMOVE, '--diff');
    expect(recap(first.stdout), show(first)).toMatchObject({ h1: { changed: 2, failed: 0 }, h2: { changed: 2, failed: 0 } });
    expect(first.stdout).toContain('-[rp-stand-ins]');
    for (const h of HOSTS) {
      expect(await cat(h, REPO_FILE)).toBe('ABSENT\n');
      expect(await cat(h, LIST_FILE)).toBe('ABSENT\n');
    }
    const again = await run('remove.yml', REMOVE);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0, failed: 0 }, h2: { changed: 0, failed: 0 } });
  });
});
