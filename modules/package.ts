// package: the host's own package module (apt, dnf or yum), chosen by `use`,
// else the ansible_pkg_mgr fact, else by which tool the host has; name and
// state are passed on, as Ansible's package action does.
import { ModuleFailure, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { checkArgs } from '../src/module-api/module-args.js';
import { probe } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import apt from './apt.js';
import dnf from './dnf.js';
import yum from './yum.js';

interface PackageArgs {
  name: string[];
  state: string;
  use: string;
}

const BACKENDS: Record<string, Module<any, any>> = { apt, dnf, yum };

interface Delegated {
  backend: string;
  args: Record<string, unknown>;
  inner: unknown;
}

async function managerOf(ctx: ModuleContext<PackageArgs>): Promise<string> {
  const chosen = ctx.args.use !== 'auto' ? ctx.args.use : ctx.vars.ansible_pkg_mgr;
  if (typeof chosen === 'string' && chosen !== '' && chosen !== 'unknown') return chosen;
  const res = await probe(ctx.conn, raw('for b in apt-get dnf yum; do command -v $b >/dev/null 2>&1 && { echo $b; exit 0; }; done; exit 1'), { timeout: 30 });
  return res.stdout.trim() === 'apt-get' ? 'apt' : res.stdout.trim();
}

function backendContext(ctx: ModuleContext<PackageArgs>, args: Record<string, unknown>): ModuleContext<any> {
  return { ...ctx, args };
}

const pkg: Module<PackageArgs, Delegated> = {
  name: 'package',
  summary: 'Generic OS package manager',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'array', items: { type: 'string' } },
      state: { type: 'string' },
      use: { type: 'string', default: 'auto' },
    },
    required: ['name', 'state'],
  },
  async plan(ctx) {
    const manager = await managerOf(ctx);
    const backend = BACKENDS[manager];
    if (!backend) throw new ModuleFailure(`Could not find a module for ${manager || 'this host'}. tsplay's package works with apt, dnf and yum.`);
    const checked = checkArgs(backend, { name: ctx.args.name, state: ctx.args.state });
    if (!checked.ok) throw new ModuleFailure(`${checked.errors.join('; ')} (module ${backend.name})`);
    const inner = await backend.plan(backendContext(ctx, checked.args));
    return { ...inner, state: { backend: manager, args: checked.args, inner: inner.state } };
  },
  async apply(ctx, plan: Plan<Delegated>) {
    const { backend, args, inner } = plan.state!;
    return BACKENDS[backend]!.apply!(backendContext(ctx, args), { ...plan, state: inner });
  },
};

export default pkg;
