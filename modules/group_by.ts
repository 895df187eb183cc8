// group_by: put the task's host into a group named from its variables (and the
// group under parent groups), for the plays that follow. The engine makes the
// change and says whether it was new.
import type { Module } from '../src/module-api/module-types.js';

interface GroupByArgs {
  key: string;
  parents: string[];
}

// Ansible turns spaces in group names into dashes.
const dashed = (name: string): string => name.replace(/ /g, '-');

const groupBy: Module<GroupByArgs> = {
  name: 'group_by',
  summary: 'Create Ansible groups based on facts',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'The variables whose values will be used as groups.' },
      parents: { type: 'array', items: { type: 'string' }, default: ['all'], description: 'The list of the parent groups.' },
    },
    required: ['key'],
  },
  async plan(ctx) {
    const group = dashed(ctx.args.key);
    const parents = ctx.args.parents.map(dashed);
    return {
      changed: false,
      result: { add_group: group, parent_groups: parents },
      effects: { inventory: { kind: 'group_by', group, parents } },
    };
  },
};

export default groupBy;
