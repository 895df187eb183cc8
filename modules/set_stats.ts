// set_stats: custom statistics for the run's end. ansible-playbook prints them
// only when show_custom_stats is on (off by default), so the task's result is
// what users see and register.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';

interface SetStatsArgs {
  data: unknown;
  per_host: boolean;
  aggregate: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const setStats: Module<SetStatsArgs> = {
  name: 'set_stats',
  summary: 'Define and display stats for the current ansible run',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      data: { default: {}, description: 'A dictionary of which each key represents a stat (or variable) you want to keep track of.' },
      per_host: { type: 'boolean', default: false, description: 'whether the stats are per host or for all hosts in the run.' },
      aggregate: { type: 'boolean', default: true, description: 'Whether the provided value is aggregated to the existing stat true or will replace it false.' },
    },
  },
  async plan(ctx) {
    const { data, per_host, aggregate } = ctx.args;
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ModuleFailure("The 'data' option needs to be a dictionary/hash");
    for (const k of Object.keys(data)) {
      if (!IDENTIFIER.test(k)) {
        throw new ModuleFailure(
          `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
        );
      }
    }
    const stats = { data: data as Record<string, unknown>, per_host, aggregate };
    return { changed: false, result: { ansible_stats: stats }, effects: { stats: { data: stats.data, perHost: per_host, aggregate } } };
  },
};

export default setStats;
