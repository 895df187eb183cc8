// The dnf and yum modules: one module shape over the host's dnf or yum. A host
// without yum (dnf only, as recent Red Hat family releases) gets dnf for the
// yum module, with a warning, where Ansible 2.14 refuses it.
import { ModuleFailure, type Module, type ModuleResult, type Plan } from '../module-api/module-types.js';
import { runSteps, type Step } from '../host/run.js';
import { anyChange, changesCreate, changesDiff, packageChanges, wantedState, type PackageName } from './request.js';
import { makecacheStep, readRpm, requireOffered, rpmStep, rpmTool, type RpmOptions } from './rpm-host.js';

export interface RpmArgs {
  name: string[];
  state?: 'absent' | 'installed' | 'latest' | 'present' | 'removed';
  update_cache: boolean;
  enablerepo: string[];
  disablerepo: string[];
  exclude: string[];
  disable_gpg_check: boolean;
  installroot: string;
  list?: string;
  autoremove: boolean;
  security: boolean;
  bugfix: boolean;
  conf_file?: string;
  releasever?: string;
  skip_broken: boolean;
  update_only: boolean;
  validate_certs: boolean;
  allow_downgrade: boolean;
  use_backend?: string;
  lock_timeout: number;
}

interface RpmState {
  steps: Step[];
  results: string[];
}

const stringList = { type: 'array', items: { type: 'string' }, default: [] };

export function rpmPackageModule(name: 'dnf' | 'yum'): Module<RpmArgs, RpmState> {
  /** The yum module on a host with dnf only uses dnf, and says so (Ansible 2.14 refuses such a host). */
  const optionsFor = (a: RpmArgs, bin: 'dnf' | 'yum' | undefined): { o: RpmOptions; extra: ModuleResult } => {
    if (!bin) throw new ModuleFailure(`Could not find ${name === 'yum' ? 'yum or dnf' : 'dnf'} on the host`);
    const warnings = name === 'yum' && bin === 'dnf' ? ['yum is not installed on this host: using dnf for the yum module'] : [];
    const o = { bin, enablerepo: a.enablerepo, disablerepo: a.disablerepo, exclude: a.exclude, disableGpgCheck: a.disable_gpg_check, installroot: a.installroot };
    return { o, extra: warnings.length ? { warnings } : {} };
  };
  return {
    name,
    supportsCheckMode: true,
    schema: {
      type: 'object',
      properties: {
        name: stringList,
        state: { type: 'string', enum: ['absent', 'installed', 'latest', 'present', 'removed'] },
        update_cache: { type: 'boolean', default: false },
        enablerepo: stringList,
        disablerepo: stringList,
        exclude: stringList,
        disable_gpg_check: { type: 'boolean', default: false },
        installroot: { type: 'string', default: '/' },
        list: { type: 'string' },
        autoremove: { type: 'boolean', default: false },
        security: { type: 'boolean', default: false },
        bugfix: { type: 'boolean', default: false },
        conf_file: { type: 'string' },
        releasever: { type: 'string' },
        skip_broken: { type: 'boolean', default: false },
        update_only: { type: 'boolean', default: false },
        validate_certs: { type: 'boolean', default: true },
        allow_downgrade: { type: 'boolean', default: false },
        use_backend: { type: 'string' },
        lock_timeout: { type: 'integer', default: 30 },
      },
    },
    optionAliases: { pkg: 'name', update_cache: 'update_cache', expire_cache: 'update_cache' },
    rules: { requiredOneOf: [['name', 'list', 'update_cache']], mutuallyExclusive: [['name', 'list']] },
    async plan(ctx) {
      const a = ctx.args;
      if (a.list) throw new ModuleFailure(`tsplay's ${name} does not support list yet`);
      if (a.name.length === 0) {
        const { extra } = optionsFor(a, await rpmTool(ctx.conn, name));
        return { changed: false, result: { msg: 'Nothing to do', results: [], rc: 0, ...extra } };
      }
      const names: PackageName[] = a.name.map((spec) => ({ spec, name: spec }));
      const state = wantedState(a.state ?? (a.autoremove ? 'absent' : 'present'));
      const repos = { enablerepo: a.enablerepo, disablerepo: a.disablerepo, exclude: a.exclude, disableGpgCheck: a.disable_gpg_check, installroot: a.installroot };
      const read = await readRpm(ctx.conn, name, repos, names, state === 'latest', state !== 'absent');
      const { o, extra } = optionsFor(a, read.bin);
      const { found, unknown } = read;
      const changes = packageChanges(names, state, found);
      const missing = unknown.filter((s) => changes.install.some((p) => p.spec === s));
      // A dry run after a task that would add a repository cannot know what it offers.
      const repository = missing.length ? ctx.planned?.any('file', (p) => p.startsWith('/etc/yum.repos.d/')) : undefined;
      if (!repository) requireOffered(missing);
      const steps: Step[] = [];
      if (changes.install.length) steps.push(rpmStep(o, 'install', changes.install.map((p) => p.spec)));
      if (changes.upgrade.length) steps.push(rpmStep(o, 'upgrade', changes.upgrade.map((p) => p.spec)));
      if (changes.remove.length) steps.push(rpmStep(o, 'remove', changes.remove.map((p) => p.spec)));
      const results = [
        ...changes.install.map((p) => `Installed: ${p.spec}`),
        ...changes.upgrade.map((p) => `Upgraded: ${p.spec}`),
        ...changes.remove.map((p) => `Removed: ${p.spec}`),
      ];
      const changed = anyChange(changes);
      const result = { msg: changed ? '' : 'Nothing to do', rc: 0, results, ...extra, ...(repository ? { depends_on: repository } : {}) };
      return { changed, state: { steps, results }, diff: changesDiff(changes), result, creates: changesCreate(changes) };
    },
    prepare(ctx) {
      const a = ctx.args;
      return a.update_cache ? [makecacheStep(name, { enablerepo: a.enablerepo, disablerepo: a.disablerepo, exclude: [], disableGpgCheck: false, installroot: a.installroot })] : [];
    },
    async apply(ctx, plan: Plan<RpmState>) {
      await runSteps(ctx.conn, plan.state?.steps ?? []);
      return { result: { ...plan.result } };
    },
  };
}
