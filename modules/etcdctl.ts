// etcdctl: keys and cluster members in etcd, with the etcdctl the host has
// (Ansible's etcd3 module needs a Python library there instead). A key is read
// first and written only when its value differs (JSON compared parsed); a
// prefix (a v2 directory) can be removed; members are added, updated and
// removed after reading `member list`; `health: true` only reports. Secrets and
// values go to etcdctl on stdin (src/etcd/command.ts), never on a command line.
import { ModuleFailure, planOfSteps, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { runEtcd, type EtcdStep, type EtcdTarget } from '../src/etcd/command.js';
import { keyPlan, readKey } from '../src/etcd/keys.js';
import { healthResult, memberPlan, readCluster } from '../src/etcd/members.js';

interface EtcdctlArgs extends Omit<EtcdTarget, 'api'> {
  api: 'v2' | 'v3';
  key?: string;
  value?: unknown;
  state: 'present' | 'absent';
  prefix?: boolean;
  member?: 'present' | 'absent';
  name?: string;
  peer_urls?: string[];
  health?: boolean;
}

const list = { type: 'array', items: { type: 'string' } };

const etcdctl: Module<EtcdctlArgs, undefined> = {
  name: 'etcdctl',
  summary: 'Manage etcd keys (v2 and v3 APIs) and cluster members with etcdctl (tsplay\'s own)',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      key: { type: 'string' },
      value: { type: ['string', 'number', 'boolean', 'object', 'array'] },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      prefix: { type: 'boolean' },
      api: { type: 'string', enum: ['v2', 'v3'], default: 'v3' },
      endpoints: { ...list, default: ['http://127.0.0.1:2379'] },
      cacert: { type: 'string' },
      cert: { type: 'string' },
      cert_key: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      etcdctl_path: { type: 'string', default: 'etcdctl' },
      timeout: { type: 'integer', minimum: 1, default: 10 },
      member: { type: 'string', enum: ['present', 'absent'] },
      name: { type: 'string' },
      peer_urls: list,
      health: { type: 'boolean' },
    },
  },
  optionAliases: { ca_cert: 'cacert', client_cert: 'cert', cert_file: 'cert', key_file: 'cert_key', client_key: 'cert_key' },
  rules: {
    requiredOneOf: [['key', 'member', 'health']],
    mutuallyExclusive: [['key', 'member', 'health']],
    requiredIf: [
      ['member', 'present', ['name', 'peer_urls']],
      ['member', 'absent', ['name', 'peer_urls'], true],
    ],
    requiredBy: { user: ['password'], password: ['user'], value: ['key'], prefix: ['key'] },
  },
  async plan(ctx) {
    try {
      return await planEtcd(ctx);
    } catch (err) {
      // A dry run cannot reach a cluster that earlier tasks would (re)start or configure:
      // a write is then predicted, depending on that task.
      const etcdTask = ctx.planned?.any('unit', (u) => u.startsWith('etcd'));
      if (!etcdTask || !(err instanceof ModuleFailure)) throw err;
      const a = ctx.args;
      const writes = (a.member ?? (a.health ? undefined : a.state)) === 'present';
      return { changed: writes, result: { changed: writes, depends_on: etcdTask } };
    }
  },
  // Not the engine's default apply: these steps carry stdin (credentials, the value).
  async apply(ctx, plan) {
    for (const step of (plan.steps ?? []) as EtcdStep[]) await runEtcd(ctx.conn, step);
    return { result: { ...plan.result, changed: true } };
  },
};

/** The plan from what the cluster holds now. */
async function planEtcd(ctx: ModuleContext<EtcdctlArgs>): Promise<Plan<undefined>> {
  const a = ctx.args;
  const t: EtcdTarget = { ...a };
  // Membership and health use the v3 API whatever `api` says: etcd 3.4 always serves it, and its JSON has what the plan needs.
  const v3: EtcdTarget = { ...a, api: 'v3' };
  if (a.health) return { changed: false, result: healthResult(await readCluster(ctx.conn, v3, true)) };
  if (a.member) {
    const { steps, result } = memberPlan(v3, { member: a.member, name: a.name, peer_urls: a.peer_urls }, await readCluster(ctx.conn, v3, false));
    return planOfSteps(steps, result);
  }
  if (!a.key) throw new ModuleFailure('key must not be empty');
  const req = { key: a.key, value: a.value, state: a.state, prefix: a.prefix === true };
  const { steps, result, diff } = keyPlan(t, req, await readKey(ctx.conn, t, req));
  return planOfSteps(steps, result, diff ? { diff: [diff] } : {});
}

export default etcdctl;
