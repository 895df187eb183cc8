// apt: Debian packages present, latest or absent, in one apt-get transaction
// for all names; update_cache (and cache_valid_time) runs first in a real run
// and is not a change. --check and --diff name the packages.
import { ModuleFailure, type Module, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { runSteps, type Step } from '../src/host/run.js';
import { aptName, installStep, readApt, readDebFile, removeStep, requireAvailable, updateCacheStep, type AptOptions } from '../src/packages/apt-host.js';
import { anyChange, changesCreate, changesDiff, packageChanges, wantedState } from '../src/packages/request.js';

interface AptArgs {
  name?: string[];
  state: 'absent' | 'build-dep' | 'latest' | 'present' | 'fixed';
  update_cache?: boolean;
  cache_valid_time: number;
  install_recommends?: boolean;
  purge: boolean;
  autoremove: boolean;
  allow_downgrade: boolean;
  dpkg_options: string;
  deb?: string;
  upgrade?: string;
  default_release?: string;
  force: boolean;
  only_upgrade: boolean;
  lock_timeout: number;
}

const options = (a: AptArgs): AptOptions => ({
  installRecommends: a.install_recommends,
  purge: a.purge,
  autoremove: a.autoremove,
  allowDowngrade: a.allow_downgrade,
  dpkgOptions: a.dpkg_options,
});

/** A .deb file on the host (`deb`): installed, with its dependencies, unless that version already is. */
async function planDeb(conn: Parameters<typeof readDebFile>[0], a: AptArgs, cache: ModuleResult): Promise<Plan<Step[]>> {
  if (/^[a-z]+:\/\//.test(a.deb!)) throw new ModuleFailure('tsplay\'s apt installs a deb from a path on the host, not from a URL yet');
  const deb = await readDebFile(conn, a.deb!);
  if (deb.installed === deb.version) return { changed: false, result: cache };
  const name = { spec: deb.name, name: deb.name };
  const changes = { install: [name], upgrade: [], remove: [] };
  const file = a.deb!.startsWith('/') ? a.deb! : `./${a.deb}`;
  return { changed: true, state: [installStep(options(a), [file])], diff: changesDiff(changes), result: cache, creates: changesCreate(changes) };
}

const apt: Module<AptArgs, Step[]> = {
  name: 'apt',
  summary: 'Manages apt-packages',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'array', items: { type: 'string' } },
      state: { type: 'string', enum: ['absent', 'build-dep', 'latest', 'present', 'fixed'], default: 'present' },
      update_cache: { type: 'boolean' },
      cache_valid_time: { type: 'integer', default: 0 },
      install_recommends: { type: 'boolean' },
      purge: { type: 'boolean', default: false },
      autoremove: { type: 'boolean', default: false },
      allow_downgrade: { type: 'boolean', default: false },
      dpkg_options: { type: 'string', default: 'force-confdef,force-confold' },
      deb: { type: 'string' },
      upgrade: { type: 'string', enum: ['dist', 'full', 'no', 'safe', 'yes'] },
      default_release: { type: 'string' },
      force: { type: 'boolean', default: false },
      only_upgrade: { type: 'boolean', default: false },
      lock_timeout: { type: 'integer', default: 60 },
    },
  },
  optionAliases: {
    package: 'name',
    pkg: 'name',
    'update-cache': 'update_cache',
    'install-recommends': 'install_recommends',
    'allow-downgrade': 'allow_downgrade',
    'allow-downgrades': 'allow_downgrade',
    allow_downgrades: 'allow_downgrade',
    'default-release': 'default_release',
    'dpkg-options': 'dpkg_options',
    update_cache_retries: 'lock_timeout',
  },
  rules: { mutuallyExclusive: [['deb', 'name', 'upgrade']], requiredOneOf: [['autoremove', 'deb', 'name', 'update_cache', 'upgrade']] },
  prepare(ctx) {
    const a = ctx.args;
    // cache_valid_time implies update_cache, as in Ansible.
    return a.update_cache || a.cache_valid_time > 0 ? [updateCacheStep(a.cache_valid_time)] : [];
  },
  async plan(ctx) {
    const a = ctx.args;
    if ((a.upgrade && a.upgrade !== 'no') || a.state === 'build-dep' || a.state === 'fixed' || a.default_release) {
      throw new ModuleFailure('tsplay\'s apt does not support upgrade, default_release, or state build-dep/fixed yet');
    }
    const cache: ModuleResult = { cache_updated: Boolean(a.update_cache) && !ctx.check };
    if (a.deb) return planDeb(ctx.conn, a, cache);
    if (!a.name?.length) return { changed: false, result: cache };
    const names = a.name.map(aptName);
    const state = wantedState(a.state);
    const found = await readApt(ctx.conn, names);
    const changes = packageChanges(names, state, found);
    // A dry run after a task that would add a repository cannot know what it offers.
    const repository = ctx.planned?.any('file', (p) => p.startsWith('/etc/apt/sources.list'));
    if (!repository) requireAvailable(changes.install, found);
    if (repository && changes.install.some((p) => !found.get(p.name)?.candidate)) cache.depends_on = repository;
    const steps: Step[] = [];
    const toInstall = [...changes.install, ...changes.upgrade].map((p) => p.spec);
    if (toInstall.length) steps.push(installStep(options(a), toInstall));
    if (changes.remove.length) steps.push(removeStep(options(a), changes.remove.map((p) => p.name)));
    return { changed: anyChange(changes), state: steps, diff: changesDiff(changes), result: cache, creates: changesCreate(changes) };
  },
  async apply(ctx, plan: Plan<Step[]>) {
    const outs = await runSteps(ctx.conn, plan.state ?? []);
    const stdout = outs.map((o) => o.stdout).join('');
    const stderr = outs.map((o) => o.stderr).join('');
    return { result: { ...plan.result, stdout, stderr, stdout_lines: stdout.split('\n').filter(Boolean), stderr_lines: stderr.split('\n').filter(Boolean) } };
  },
};

export default apt;
