// hostname: the host's name, as Ansible's hostname module sets it: with
// hostnamectl (static and pretty, then transient) where systemd runs the host
// or use=systemd/debian, else in the distribution's file (use=openrc:
// /etc/conf.d/hostname). Returns the ansible_hostname/nodename/fqdn/domain
// facts, and a diff when it changes. Ansible 2.14's crashes are kept: use=generic
// raises, and an OpenRC file without a hostname= line fails after its rewrite.
import { raw } from '../src/host/shell.js';
import { runSteps, type Step } from '../src/host/run.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probeSections } from '../src/accounts/databases.js';
import { FILE_STRATEGY, fqdnScript, hostnameFacts, STRATEGIES, type Strategy } from '../src/accounts/hostname-strategy.js';

interface HostnameArgs {
  name: string;
  use?: string;
}

/** A Python exception in Ansible's module, as its task reports it. */
const crash = (exception: string): ModuleFailure => {
  const traceback = `Traceback (most recent call last):\n  File "hostname.py", in main\n${exception}\n`;
  return new ModuleFailure('MODULE FAILURE\nSee stdout/stderr for the exact error', { exception: traceback, module_stderr: traceback, module_stdout: '', rc: 1 });
};
const NONE_NAME = 'TypeError: can only concatenate str (not "NoneType") to str';

const hostname: Module<HostnameArgs, { crashes: boolean }> = {
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
    if (a.use && STRATEGIES[a.use]?.raises) throw crash(STRATEGIES[a.use]!.raises!);
    const probed = await probeSections(ctx.conn, {
      systemd: 'test -d /run/systemd/system -o -d /dev/.run/systemd -o -d /dev/.systemd && command -v systemctl',
      transient: 'hostnamectl --transient status',
      static: 'hostnamectl --static status',
      file: 'test -f /etc/hostname && cat /etc/hostname',
      sles: 'test -f /etc/HOSTNAME && cat /etc/HOSTNAME',
      network: 'cat /etc/sysconfig/network',
      redhat: 'test -f /etc/redhat-release',
      alpine: 'test -f /etc/alpine-release',
      openrc: 'test -f /etc/conf.d/hostname && cat /etc/conf.d/hostname',
      openrcDir: 'test -d /etc/conf.d',
      fqdn: fqdnScript(),
    });
    let strategy: Strategy;
    if (a.use) strategy = STRATEGIES[a.use]!;
    else if (probed.systemd?.rc === 0) strategy = STRATEGIES.systemd!;
    else if (probed.redhat?.rc === 0) strategy = STRATEGIES.redhat!;
    else if (probed.alpine?.rc === 0) strategy = STRATEGIES.alpine!;
    else strategy = FILE_STRATEGY;
    if (!strategy.read) throw new ModuleFailure(`hostname: use=${a.use} is not supported by tsplay`);
    const section = (n: string) => probed[n] ?? { rc: 1, out: '' };
    const { current, permanent } = strategy.read(section);
    const steps: Step[] = [];
    // systemd sets the static name first; the others set the current one first.
    const setPermanent = permanent !== a.name ? strategy.setPermanent(a.name, section) : [];
    const setCurrent = current !== a.name ? strategy.setCurrent(a.name) : [];
    const changed = permanent !== a.name || current !== a.name;
    if (changed && strategy.maxLength && a.name.length > strategy.maxLength) {
      throw new ModuleFailure('name cannot be longer than 64 characters on systemd servers, try a shorter name');
    }
    const dir = strategy.fileDir;
    if (!ctx.check && setPermanent.length && dir && section(dir.section).rc !== 0) {
      const error = `[Errno 2] No such file or directory: '${dir.file}'`;
      throw new ModuleFailure(`failed to update hostname: ${error}`, { exception: `Traceback (most recent call last):\nFileNotFoundError: ${error}\n` });
    }
    // No name read: Ansible writes the file, then fails building its diff.
    const crashes = current === null;
    if (crashes && ctx.check) throw crash(NONE_NAME);
    for (const cmd of strategy.permanentFirst ? [...setPermanent, ...setCurrent] : [...setCurrent, ...setPermanent]) {
      steps.push({ summary: `set the hostname to ${a.name}`, command: typeof cmd === 'string' ? raw(cmd) : cmd });
    }
    const before = a.name !== current ? current : permanent;
    // `after` first, as Ansible's module writes it (to_json keeps the order); none where it crashes.
    const diff = changed && !crashes ? { after: `hostname = ${a.name}\n`, before: `hostname = ${before}\n` } : undefined;
    const facts = hostnameFacts(a.name, probed.fqdn?.out.trim() ?? '');
    return {
      changed,
      steps,
      ...(diff ? { diff: [diff] } : {}),
      effects: { facts },
      result: { changed, name: a.name, ansible_facts: facts, ...(diff ? { diff } : {}) },
      state: { crashes },
    };
  },
  async apply(ctx, plan) {
    // The fqdn is the host's once renamed.
    const outs = await runSteps(ctx.conn, [...(plan.steps ?? []), { summary: 'fqdn', command: raw(fqdnScript()) }]);
    if (plan.state?.crashes) throw crash(NONE_NAME);
    const facts = hostnameFacts(ctx.args.name, outs[outs.length - 1]?.stdout.trim() ?? '');
    return { result: { ...plan.result, ansible_facts: facts }, effects: { facts } };
  },
};

export default hostname;
