// hostname: the host's name, as Ansible's hostname module sets it: with
// hostnamectl (static and pretty, then transient) where systemd runs the host
// or use=systemd/debian, else in the distribution's file. Returns the
// ansible_hostname/nodename/fqdn/domain facts, and a diff when it changes.
import { raw } from '../src/host/shell.js';
import { runSteps, type Step } from '../src/host/run.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probeSections } from '../src/accounts/databases.js';
import { FILE_STRATEGY, fqdnScript, hostnameFacts, STRATEGIES, type Strategy } from '../src/accounts/hostname-strategy.js';

interface HostnameArgs {
  name: string;
  use?: string;
}

const hostname: Module<HostnameArgs, undefined> = {
  name: 'hostname',
  summary: 'Manage hostname',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', description: 'Name of the host.' },
      use: { type: 'string', enum: Object.keys(STRATEGIES), description: 'Which strategy to use to update the hostname (default: systemd where it runs the host, else by distribution).' },
    },
  },
  async plan(ctx) {
    const a = ctx.args;
    const probed = await probeSections(ctx.conn, {
      systemd: 'test -d /run/systemd/system -o -d /dev/.run/systemd -o -d /dev/.systemd && command -v systemctl',
      transient: 'hostnamectl --transient status',
      static: 'hostnamectl --static status',
      file: 'test -f /etc/hostname && cat /etc/hostname',
      sles: 'test -f /etc/HOSTNAME && cat /etc/HOSTNAME',
      network: 'cat /etc/sysconfig/network',
      redhat: 'test -f /etc/redhat-release',
      alpine: 'test -f /etc/alpine-release',
      fqdn: fqdnScript(),
    });
    let strategy: Strategy;
    if (a.use) strategy = STRATEGIES[a.use]!;
    else if (probed.systemd?.rc === 0) strategy = STRATEGIES.systemd!;
    else if (probed.redhat?.rc === 0) strategy = STRATEGIES.redhat!;
    else if (probed.alpine?.rc === 0) strategy = STRATEGIES.alpine!;
    else strategy = FILE_STRATEGY;
    if (!strategy.read) throw new ModuleFailure(`hostname: use=${a.use} is not supported by tsplay`);
    const { current, permanent } = strategy.read((n) => probed[n] ?? { rc: 1, out: '' });
    const steps: Step[] = [];
    // systemd sets the static name first; the others set the current one first.
    const setPermanent = permanent !== a.name ? strategy.setPermanent(a.name) : [];
    const setCurrent = current !== a.name ? strategy.setCurrent(a.name) : [];
    const changed = permanent !== a.name || current !== a.name;
    if (changed && strategy.maxLength && a.name.length > strategy.maxLength) {
      throw new ModuleFailure('name cannot be longer than 64 characters on systemd servers, try a shorter name');
    }
    for (const cmd of strategy.permanentFirst ? [...setPermanent, ...setCurrent] : [...setCurrent, ...setPermanent]) {
      steps.push({ summary: `set the hostname to ${a.name}`, command: typeof cmd === 'string' ? raw(cmd) : cmd });
    }
    const before = a.name !== current ? current : permanent;
    const diff = changed ? { before: `hostname = ${before}\n`, after: `hostname = ${a.name}\n` } : undefined;
    const facts = hostnameFacts(a.name, probed.fqdn?.out.trim() ?? '');
    return {
      changed,
      steps,
      ...(diff ? { diff: [diff] } : {}),
      effects: { facts },
      result: { changed, name: a.name, ansible_facts: facts, ...(diff ? { diff } : {}) },
    };
  },
  async apply(ctx, plan) {
    // The fqdn is the host's once renamed.
    const outs = await runSteps(ctx.conn, [...(plan.steps ?? []), { summary: 'fqdn', command: raw(fqdnScript()) }]);
    const facts = hostnameFacts(ctx.args.name, outs[outs.length - 1]?.stdout.trim() ?? '');
    return { result: { ...plan.result, ansible_facts: facts }, effects: { facts } };
  },
};

export default hostname;
