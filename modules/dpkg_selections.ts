// dpkg_selections: a package's dpkg selection (install, hold, deinstall,
// purge), read with `dpkg --get-selections` and set with `dpkg --set-selections`.
import { type Module } from '../src/module-api/module-types.js';
import { mustRun, commandFailure, probe } from '../src/host/run.js';

interface DpkgSelectionsArgs {
  name: string;
  selection: 'install' | 'hold' | 'deinstall' | 'purge';
}

const dpkgSelections: Module<DpkgSelectionsArgs, undefined> = {
  name: 'dpkg_selections',
  summary: 'Dpkg package selection selections',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The package' },
      selection: { type: 'string', enum: ['install', 'hold', 'deinstall', 'purge'], description: 'The selection state to set' },
    },
    required: ['name', 'selection'],
  },
  async plan(ctx) {
    const { name, selection } = ctx.args;
    const cmd = ['dpkg', '--get-selections', name];
    const res = await probe(ctx.conn, cmd);
    if (res.rc !== 0) throw commandFailure(cmd, res);
    const current = res.stdout.trim() ? res.stdout.split(/\s+/)[1]! : 'not present';
    const changed = current !== selection;
    return { changed, result: { changed, before: current, after: selection } };
  },
  async apply(ctx, p) {
    await mustRun(ctx.conn, ['dpkg', '--set-selections'], { stdin: `${ctx.args.name} ${ctx.args.selection}` });
    return { result: { ...p.result } };
  },
};

export default dpkgSelections;
