// The dnf and yum modules: one module shape over the host's dnf or yum. A host
// without yum (dnf only, as recent Red Hat family releases) gets dnf for the
// yum module, with a warning, where Ansible 2.14 refuses it (unless
// use_backend names dnf: then Ansible's yum runs its dnf module, and so does
// tsplay, without a warning).
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../module-api/module-types.js';
import { runSteps, type Step } from '../host/run.js';
import { anyChange, changesCreate, changesDiff, packageChanges, wantedState, type PackageChanges, type PackageName } from './request.js';
import { makecacheStep, readRpm, requireOffered, rpmStep, rpmTool, wouldChange, type RpmChangeOptions, type RpmOptions, type RpmTool } from './rpm-host.js';

export interface RpmArgs {
  name: string[];
  state?: 'absent' | 'installed' | 'latest' | 'present' | 'removed';
  update_cache: boolean;
  enablerepo: string[];
  disablerepo: string[];
  exclude: string[];
  disable_excludes?: string;
  disable_plugin: string[];
  enable_plugin: string[];
  disable_gpg_check: boolean;
  installroot: string;
  list?: string;
  autoremove: boolean;
  security: boolean;
  bugfix: boolean;
  cacheonly: boolean;
  conf_file?: string;
  releasever?: string;
  skip_broken: boolean;
  update_only: boolean;
  validate_certs: boolean;
  sslverify: boolean;
  allow_downgrade: boolean;
  download_only: boolean;
  download_dir?: string;
  install_weak_deps: boolean;
  install_repoquery: boolean;
  lock_timeout: number;
  /** dnf only. */
  allowerasing?: boolean;
  nobest?: boolean;
  /** yum only. */
  use_backend?: 'auto' | 'yum' | 'yum4' | 'dnf';
}

interface RpmState {
  steps: Step[];
}

const list = (description: string) => ({ type: 'array', items: { type: 'string' }, default: [], description });
const flag = (description: string, value = false) => ({ type: 'boolean', default: value, description });
const text = (description: string) => ({ type: 'string', description });

/** The options dnf and yum share (Ansible's yumdnf argument spec). */
const OPTIONS: Record<string, Record<string, unknown>> = {
  name: list('Packages (name, name-version, name-version-release) to act on.'),
  state: { type: 'string', enum: ['absent', 'installed', 'latest', 'present', 'removed'], description: 'present/installed, latest, or absent/removed (default present; absent with autoremove).' },
  update_cache: flag('Refresh the repositories\' metadata first.'),
  enablerepo: list('Repositories to enable for this task (patterns).'),
  disablerepo: list('Repositories to disable for this task (patterns).'),
  exclude: list('Packages to exclude (patterns).'),
  disable_excludes: text('Ignore the excludes of `all`, `main` or a repository id.'),
  disable_plugin: list('Plugins to disable for this task.'),
  enable_plugin: list('Plugins to enable for this task.'),
  disable_gpg_check: flag('Do not check GPG signatures.'),
  installroot: { type: 'string', default: '/', description: 'Root directory to install packages into.' },
  list: text('What to list (not supported by tsplay).'),
  autoremove: flag('Also remove dependencies nothing needs any more.'),
  security: flag('state=latest: security updates only (accepted; not applied by tsplay).'),
  bugfix: flag('state=latest: bugfix updates only (accepted; not applied by tsplay).'),
  cacheonly: flag('Use only the cached metadata and packages.'),
  conf_file: text('The dnf/yum configuration file to use.'),
  releasever: text('The release version ($releasever) for the repositories.'),
  skip_broken: flag('Skip packages with broken dependencies.'),
  update_only: flag('Only upgrade installed packages; install none.'),
  validate_certs: flag('Accepted for compatibility (sslverify is the one applied).', true),
  sslverify: flag('Check the repositories\' TLS certificates.', true),
  allow_downgrade: flag('Allow installing an older version than the installed one (accepted; not applied by tsplay).'),
  download_only: flag('Only download the packages, install nothing.'),
  download_dir: text('Where download_only puts the packages.'),
  install_weak_deps: flag('Also install weak dependencies (Recommends).', true),
  install_repoquery: flag('yum: install repoquery if missing (tsplay does not need it).', true),
  lock_timeout: { type: 'integer', default: 30, description: 'Seconds to wait for the package manager lock (accepted).' },
};

const DNF_ONLY = {
  allowerasing: flag('Allow removing installed packages to resolve dependencies.'),
  nobest: flag('Allow a package other than the best candidate.'),
};

const YUM_ONLY = {
  use_backend: { type: 'string', enum: ['auto', 'yum', 'yum4', 'dnf'], default: 'auto', description: 'yum or dnf (yum4); auto: yum where the host has it, else dnf.' },
};

/** Which tools the module may use, in order. The dnf module falls back to yum. */
function toolsFor(name: 'dnf' | 'yum', backend: RpmArgs['use_backend']): RpmTool[] {
  if (name === 'dnf') return ['dnf', 'yum'];
  if (backend === 'yum') return ['yum'];
  if (backend === 'dnf' || backend === 'yum4') return ['dnf'];
  return ['yum', 'dnf'];
}

function rpmOptions(a: RpmArgs): Omit<RpmOptions, 'bin'> {
  return {
    enablerepo: a.enablerepo,
    disablerepo: a.disablerepo,
    exclude: a.exclude,
    disableGpgCheck: a.disable_gpg_check,
    installroot: a.installroot,
    confFile: a.conf_file,
    releasever: a.releasever,
    disableExcludes: a.disable_excludes,
    disablePlugin: a.disable_plugin,
    enablePlugin: a.enable_plugin,
    cacheonly: a.cacheonly,
    sslverify: a.sslverify,
  };
}

const changeOptions = (a: RpmArgs): RpmChangeOptions => ({
  installWeakDeps: a.install_weak_deps,
  nobest: a.nobest ?? false,
  allowerasing: a.allowerasing ?? false,
  skipBroken: a.skip_broken,
  autoremove: a.autoremove,
  downloadOnly: a.download_only,
  // Ansible uses download_dir only with download_only.
  downloadDir: a.download_only ? a.download_dir : undefined,
});

/**
 * update_only: installed packages are upgraded (whatever the state), others
 * are left out, as Ansible says in its results.
 */
function onlyUpdates(changes: PackageChanges, names: PackageName[], installed: (p: PackageName) => boolean): { changes: PackageChanges; skipped: string[] } {
  const skipped = names.filter((p) => !installed(p)).map((p) => p.spec);
  return { changes: { ...changes, install: changes.install.filter((p) => installed(p)) }, skipped };
}

export function rpmPackageModule(name: 'dnf' | 'yum'): Module<RpmArgs, RpmState> {
  /** The host's tool, and the warning when the yum module falls back to dnf. */
  const toolOf = (a: RpmArgs, bin: RpmTool | undefined): { bin: RpmTool; extra: ModuleResult } => {
    if (!bin) throw new ModuleFailure(`Could not find ${toolsFor(name, a.use_backend).join(' or ')} on the host`);
    const fallback = name === 'yum' && bin === 'dnf' && (a.use_backend ?? 'auto') === 'auto';
    return { bin, extra: fallback ? { warnings: ['yum is not installed on this host: using dnf for the yum module'] } : {} };
  };

  async function plan(ctx: ModuleContext<RpmArgs>): Promise<Plan<RpmState>> {
    const a = ctx.args;
    const tools = toolsFor(name, a.use_backend);
    if (a.list) throw new ModuleFailure(`tsplay's ${name} does not support list yet`);
    if (a.name.length === 0) {
      const { extra } = toolOf(a, await rpmTool(ctx.conn, tools));
      return { changed: false, result: { msg: 'Cache updated', results: [], rc: 0, ...extra } };
    }
    const names: PackageName[] = a.name.map((spec) => ({ spec, name: spec }));
    const asked = wantedState(a.state ?? (a.autoremove ? 'absent' : 'present'));
    const state = a.update_only && asked !== 'absent' ? 'latest' : asked;
    const repos = rpmOptions(a);
    const read = await readRpm(ctx.conn, tools, repos, names, state === 'latest', state !== 'absent');
    const { bin, extra } = toolOf(a, read.bin);
    const { found, unknown } = read;
    let changes = packageChanges(names, state, found);
    let skipped: string[] = [];
    if (a.update_only && asked !== 'absent') ({ changes, skipped } = onlyUpdates(changes, names, (p) => !!found.get(p.name)?.installed));
    const missing = unknown.filter((s) => changes.install.some((p) => p.spec === s));
    // A dry run after a task that would add a repository cannot know what it offers.
    const repository = missing.length ? ctx.planned?.any('file', (p) => p.startsWith('/etc/yum.repos.d/')) : undefined;
    const o: RpmOptions = { ...repos, bin };
    if (!repository) await requireOffered(ctx.conn, o, missing);
    const c = changeOptions(a);
    // An upgrade dnf would not make (nothing installable is newer) is no change, as Ansible's "Nothing to do".
    if (changes.upgrade.length && !(await wouldChange(ctx.conn, o, c, 'upgrade', changes.upgrade.map((p) => p.spec)))) {
      changes = { ...changes, upgrade: [] };
    }
    const steps: Step[] = [];
    if (changes.install.length) steps.push(rpmStep(o, c, 'install', changes.install.map((p) => p.spec)));
    if (changes.upgrade.length) steps.push(rpmStep(o, c, 'upgrade', changes.upgrade.map((p) => p.spec)));
    // Ansible's download_only downloads what a transaction would install; it removes nothing (yet says so).
    if (changes.remove.length && !a.download_only) steps.push(rpmStep(o, c, 'remove', changes.remove.map((p) => p.spec)));
    const got = a.download_only ? 'Downloaded' : 'Installed';
    const results = [
      ...skipped.map((s) => `Packages providing ${s} not installed due to update_only specified`),
      ...changes.install.map((p) => `${got}: ${p.spec}`),
      ...changes.upgrade.map((p) => `${a.download_only ? got : 'Upgraded'}: ${p.spec}`),
      ...changes.remove.map((p) => `Removed: ${p.spec}`),
    ];
    const changed = anyChange(changes);
    const msg = !changed ? 'Nothing to do' : ctx.check ? 'Check mode: No changes made, but would have if not in check mode' : '';
    const result = { msg, rc: 0, results, ...extra, ...(repository ? { depends_on: repository } : {}) };
    // Downloading changes no package: nothing later in a dry run may count on one.
    const creates = a.download_only ? [] : changesCreate(changes);
    return { changed, state: { steps }, diff: changesDiff(changes), result, creates };
  }

  return {
    name,
    supportsCheckMode: true,
    schema: { type: 'object', properties: { ...OPTIONS, ...(name === 'dnf' ? DNF_ONLY : YUM_ONLY) } },
    optionAliases: { pkg: 'name', 'expire-cache': 'update_cache' },
    rules: { requiredOneOf: [['name', 'list', 'update_cache']], mutuallyExclusive: [['name', 'list']] },
    plan,
    prepare(ctx) {
      const a = ctx.args;
      return a.update_cache ? [makecacheStep(toolsFor(name, a.use_backend), { ...rpmOptions(a), exclude: [], disableGpgCheck: false })] : [];
    },
    async apply(ctx, p: Plan<RpmState>) {
      await runSteps(ctx.conn, p.state?.steps ?? []);
      return { result: { ...p.result } };
    },
  };
}
