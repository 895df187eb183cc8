// service: a service's state and enablement through the host's service
// manager (ansible_service_mgr, else probed): systemd units as the systemd
// module does them, SysV init scripts through `service`.
import { planOfSteps, type Module } from '../src/module-api/module-types.js';
import { plannedUnit, readUnit, unitCreates, unitPlan, UNIT_OPTIONS, type UnitState } from '../src/services/systemd-unit.js';
import { readSysv, sysvPlan } from '../src/services/sysv-service.js';

interface ServiceArgs {
  name: string;
  state?: UnitState;
  enabled?: boolean;
  sleep?: number;
  pattern?: string;
  runlevel: string;
  arguments: string;
  use: string;
}

/** systemd, per `use` or the ansible_service_mgr fact; undefined: ask the host. */
function chosenManager(ctx: Parameters<Module<ServiceArgs>['plan']>[0]): boolean | undefined {
  const use = ctx.args.use === 'auto' ? ctx.vars.ansible_service_mgr : ctx.args.use;
  return typeof use === 'string' && use !== '' ? use === 'systemd' : undefined;
}

const service: Module<ServiceArgs, undefined> = {
  name: 'service',
  summary: 'Manage services',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      ...UNIT_OPTIONS,
      sleep: { type: 'integer' },
      pattern: { type: 'string' },
      runlevel: { type: 'string', default: 'default' },
      arguments: { type: 'string', default: '' },
      use: { type: 'string', default: 'auto' },
    },
    required: ['name'],
  },
  optionAliases: { args: 'arguments' },
  rules: { requiredOneOf: [['state', 'enabled']] },
  async plan(ctx) {
    const a = ctx.args;
    const chosen = chosenManager(ctx);
    // Without the fact, the unit's probe also tells whether systemd runs the host: one round trip.
    const read = chosen === false ? undefined : await readUnit(ctx.conn, a.name, []);
    if (read && (chosen ?? read.systemd)) {
      const req = { name: a.name, state: a.state, enabled: a.enabled, flags: [] };
      const { unit, dependsOn } = plannedUnit(a.name, read, ctx.planned);
      const { steps, result } = unitPlan(req, unit);
      return planOfSteps(steps, { ...result, ...(dependsOn ? { depends_on: dependsOn } : {}) }, { creates: unitCreates(a.name, steps) });
    }
    const { steps, result } = sysvPlan(a.name, a, await readSysv(ctx.conn, a.name));
    return planOfSteps(steps, result);
  },
};

export default service;
