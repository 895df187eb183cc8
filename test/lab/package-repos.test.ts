// The stand-in package repositories (package-repos.ts) on a real lab host:
// apt-get and dnf install stand-ins (with a dependency) from them, a stand-in's
// unit starts, and a newer version published later is seen as an upgrade.
//
// Leaves on its host h1: /srv/repo-deb and /srv/repo-rpm with their source
// files (/etc/apt/sources.list.d/tsplay-stand-ins.list, the host's other apt
// sources renamed *.disabled, /etc/yum.repos.d/tsplay-stand-ins.repo), the
// packages standin-deb-common/-daemon (dpkg) and standin-rpm-common/-daemon
// (rpm) at version 2.0, and the units standin-deb-daemon and
// standin-rpm-daemon running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootLab, describeLab, type Lab } from './lab.js';
import { buildDebRepo, buildRpmRepo, installRepoOnHost, type RepoKind, type StandInPackage } from './package-repos.js';

// Package managers on a loaded 2-core machine: room, not a speed check.
const SLOW = { timeoutMs: 240_000 };
const TEST_TIMEOUT = 300_000;

/** A daemon stand-in that needs a common package, both at `version`. */
function standIns(kind: RepoKind, version: string): StandInPackage[] {
  return [
    { name: `standin-${kind}-common`, version, files: { [`/etc/standin-${kind}/version`]: `${version}\n` } },
    {
      name: `standin-${kind}-daemon`,
      version,
      // In the unit's Description: shows that an upgrade reloads systemd.
      summary: `stand-in daemon ${version}`,
      depends: [`standin-${kind}-common`],
      files: { [`/usr/bin/standin-${kind}-daemon`]: `#!/bin/sh\necho ${version}\n` },
      unit: { name: `standin-${kind}-daemon` },
    },
  ];
}

describeLab('stand-in package repositories on a lab host', () => {
  let lab: Lab | undefined;
  let work = '';
  const repo = (kind: RepoKind): string => join(work, kind);

  async function sh(command: string): Promise<string> {
    const r = await lab!.exec('h1', command, SLOW);
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  async function publish(version: string): Promise<void> {
    await buildDebRepo(repo('deb'), standIns('deb', version));
    await buildRpmRepo(repo('rpm'), standIns('rpm', version));
    await installRepoOnHost(lab!, 'h1', 'deb', repo('deb'), { writeSource: true, disableOtherSources: true });
    await installRepoOnHost(lab!, 'h1', 'rpm', repo('rpm'), { writeSource: true });
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tsplay-repos-test-'));
    lab = await bootLab({ hosts: 1 });
    await publish('1.0');
  });
  afterAll(async () => {
    try {
      await lab?.destroy();
    } finally {
      if (work) rmSync(work, { recursive: true, force: true });
    }
  });

  it('apt-get installs a stand-in and its dependency from the deb repository; its unit starts', async () => {
    await sh('apt-get update -q');
    await sh('DEBIAN_FRONTEND=noninteractive apt-get install -y -q standin-deb-daemon');
    expect(await sh("dpkg-query -W -f='${Package} ${Version}\\n' standin-deb-common standin-deb-daemon")).toBe(
      'standin-deb-common 1.0-1\nstandin-deb-daemon 1.0-1\n',
    );
    expect(await sh('standin-deb-daemon')).toBe('1.0\n');
    expect(await sh('cat /usr/lib/systemd/system/standin-deb-daemon.service')).toContain('ExecStart=/bin/sleep infinity');
    await sh('systemctl start standin-deb-daemon');
    expect(await sh('systemctl is-active standin-deb-daemon')).toBe('active\n');
  }, TEST_TIMEOUT);

  it('dnf installs a stand-in and its dependency from the rpm repository; its unit starts', async () => {
    await sh('dnf install -y -q standin-rpm-daemon');
    expect(await sh("rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\\n' standin-rpm-common standin-rpm-daemon")).toBe(
      'standin-rpm-common 1.0-1\nstandin-rpm-daemon 1.0-1\n',
    );
    expect(await sh('standin-rpm-daemon')).toBe('1.0\n');
    await sh('systemctl start standin-rpm-daemon');
    expect(await sh('systemctl is-active standin-rpm-daemon')).toBe('active\n');
  }, TEST_TIMEOUT);

  it('a newer version published later is an upgrade for apt-get --only-upgrade and dnf upgrade', async () => {
    await publish('2.0');
    await sh('apt-get update -q');
    await sh('DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade standin-deb-daemon standin-deb-common');
    expect(await sh("dpkg-query -W -f='${Version}\\n' standin-deb-daemon")).toBe('2.0-1\n');
    expect(await sh('cat /etc/standin-deb/version')).toBe('2.0\n');
    // dnf caches the repository's metadata like apt: --refresh sees the new version.
    await sh('dnf upgrade --refresh -y -q standin-rpm-daemon standin-rpm-common');
    expect(await sh("rpm -q --qf '%{VERSION}\\n' standin-rpm-daemon")).toBe('2.0\n');
    expect(await sh('cat /etc/standin-rpm/version')).toBe('2.0\n');
    expect(await sh('standin-rpm-daemon')).toBe('2.0\n');
    // Each package's scriptlet ran `systemctl daemon-reload`: systemd has the new unit.
    for (const kind of ['deb', 'rpm']) {
      expect(await sh(`systemctl show -P Description standin-${kind}-daemon`)).toBe('stand-in daemon 2.0\n');
    }
  }, TEST_TIMEOUT);
});
