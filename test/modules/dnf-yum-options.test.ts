// dnf's and yum's options beyond name/state, run on this machine with its real
// dnf against a local repository, in an installroot with a configuration file
// of the test's own (conf_file, releasever, installroot: the machine's own
// rpm database and repositories are never touched): download_only and
// download_dir, install_weak_deps, allowerasing, nobest, disable_excludes,
// cacheonly, update_only, autoremove, use_backend; each --check predicting
// the real run, and a second run changing nothing where Ansible's does not.
// The lab runs the same options side by side with Ansible
// (test/integration/ssh-cases/dnf-options.yml).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnf from '../../modules/dnf.js';
import yum from '../../modules/yum.js';
import yumRepository from '../../modules/yum_repository.js';
import type { Connection } from '../../src/connection/connection.js';
import { SelinuxHost } from './selinux-host.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { ModuleFailure, type Module } from '../../src/module-api/module-types.js';
import { makeContext, runModule, tempDir } from './module-harness.js';

const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const tools = ['dnf', 'rpm', 'rpmbuild', 'createrepo_c'].every(has);
if (process.env.CI === 'true' && !tools) throw new Error('dnf, rpmbuild or createrepo_c is missing: run test/lab/install-packages.sh');

/** Builds a noarch package with no files, with extra spec lines (Requires, Recommends, Conflicts). */
function buildRpm(work: string, repo: string, name: string, version: string, lines: string[] = []): void {
  const top = join(work, `${name}-${version}`);
  mkdirSync(top, { recursive: true });
  const spec = [`Name: ${name}`, `Version: ${version}`, 'Release: 1', `Summary: ${name}`, 'License: MIT', 'BuildArch: noarch', 'AutoReqProv: no', ...lines, '%description', name, '%files', ''];
  writeFileSync(join(top, 'p.spec'), spec.join('\n'));
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, join(top, 'p.spec')]);
  for (const f of readdirSync(join(top, 'RPMS/noarch'))) execFileSync('cp', [join(top, 'RPMS/noarch', f), repo]);
}

describe.skipIf(!tools)('dnf and yum options on this machine (an installroot, a local repository)', () => {
  const { dir, cleanup } = tempDir('tsplay-dnf-options-');
  const repo = join(dir, 'repo');
  const root = join(dir, 'root');
  const conf = join(dir, 'dnf.conf');
  const base = { installroot: root, conf_file: conf, releasever: '1' };
  const rpmQ = (name: string) => {
    try {
      return execFileSync('rpm', ['--root', root, '-q', '--qf', '%{VERSION}', name], { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  /** --check, then the real run: the same answer; returns the real run. */
  const checked = async (module: typeof dnf, args: Record<string, unknown>) => {
    const check = await runModule(module, { ...base, ...args }, { check: true });
    const real = await runModule(module, { ...base, ...args });
    expect(check.changed, 'the dry run predicts the real run').toBe(real.changed);
    return { check, real };
  };

  beforeAll(() => {
    mkdirSync(repo);
    mkdirSync(root);
    const work = join(dir, 'build');
    buildRpm(work, repo, 'o-lib', '1.0');
    buildRpm(work, repo, 'o-lib', '2.0');
    buildRpm(work, repo, 'o-app', '1.0', ['Requires: o-lib']);
    buildRpm(work, repo, 'o-weak', '1.0');
    buildRpm(work, repo, 'o-rec', '1.0', ['Recommends: o-weak']);
    buildRpm(work, repo, 'o-clash', '1.0', ['Conflicts: o-lib']);
    buildRpm(work, repo, 'o-best', '1.0');
    buildRpm(work, repo, 'o-best', '2.0', ['Requires: o-absent']);
    execFileSync('createrepo_c', ['--quiet', repo]);
    const cfg = ['[main]', `reposdir=${join(dir, 'no-repos')}`, `cachedir=${join(dir, 'cache')}`, '[orepo]', 'name=o', `baseurl=file://${repo}`, 'gpgcheck=0', ''];
    writeFileSync(conf, cfg.join('\n'));
  }, 120_000);
  afterAll(cleanup);

  it('download_only puts the packages (and dependencies) in download_dir, installs nothing, and does so every run', { timeout: 120_000 }, async () => {
    const dl = join(dir, 'dl');
    const args = { name: 'o-app', download_only: true, download_dir: dl };
    const { check, real } = await checked(dnf, args);
    expect(check.result.msg).toBe('Check mode: No changes made, but would have if not in check mode');
    expect(real).toMatchObject({ changed: true, result: { results: ['Downloaded: o-app'] } });
    expect(readdirSync(dl).sort()).toEqual(['o-app-1.0-1.noarch.rpm', 'o-lib-2.0-1.noarch.rpm']);
    expect(rpmQ('o-app')).toBe('');
    // Not installed, so Ansible's dnf downloads (and reports a change) again.
    expect((await runModule(dnf, { ...base, ...args })).changed).toBe(true);
    // download_dir alone is ignored, as Ansible's.
    await runModule(dnf, { ...base, name: 'o-weak', download_dir: join(dir, 'unused') });
    expect(existsSync(join(dir, 'unused'))).toBe(false);
    expect(rpmQ('o-weak')).toBe('1.0');
    await runModule(dnf, { ...base, name: 'o-weak', state: 'absent' });
  });

  it('install_weak_deps=false leaves out what a package only recommends', { timeout: 120_000 }, async () => {
    await checked(dnf, { name: 'o-rec', install_weak_deps: false });
    expect([rpmQ('o-rec'), rpmQ('o-weak')]).toEqual(['1.0', '']);
    await checked(dnf, { name: 'o-rec', state: 'absent' });
    await checked(dnf, { name: 'o-rec' });
    expect([rpmQ('o-rec'), rpmQ('o-weak')]).toEqual(['1.0', '1.0']);
    expect((await runModule(dnf, { ...base, name: 'o-rec', install_weak_deps: false })).changed).toBe(false);
  });

  it('autoremove=false (the default) keeps the dependencies of what it removes; autoremove=true removes them', { timeout: 120_000 }, async () => {
    await checked(dnf, { name: 'o-app' });
    expect([rpmQ('o-app'), rpmQ('o-lib')]).toEqual(['1.0', '2.0']);
    await checked(dnf, { name: 'o-app', state: 'absent' });
    expect([rpmQ('o-app'), rpmQ('o-lib')]).toEqual(['', '2.0']);
    await checked(dnf, { name: ['o-rec'], state: 'absent', autoremove: true });
    expect([rpmQ('o-rec'), rpmQ('o-weak')]).toEqual(['', '']);
  });

  it('allowerasing lets a conflicting package replace an installed one', { timeout: 120_000 }, async () => {
    expect(rpmQ('o-lib')).toBe('2.0');
    await expect(runModule(dnf, { ...base, name: 'o-clash' })).rejects.toThrow(/conflict|o-lib/i);
    const { real } = await checked(dnf, { name: 'o-clash', allowerasing: true });
    expect(real.changed).toBe(true);
    expect([rpmQ('o-clash'), rpmQ('o-lib')]).toEqual(['1.0', '']);
    expect((await runModule(dnf, { ...base, name: 'o-clash', allowerasing: true })).changed).toBe(false);
    await runModule(dnf, { ...base, name: 'o-clash', state: 'absent' });
  });

  it('state=latest asks the best candidate (a broken newest fails); nobest settles for what installs', { timeout: 120_000 }, async () => {
    await checked(dnf, { name: 'o-best-1.0' });
    await expect(runModule(dnf, { ...base, name: 'o-best', state: 'latest' })).rejects.toThrow(/o-absent/);
    const { check, real } = await checked(dnf, { name: 'o-best', state: 'latest', nobest: true });
    expect([check.changed, real.result.msg]).toEqual([false, 'Nothing to do']);
    expect(rpmQ('o-best')).toBe('1.0');
  });

  it('update_only upgrades what is installed and installs nothing new', { timeout: 120_000 }, async () => {
    await checked(dnf, { name: 'o-lib-1.0' });
    expect(rpmQ('o-lib')).toBe('1.0');
    const { real } = await checked(dnf, { name: ['o-lib', 'o-weak'], update_only: true });
    expect(real.result.results).toEqual(['Packages providing o-weak not installed due to update_only specified', 'Upgraded: o-lib']);
    expect([rpmQ('o-lib'), rpmQ('o-weak')]).toEqual(['2.0', '']);
    expect((await runModule(dnf, { ...base, name: ['o-lib', 'o-weak'], update_only: true })).changed).toBe(false);
  });

  it('exclude hides a package, disable_excludes=main shows it again; cacheonly, sslverify and plugins reach dnf', { timeout: 120_000 }, async () => {
    const failed = await runModule(dnf, { ...base, name: ['o-weak', 'o-none'], exclude: ['o-weak'] }, { check: true }).catch((e: ModuleFailure) => e);
    expect(failed).toBeInstanceOf(ModuleFailure);
    expect((failed as ModuleFailure).message).toBe('Failed to install some of the specified packages');
    expect((failed as ModuleFailure).result.failures).toEqual(['o-weak All matches were filtered out by exclude filtering for argument: o-weak', 'No package o-none available.']);
    const opts = { name: 'o-weak', exclude: ['o-weak'], disable_excludes: 'main', cacheonly: true, sslverify: false, disable_plugin: ['nosuch'], enable_plugin: ['nosuch2'] };
    const { real } = await checked(dnf, opts);
    expect(real.changed).toBe(true);
    expect(rpmQ('o-weak')).toBe('1.0');
    expect((await runModule(dnf, { ...base, ...opts })).changed).toBe(false);
    // Excludes hide an installed package too, as dnf's sack: asked again, it is "filtered out" (and not there to remove).
    const hidden = await runModule(dnf, { ...base, name: 'o-weak', exclude: ['o-*'] }).catch((e: ModuleFailure) => e);
    expect((hidden as ModuleFailure).result?.failures).toEqual(['o-weak All matches were filtered out by exclude filtering for argument: o-weak']);
    expect((await runModule(dnf, { ...base, name: 'o-weak', exclude: ['o-weak'], state: 'absent' })).changed).toBe(false);
    await expect(runModule(dnf, { ...base, conf_file: join(dir, 'none.conf'), name: 'o-weak' })).rejects.toThrow('cannot read configuration file');
  });

  it('yum: use_backend=dnf uses dnf without a warning; auto falls back to dnf with one; yum needs yum', { timeout: 120_000 }, async () => {
    const viaDnf = await runModule(yum, { ...base, name: 'o-weak', use_backend: 'dnf', install_repoquery: false });
    expect(viaDnf).toMatchObject({ changed: false, result: { msg: 'Nothing to do' } });
    expect(viaDnf.result.warnings).toBeUndefined();
    if (!has('yum')) {
      expect((await runModule(yum, { ...base, name: 'o-weak' })).result.warnings).toEqual(['yum is not installed on this host: using dnf for the yum module']);
      await expect(runModule(yum, { ...base, name: 'o-weak', use_backend: 'yum' })).rejects.toThrow('Could not find yum on the host');
    }
    // Options only Ansible's dnf has are refused by yum, and use_backend by dnf.
    await expect(runModule(yum, { ...base, name: 'o-weak', nobest: true })).rejects.toThrow(/nobest/);
    await expect(runModule(dnf, { ...base, name: 'o-weak', use_backend: 'dnf' })).rejects.toThrow(/use_backend/);
  });
});

// ansible-doc of the installed ansible-core is the reference: these modules take
// exactly its options, aliases and choices (a new or renamed one fails here).
const hasAnsibleDoc = has('ansible-doc');
describe.skipIf(!hasAnsibleDoc && process.env.CI !== 'true')("dnf, yum and yum_repository take ansible-doc's options", () => {
  interface DocOption {
    aliases?: string[];
    choices?: unknown[];
  }
  type Docs = Record<string, { doc: { options: Record<string, DocOption> } }>;
  let read: Docs | undefined;
  const docs = (): Docs =>
    (read ??= JSON.parse(execFileSync('ansible-doc', ['--json', '-t', 'module', 'dnf', 'yum', 'yum_repository'], { encoding: 'utf8', maxBuffer: 16 << 20 })) as Docs);
  const modules = { dnf, yum, yum_repository: yumRepository } as Record<string, Module<any, any>>;

  it.each(Object.keys(modules))('%s', (name) => {
    const options = docs()[name]!.doc.options;
    const module = modules[name]!;
    const props = module.schema.properties as Record<string, { enum?: unknown[]; description?: string }>;
    expect(Object.keys(props).sort()).toEqual(Object.keys(options).sort());
    const aliases = Object.fromEntries(Object.entries(options).flatMap(([o, d]) => (d.aliases ?? []).map((a) => [a, o])));
    expect(module.optionAliases ?? {}).toEqual(aliases);
    for (const [o, d] of Object.entries(options)) {
      if (d.choices) expect(props[o]!.enum?.map(String).sort(), o).toEqual(d.choices.map(String).sort());
    }
  });
});

describe('yum_repository: file attributes and SELinux context of the .repo file', () => {
  const { dir, cleanup } = tempDir('tsplay-yum-repository-');
  afterAll(cleanup);
  const repo = { name: 'one', description: 'One', baseurl: 'file:///srv/one', reposdir: dir };
  const run = async (conn: Connection | undefined, args: Record<string, unknown>, check = false) => {
    const checkedArgs = checkArgs(yumRepository, args);
    if (!checkedArgs.ok) throw new Error(checkedArgs.errors.join('; '));
    const ctx = { ...makeContext(checkedArgs.args, { check }), ...(conn ? { conn } : {}) };
    const { plan, applied } = await planAndApply(yumRepository, ctx, check);
    return applied ? (applied.changed ?? plan.changed) : plan.changed;
  };

  it('where SELinux is disabled the context options change nothing; attributes and unsafe_writes are accepted', async () => {
    const args = { ...repo, setype: 'etc_t', seuser: 'system_u', serole: 'object_r', selevel: 's0', attributes: '', unsafe_writes: true, mode: '0640' };
    expect(await run(undefined, args, true)).toBe(true);
    expect(existsSync(join(dir, 'one.repo'))).toBe(false);
    expect(await run(undefined, args)).toBe(true);
    expect(statSync(join(dir, 'one.repo')).mode & 0o777).toBe(0o640);
    expect(await run(undefined, args)).toBe(false);
    expect(checkArgs(yumRepository, { ...repo, attr: '+i' }).ok).toBe(true);
  });

  it('where SELinux is enabled a different type is predicted by --check, set once, then ok; a removed file is left alone', async () => {
    const path = join(dir, 'one.repo');
    const host = new SelinuxHost(new Map([[path, 'system_u:object_r:tmp_t']]), 'system_u:object_r:etc_t', false);
    const args = { ...repo, mode: '0640', setype: 'etc_t' };
    expect(await run(host, args, true)).toBe(true);
    expect(host.chcon).toEqual([]);
    expect(await run(host, args)).toBe(true);
    expect(host.chcon).toEqual([`system_u:object_r:etc_t ${path}`]);
    expect(await run(host, args)).toBe(false);
    const sent = host.sent.length;
    expect(await run(host, { ...repo, state: 'absent', setype: 'etc_t' })).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(host.sent.slice(sent).some((c) => c.includes('selinux=enabled'))).toBe(false);
  });
});
