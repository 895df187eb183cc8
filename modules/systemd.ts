// systemd (alias systemd_service): a unit's state, enablement and mask, as
// Ansible's systemd module decides them; daemon_reload/daemon_reexec run
// first in a real run and are not changes.
import { planOfSteps, ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { plannedUnit, readUnit, unitCreates, unitPlan, UNIT_OPTIONS, type UnitState } from '../src/services/systemd-unit.js';
import type { Step } from '../src/host/run.js';

export interface SystemdArgs {
  name?: string;
  state?: UnitState;
  enabled?: boolean;
  force?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  scope: 'system' | 'user' | 'global';
  no_block: boolean;
}

function flags(a: SystemdArgs): string[] {
  return [...(a.scope !== 'system' ? [`--${a.scope}`] : []), ...(a.no_block ? ['--no-block'] : []), ...(a.force ? ['--force'] : [])];
}

function daemonStep(a: SystemdArgs, verb: 'daemon-reload' | 'daemon-reexec'): Step {
  return {
    summary: `systemctl ${verb}`,
    command: ['systemctl', ...flags(a), verb],
    failure: (res) => `failure ${res.rc} during ${verb}: ${res.stderr}`,
  };
}

const systemd: Module<SystemdArgs, undefined> = {
  name: 'systemd',
  summary: 'Manage systemd units',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      ...UNIT_OPTIONS,
      force: { type: 'boolean' },
      masked: { type: 'boolean' },
      daemon_reload: { type: 'boolean', default: false },
      daemon_reexec: { type: 'boolean', default: false },
      scope: { type: 'string', enum: ['system', 'user', 'global'], default: 'system' },
      no_block: { type: 'boolean', default: false },
    },
  },
  optionAliases: { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  rules: {
    requiredOneOf: [['state', 'enabled', 'masked', 'daemon_reload', 'daemon_reexec']],
    requiredBy: { state: ['name'], enabled: ['name'], masked: ['name'] },
  },
  prepare(ctx) {
    const a = ctx.args;
    return [...(a.daemon_reload ? [daemonStep(a, 'daemon-reload')] : []), ...(a.daemon_reexec ? [daemonStep(a, 'daemon-reexec')] : [])];
  },
  async plan(ctx) {
    const a = ctx.args;
    if (!a.name) return planOfSteps([], { name: null, status: {} });
    for (const glob of ['*', '?', '[']) {
      if (a.name.includes(glob)) {
        throw new ModuleFailure(`This module does not currently support using glob patterns, found '${glob}' in service name: ${a.name}`);
      }
    }
    const req = { name: a.name, state: a.state, enabled: a.enabled, masked: a.masked, flags: flags(a) };
    const { unit, dependsOn } = plannedUnit(a.name, await readUnit(ctx.conn, a.name, req.flags), ctx.planned);
    const { steps, result } = unitPlan(req, unit);
    return planOfSteps(steps, { ...result, ...(dependsOn ? { depends_on: dependsOn } : {}) }, { creates: unitCreates(a.name, steps) });
  },
};

export default systemd;
