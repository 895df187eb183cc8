// apt: Debian packages present, latest, absent or fixed in one apt-get
// transaction for all names; a source's build dependencies (build-dep); the
// system upgraded (upgrade, with apt-get). clean and update_cache (and
// cache_valid_time) run first in a real run and are not a change, unless the
// update is the task's only work (then it changes when the cache was old).
// Without names: autoclean, else autoremove. --check and --diff name the
// packages; --check runs apt-get --simulate, as Ansible, so it fails where the
// command would.
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { runSteps, type Step } from '../src/host/run.js';
import { aptName, cacheAge, hasAptitude, readApt, readDebFile, requireAvailable, simulate } from '../src/packages/apt-host.js';
import {
  CLEANUP_CHANGED,
  NOTHING_UPGRADED,
  cleanStep,
  cleanupStep,
  buildDepStep,
  installStep,
  markManualStep,
  removeStep,
  updateCacheStep,
  upgradeStep,
  type AptOptions,
} from '../src/packages/apt-commands.js';
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
  allow_unauthenticated: boolean;
  allow_change_held_packages: boolean;
  autoclean: boolean;
  clean: boolean;
  fail_on_autoremove: boolean;
  force_apt_get: boolean;
  policy_rc_d?: number;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
}

const options = (a: AptArgs): AptOptions => ({
  installRecommends: a.install_recommends,
  purge: a.purge,
  autoremove: a.autoremove,
  allowDowngrade: a.allow_downgrade,
  allowUnauthenticated: a.allow_unauthenticated,
  allowChangeHeld: a.allow_change_held_packages,
  failOnAutoremove: a.fail_on_autoremove,
  onlyUpgrade: a.only_upgrade,
  force: a.force,
  dpkgOptions: a.dpkg_options,
  policyRcD: a.policy_rc_d,
  defaultRelease: a.default_release,
  // state fixed is present with --fix-broken on the install command.
  fixBroken: a.state === 'fixed',
});

const updating = (a: AptArgs): boolean => Boolean(a.update_cache) || a.cache_valid_time > 0;
const updateStep = (a: AptArgs) =>
  updateCacheStep({ validSeconds: a.cache_valid_time, retries: a.update_cache_retries, maxDelay: a.update_cache_retry_max_delay });
/** Names, a deb or an upgrade: then the cache update comes first and is not the task's change. */
const hasWork = (a: AptArgs): boolean => Boolean(a.name?.length || a.deb || (a.upgrade && a.upgrade !== 'no'));

/** `upgrade` (or name '*' with state latest): what apt-get --simulate says it would upgrade. */
async function planUpgrade(ctx: ModuleContext<AptArgs>, mode: string): Promise<Plan<Step[]>> {
  const a = ctx.args;
  if (!a.force_apt_get && (await hasAptitude(ctx.conn))) {
    throw new ModuleFailure("tsplay's apt upgrades with apt-get only; aptitude is installed here: set force_apt_get=true");
  }
  const said = await simulate(ctx.conn, upgradeStep({ ...options(a), simulate: true }, mode));
  const changed = !said.includes(NOTHING_UPGRADED);
  // Its result is apt-get's output (the real one's, once applied).
  return { changed, state: changed ? [upgradeStep(options(a), mode)] : [], result: { msg: said, stdout: said } };
}

/** state build-dep: what apt-get --simulate says the sources' build dependencies need. */
async function planBuildDep(ctx: ModuleContext<AptArgs>, names: string[]): Promise<Plan<Step[]>> {
  const a = ctx.args;
  const said = await simulate(ctx.conn, buildDepStep({ ...options(a), simulate: true }, names));
  const changed = !said.includes(NOTHING_UPGRADED);
  return { changed, state: changed ? [buildDepStep(options(a), names)] : [], result: {} };
}

/** The task's only work is updating the cache (Ansible exits after it), or a cleanup without names. */
async function planAlone(ctx: ModuleContext<AptArgs>): Promise<Plan<Step[]>> {
  const a = ctx.args;
  if (updating(a)) {
    const age = await cacheAge(ctx.conn, a.cache_valid_time);
    const result = { cache_updated: age.stale, cache_update_time: age.time };
    return age.stale ? { changed: true, state: [updateStep(a)], result } : { changed: false, result };
  }
  const operation = a.autoclean ? 'autoclean' : a.autoremove ? 'autoremove' : undefined;
  if (!operation) return { changed: false, result: {} };
  const said = await simulate(ctx.conn, cleanupStep({ ...options(a), simulate: true }, operation));
  const changed = said.includes(CLEANUP_CHANGED[operation]);
  return { changed, state: changed ? [cleanupStep(options(a), operation)] : [], result: {} };
}

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
      name: { type: 'array', items: { type: 'string' }, description: 'Packages (name, name=version, name=version*).' },
      state: { type: 'string', enum: ['absent', 'build-dep', 'latest', 'present', 'fixed'], default: 'present', description: 'Installed, newest, removed, installed with --fix-broken (fixed), or the build dependencies of source packages (build-dep).' },
      update_cache: { type: 'boolean', description: 'Run apt-get update first.' },
      update_cache_retries: { type: 'integer', default: 5, description: 'Tries of the cache update before failing.' },
      update_cache_retry_max_delay: { type: 'integer', default: 12, description: 'Longest wait (seconds) between tries (2^n, plus a random fraction).' },
      cache_valid_time: { type: 'integer', default: 0, description: 'Update the cache only when older than this (seconds); implies update_cache.' },
      install_recommends: { type: 'boolean', description: 'Install recommended packages too (unset: the host\'s default).' },
      purge: { type: 'boolean', default: false, description: 'Purge configuration files when removing.' },
      autoremove: { type: 'boolean', default: false, description: 'Remove packages nothing needs any more.' },
      autoclean: { type: 'boolean', default: false, description: 'Delete archives that can no longer be downloaded (without names).' },
      clean: { type: 'boolean', default: false, description: 'Run apt-get clean first (never a change).' },
      allow_downgrade: { type: 'boolean', default: false, description: 'Allow installing an older version.' },
      allow_unauthenticated: { type: 'boolean', default: false, description: 'Install packages apt cannot authenticate.' },
      allow_change_held_packages: { type: 'boolean', default: false, description: 'Allow changing held packages.' },
      fail_on_autoremove: { type: 'boolean', default: false, description: 'Fail rather than remove packages to install others (--no-remove).' },
      dpkg_options: { type: 'string', default: 'force-confdef,force-confold', description: 'dpkg options, comma-separated, without the leading --.' },
      deb: { type: 'string', description: 'A .deb file on the host to install.' },
      // Ansible's default is 'no' (the code reads undefined so): as a schema default it would
      // clash with name/deb in mutually_exclusive, which Ansible checks before defaults.
      upgrade: { type: 'string', enum: ['dist', 'full', 'no', 'safe', 'yes'], default: 'no', description: 'Upgrade the system: yes/safe (upgrade --with-new-pkgs), dist/full (dist-upgrade).' },
      default_release: { type: 'string', description: 'Release to install from (apt-get -t: its versions are preferred, pin 990).' },
      force: { type: 'boolean', default: false, description: 'Pass --force-yes (dangerous).' },
      force_apt_get: { type: 'boolean', default: false, description: 'Upgrade with apt-get even where aptitude is installed (tsplay upgrades only with apt-get).' },
      only_upgrade: { type: 'boolean', default: false, description: 'Only upgrade packages that are installed.' },
      policy_rc_d: { type: 'integer', description: 'Exit code of /usr/sbin/policy-rc.d while packages change (e.g. 101: no service starts).' },
      lock_timeout: { type: 'integer', default: 60, description: 'Seconds to wait for the apt lock.' },
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
    'allow-unauthenticated': 'allow_unauthenticated',
  },
  // Ansible's required_one_of (autoremove, deb, package, update_cache, upgrade) always holds:
  // upgrade has a default. So `apt: clean=true` alone is a task that installs nothing.
  rules: { mutuallyExclusive: [['deb', 'name', 'upgrade']] },
  prepare(ctx) {
    const a = ctx.args;
    // clean is never a change; cache_valid_time implies update_cache, as in Ansible.
    return [...(a.clean ? [cleanStep()] : []), ...(updating(a) && hasWork(a) ? [updateStep(a)] : [])];
  },
  async plan(ctx) {
    const a = ctx.args;
    const cache: ModuleResult = { cache_updated: Boolean(a.update_cache) && !ctx.check };
    if (!hasWork(a)) return planAlone(ctx);
    if (a.upgrade && a.upgrade !== 'no') return planUpgrade(ctx, a.upgrade);
    // name '*' with state latest upgrades everything, as upgrade=yes.
    if (a.name?.includes('*') && a.state === 'latest') {
      if (a.name.length > 1) throw new ModuleFailure('unable to install additional packages when upgrading all installed packages');
      return planUpgrade(ctx, 'yes');
    }
    if (a.deb) return planDeb(ctx.conn, a, cache);
    if (!a.name?.length) return { changed: false, result: cache };
    if (a.state === 'build-dep') return planBuildDep(ctx, a.name);
    const names = a.name.map(aptName);
    const state = wantedState(a.state);
    const { found, auto } = await readApt(ctx.conn, names, a.default_release);
    const changes = packageChanges(names, state, found);
    // only_upgrade: a package that is not installed is left so.
    if (a.only_upgrade) changes.install = changes.install.filter((p) => found.get(p.name)?.installed);
    // A dry run after a task that would add a repository cannot know what it offers.
    const repository = ctx.planned?.any('file', (p) => p.startsWith('/etc/apt/sources.list'));
    if (!repository) requireAvailable(changes.install, found);
    if (repository && changes.install.some((p) => !found.get(p.name)?.candidate)) cache.depends_on = repository;
    const toInstall = [...changes.install, ...changes.upgrade].map((p) => p.spec);
    const stepsFor = (o: AptOptions): Step[] => [
      ...(toInstall.length ? [installStep(o, toInstall)] : []),
      ...(changes.remove.length ? [removeStep(o, changes.remove.map((p) => p.name))] : []),
    ];
    // Ansible marks every name it installs as manually installed (apt-get install does for what it installs).
    const toMark = state === 'absent' ? [] : names.filter((p) => auto.has(p.name) && !toInstall.includes(p.spec)).map((p) => p.name);
    const steps = [...stepsFor(options(a)), ...(toMark.length ? [markManualStep(toMark)] : [])];
    // Check mode runs the command with --simulate, as Ansible: held packages, conflicts with fail_on_autoremove fail it.
    if (ctx.check && !cache.depends_on) for (const step of stepsFor({ ...options(a), simulate: true })) await simulate(ctx.conn, step);
    return { changed: anyChange(changes), state: steps, diff: changesDiff(changes), result: cache, creates: changesCreate(changes) };
  },
  // A real run: marking names manually installed is not a change, so it runs also when nothing else does.
  async planAndApply(ctx) {
    const plan = await apt.plan(ctx);
    if (!plan.changed && plan.state?.length) await runSteps(ctx.conn, plan.state);
    return { plan };
  },
  async apply(ctx, plan: Plan<Step[]>) {
    const outs = await runSteps(ctx.conn, plan.state ?? []);
    // The cache update alone: its result is the cache's new time, not apt-get's output.
    if (plan.result?.cache_update_time !== undefined) return { result: { ...plan.result, cache_update_time: Number(outs[0]?.stdout.trim()) } };
    const stdout = outs.map((o) => o.stdout).join('');
    const stderr = outs.map((o) => o.stderr).join('');
    // An upgrade's msg is apt-get's output too, as Ansible's.
    const msg = plan.result && 'msg' in plan.result ? { msg: stdout } : {};
    return { result: { ...plan.result, stdout, stderr, stdout_lines: stdout.split('\n').filter(Boolean), stderr_lines: stderr.split('\n').filter(Boolean), ...msg } };
  },
};

export default apt;
