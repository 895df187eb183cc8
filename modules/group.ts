// group: a local group as Ansible's group module manages it (groupadd,
// groupmod -g when the gid differs, groupdel), read with getent in one probe.
import { quote } from '../src/host/shell.js';
import { runSteps, type Step } from '../src/host/run.js';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { parseGroups, probeSections } from '../src/accounts/databases.js';
import { groupaddArgv, groupmodArgv, groupdelArgv } from '../src/accounts/group-commands.js';

export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  local: boolean;
  non_unique: boolean;
}

const group: Module<GroupArgs, undefined> = {
  name: 'group',
  summary: 'Add or remove groups',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', description: 'Name of the group to manage.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the group should be present or not.' },
      gid: { type: 'integer', description: 'The GID of the group.' },
      system: { type: 'boolean', default: false, description: 'Create a system group (only on creation).' },
      local: { type: 'boolean', default: false, description: 'Use the libuser commands (lgroupadd...) that manage only the local files.' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a non-unique GID (with gid).' },
    },
  },
  rules: { requiredIf: [['non_unique', true, ['gid']]] },
  async plan(ctx) {
    const a = ctx.args;
    const probed = await probeSections(ctx.conn, { gr: a.local ? 'cat /etc/group' : `getent group ${quote(a.name)}`, all: a.local ? 'cat /etc/group' : 'getent group' });
    const all = parseGroups(probed.all?.out ?? '');
    // local: the last line of /etc/group with the name (as Ansible reads it).
    const current = a.local ? all.filter((g) => g.name === a.name).pop() : parseGroups(probed.gr?.out ?? '')[0];
    const result: ModuleResult = { name: a.name, state: a.state };
    let steps: Step[] = [];
    if (a.state === 'absent') {
      if (!current) return { changed: false, result: { ...result, changed: false } };
      if (ctx.check) return { changed: true, result: { changed: true } };
      steps = [{ summary: `groupdel ${a.name}`, command: groupdelArgv(a)}];
      return { changed: true, steps, result: { ...result, changed: true } };
    }
    if (a.local && a.gid !== undefined) {
      const other = all.find((g) => g.gid === a.gid && g.name !== a.name);
      if (other) throw new ModuleFailure(`GID '${a.gid}' already exists with group '${other.name}'`);
    }
    if (!current) {
      if (ctx.check) return { changed: true, result: { changed: true } };
      steps = [{ summary: `groupadd ${a.name}`, command: groupaddArgv(a)}];
      // The gid a new group gets is known after the run (apply reads it back).
      return { changed: true, steps, result: { ...result, changed: true, system: a.system } };
    }
    const mod = groupmodArgv(a, current);
    if (mod) steps = [{ summary: `groupmod ${a.name}`, command: mod}];
    return { changed: steps.length > 0, steps, result: { ...result, changed: steps.length > 0, system: a.system, gid: current.gid } };
  },
  async apply(ctx, plan) {
    const a = ctx.args;
    try {
      await runSteps(ctx.conn, plan.steps ?? []);
    } catch (e) {
      // Ansible fails with the command's stderr as it printed it, and the group's name.
      if (e instanceof ModuleFailure) throw new ModuleFailure(String(e.result.stderr ?? e.message), { name: a.name });
      throw e;
    }
    const result = { ...plan.result };
    if (a.state === 'present') {
      const after = parseGroups((await probeSections(ctx.conn, { gr: `getent group ${quote(a.name)}` })).gr?.out ?? '')[0];
      if (after) Object.assign(result, { system: a.system, gid: after.gid });
    }
    return { result };
  },
};

export default group;
