// apt: its options are Ansible 2.14's (ansible-doc), and the commands they
// become: apt-get's flags, the policy-rc.d wrapper, --simulate for check mode,
// and the cache update retried with backoff (run here against a stand-in
// apt-get that fails, counting its calls).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import apt from '../../modules/apt.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { expectOptions, hasAnsibleDoc, installedOptions, type AnsibleOption } from './ansible-options.js';
import { commandText } from '../../src/host/run.js';
import { parseAptPackages } from '../../src/system-facts/packages.js';
import { buildDepStep, cleanupStep, installStep, markManualStep, removeStep, updateCacheStep, updateFailure, upgradeStep, type AptOptions } from '../../src/packages/apt-commands.js';

/** ansible-doc --json -t module apt (ansible-core 2.14): type, default, choices, aliases. */
const ANSIBLE_OPTIONS: Record<string, AnsibleOption> = {
  allow_change_held_packages: { type: 'bool', default: false },
  allow_downgrade: { type: 'bool', default: false, aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
  allow_unauthenticated: { type: 'bool', default: false, aliases: ['allow-unauthenticated'] },
  autoclean: { type: 'bool', default: false },
  autoremove: { type: 'bool', default: false },
  cache_valid_time: { type: 'int', default: 0 },
  clean: { type: 'bool', default: false },
  deb: { type: 'path' },
  default_release: { type: 'str', aliases: ['default-release'] },
  dpkg_options: { type: 'str', default: 'force-confdef,force-confold' },
  fail_on_autoremove: { type: 'bool', default: false },
  force: { type: 'bool', default: false },
  force_apt_get: { type: 'bool', default: false },
  install_recommends: { type: 'bool', aliases: ['install-recommends'] },
  lock_timeout: { type: 'int', default: 60 },
  name: { type: 'list', aliases: ['package', 'pkg'] },
  only_upgrade: { type: 'bool', default: false },
  policy_rc_d: { type: 'int' },
  purge: { type: 'bool', default: false },
  state: { type: 'str', default: 'present', choices: ['absent', 'build-dep', 'fixed', 'latest', 'present'] },
  update_cache: { type: 'bool', aliases: ['update-cache'] },
  update_cache_retries: { type: 'int', default: 5 },
  update_cache_retry_max_delay: { type: 'int', default: 12 },
  upgrade: { type: 'str', default: 'no', choices: ['dist', 'full', 'no', 'safe', 'yes'] },
};

describe('apt options', () => {
  it("are ansible-doc's: names, types, defaults, choices and aliases, each described", () => {
    expectOptions(apt, ANSIBLE_OPTIONS);
    expect(checkArgs(apt, { name: 'a,b', upgrade: 'no' }).ok).toBe(false);
    expect(checkArgs(apt, { name: 'a', policy_rc_d: 101, 'allow-unauthenticated': true }).ok).toBe(true);
    // Ansible's required_one_of always holds (upgrade has a default): clean alone is a task.
    expect(checkArgs(apt, { clean: true }).ok).toBe(true);
    expect(checkArgs(apt, { name: 'a', nope: 1 }).ok).toBe(false);
  });

  it.skipIf(!hasAnsibleDoc && process.env.CI !== 'true')('match the installed ansible-doc', () => {
    // ansible-doc names the list option `name` with aliases package, pkg.
    expect(installedOptions('apt')).toEqual(ANSIBLE_OPTIONS);
  });
});

describe('apt-get commands', () => {
  const base: AptOptions = {
    purge: false,
    autoremove: false,
    allowDowngrade: false,
    allowUnauthenticated: false,
    allowChangeHeld: false,
    failOnAutoremove: false,
    onlyUpgrade: false,
    force: false,
    dpkgOptions: 'force-confdef,force-confold',
  };

  it("carries each option as Ansible's apt-get command does", () => {
    const all = { ...base, allowUnauthenticated: true, allowChangeHeld: true, failOnAutoremove: true, allowDowngrade: true, onlyUpgrade: true, force: true, installRecommends: false };
    const argv = installStep(all, ['a', 'b=1.0']).command as string[];
    for (const flag of ['--allow-unauthenticated', '--allow-change-held-packages', '--no-remove', '--allow-downgrades', '--only-upgrade', '--force-yes', 'APT::Install-Recommends=no']) {
      expect(argv, flag).toContain(flag);
    }
    expect(argv.slice(-3)).toEqual(['install', 'a', 'b=1.0']);
    const release = installStep({ ...base, defaultRelease: 'next', fixBroken: true }, ['a']).command as string[];
    expect(release.join(' ')).toContain('-t next');
    expect(release).toContain('--fix-broken');
    expect((buildDepStep({ ...base, allowChangeHeld: true }, ['src']).command as string[]).slice(-2)).toEqual(['build-dep', 'src']);
    expect(removeStep({ ...base, defaultRelease: 'next' }, ['a']).command).not.toContain('-t');
    expect(installStep(base, ['a']).command).not.toContain('--no-remove');
    // A held package is not removed, even when allowed (Ansible's remove() has no such flag).
    expect(removeStep({ ...all, purge: true }, ['a']).command).not.toContain('--allow-change-held-packages');
    expect(removeStep({ ...all, purge: true }, ['a']).command).toContain('--purge');
    expect(cleanupStep({ ...base, purge: true, simulate: true }, 'autoremove').command).toEqual(expect.arrayContaining(['--simulate', '--purge', 'autoremove']));
  });

  it("upgrades as Ansible with apt-get: dist/full are dist-upgrade, yes/safe upgrade --with-new-pkgs", () => {
    expect((upgradeStep({ ...base, autoremove: true }, 'full').command as string[]).slice(-2)).toEqual(['dist-upgrade', '--auto-remove']);
    expect((upgradeStep(base, 'safe').command as string[]).slice(-2)).toEqual(['upgrade', '--with-new-pkgs']);
    expect(upgradeStep({ ...base, failOnAutoremove: true, allowChangeHeld: true }, 'yes').command).toContain('--no-remove');
    expect(upgradeStep({ ...base, allowChangeHeld: true }, 'yes').command).not.toContain('--allow-change-held-packages');
    expect(markManualStep(['a', 'b']).command).toEqual(['apt-mark', 'manual', 'a', 'b']);
  });

  it('runs under a policy-rc.d of the given code, never for a simulation', () => {
    const text = commandText(installStep({ ...base, policyRcD: 101 }, ['a']).command);
    expect(text).toContain("printf '#!/bin/sh\\nexit %d\\n' 101 > /usr/sbin/policy-rc.d");
    expect(text).toContain('mv "$b/policy-rc.d" /usr/sbin/policy-rc.d');
    expect(text).toMatch(/else rm -f \/usr\/sbin\/policy-rc.d; fi; exit \$rc$/);
    expect(installStep({ ...base, policyRcD: 101, simulate: true }, ['a']).command).toContain('--simulate');
  });

  it("words a failed update as python-apt's W:/E: lines", () => {
    expect(updateFailure('W: one\nE: two\nsomething else\n')).toBe('Failed to update apt cache: W:one, E:two');
    expect(updateFailure('')).toBe('Failed to update apt cache: unknown reason');
  });

  describe('the cache update, against a stand-in apt-get', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-apt-update-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const calls = join(dir, 'calls');
    // Fails until its call number reaches $OK_AT (never when unset).
    writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\necho x >> ${calls}\nn=$(wc -l < ${calls})\n[ "$n" = "\${OK_AT:-0}" ] && exit 0\necho "E: boom $n" >&2\nexit 100\n`);
    chmodSync(join(dir, 'apt-get'), 0o755);
    const run = (retries: number, okAt?: number) => {
      writeFileSync(calls, '');
      const step = updateCacheStep({ validSeconds: 0, retries, maxDelay: 0 });
      const r = spawnSync('/bin/sh', ['-c', commandText(step.command)], {
        encoding: 'utf8',
        env: { PATH: `${dir}:/usr/bin:/bin`, ...(okAt ? { OK_AT: String(okAt) } : {}) },
      });
      return { rc: r.status, stderr: r.stderr, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, message: step.failure!({ rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }) };
    };

    it('tries `retries` times, then fails with the last error', () => {
      const r = run(3);
      expect(r.calls).toBe(3);
      expect(r.rc).not.toBe(0);
      expect(r.message).toBe('Failed to update apt cache: E:boom 3');
    });

    it('stops at the first success', () => {
      const r = run(5, 2);
      expect(r.calls).toBe(2);
      expect(r.rc).toBe(0);
    });

    it('with no tries, fails for an unknown reason', () => {
      const r = run(0);
      expect(r.calls).toBe(0);
      expect(r.message).toBe('Failed to update apt cache: unknown reason');
    });
  });
});

describe("package_facts' apt category", () => {
  it("is the section of the installed version's record in apt's cache (python-apt's), else dpkg's", () => {
    const out = [
      'amd64',
      '@@dpkg',
      'ii \tdebugedit\t1:5.0-5\tamd64\tdevel',
      'ii \tadduser\t3.134\tall\tadmin',
      'ii \tlocal\t1.0\tall\tmisc',
      '@@files',
      '@@versions',
      '@@sections',
      'Package: debugedit',
      'Version: 1:5.0-4',
      'Architecture: amd64',
      'Section: other-version',
      '',
      'Package: debugedit',
      'Version: 1:5.0-5',
      'Architecture: amd64',
      'Section: admin',
      '',
      'Package: debugedit',
      'Version: 1:5.0-5',
      'Architecture: amd64',
      'Section: second-record',
      '',
      'Package: adduser',
      'Architecture: all',
      'Version: 3.134',
      'Section: admin',
      '',
      'Package: local',
      'Architecture: all',
      'Version: 1.0',
      '',
    ].join('\n');
    const facts = parseAptPackages(out);
    expect(facts.debugedit![0]!.category).toBe('admin');
    expect(facts.adduser![0]!.category).toBe('admin');
    expect(facts.local![0]!.category).toBe('misc');
  });
});
