// Running playbooks: each play in turn, hosts that failed or were unreachable
// left out of later plays, one connection per host for the whole run, the
// recap at the end, and Ansible's exit code.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { closeAfterExit } from '../connection/exit-closer.js';
import { openConnection } from '../connection/factory.js';
import { ExitCode } from '../errors.js';
import type { Inventory } from '../inventory/index.js';
import type { HostPlan, Reporter } from '../output/events.js';
import type { Playbook } from '../playbook/types.js';
import { Templar } from '../templating/templar.js';
import { onInterrupt } from '../cli/interrupt.js';
import type { RunContext, RunOptions } from './context.js';
import { PlayRunner } from './play-runner.js';
import { askVarsPrompt, terminalAsker, type Asker } from './vars-prompt.js';
import { RunStats, type HostStats } from './stats.js';

export type ConnectionFactory = (host: string, vars: Record<string, unknown>, options: RunOptions) => Promise<Connection>;

/** Connection variables are templated like any other before they are used. */
export const defaultConnectionFactory: ConnectionFactory = (host, vars, options) =>
  openConnection(host, vars, options.connectionSettings);

export async function runPlaybooks(
  playbooks: Playbook[],
  inventory: Inventory,
  options: RunOptions,
  reporter: Reporter,
  connectionFactory: ConnectionFactory = defaultConnectionFactory,
  asker: Asker = terminalAsker,
): Promise<number> {
  const connections = new Map<string, Promise<Connection>>();
  const run: RunContext = {
    options,
    inventory,
    templar: new Templar(),
    reporter,
    stats: new RunStats(),
    hosts: new Map(),
    omit: `__omit_place_holder__${randomBytes(20).toString('hex')}`,
    connect(host, timeoutSeconds) {
      let c = connections.get(host);
      if (!c) {
        const vars = run.templar.view({ ...inventory.hostVars(host), ...options.extraVars, inventory_hostname: host });
        const opened =
          timeoutSeconds === undefined ? options : { ...options, connectionSettings: { ...options.connectionSettings, timeoutSeconds } };
        c = connectionFactory(host, vars, opened);
        connections.set(host, c);
      }
      return c;
    },
    async resetConnection(host) {
      const c = connections.get(host);
      connections.delete(host);
      // A connection that never opened (or already dropped) has nothing to close.
      await c?.then((conn) => conn.close()).catch(() => undefined);
    },
  };
  const closeAll = () => Promise.allSettled([...connections.values()].map(async (c) => (await c).close())).then(() => undefined);
  const unregister = onInterrupt(closeAll);
  const dropped = new Set<string>();
  const startState = { startAtTaskFound: false };
  try {
    plays: for (const playbook of playbooks) {
      for (const play of playbook.plays) {
        await askVarsPrompt(play, run, asker);
        const runner = new PlayRunner(run, play, startState);
        const hosts = runner.selectHosts();
        const failed = await runner.execute(hosts, dropped);
        for (const h of failed) dropped.add(h);
        if (runner.aborted) break plays;
      }
    }
    // The recap does not wait for the connections to close (~5 ms a host).
    const stats = run.stats.summary();
    reporter.emit({ kind: 'recap', stats });
    if (options.startAtTask !== undefined && !startState.startAtTaskFound) {
      // As ansible-playbook: an error after the recap, and still exit code 0.
      const message = `No matching task "${options.startAtTask}" found. Note: --start-at-task can only follow static includes.`;
      reporter.emit({ kind: 'warning', message, error: true });
    }
    if (options.check && options.diff) reporter.emit({ kind: 'plan_summary', hosts: planSummary(run, stats) });
  } finally {
    unregister();
    // Closing a connection makes the host's sshd end the session and its
    // processes; at 100 hosts that took both cores for ~0.25 s while the
    // controller still had its exit to make. A process about to exit hands
    // them to a child that closes them once it is gone (exit-closer.ts).
    if (options.exitAfterRun) closeAfterExit(await openSockets([...connections.values()]));
    else await closeAll();
  }
  if (run.stats.anyUnreachable()) return ExitCode.unreachable;
  if (run.stats.anyFailed()) return ExitCode.hostFailed;
  return ExitCode.ok;
}

async function openSockets(connections: Promise<Connection>[]): Promise<Socket[]> {
  const opened = await Promise.allSettled(connections);
  return opened.flatMap((c) => {
    const sock = c.status === 'fulfilled' ? c.value.tcpSocket?.() : undefined;
    return sock ? [sock] : [];
  });
}

/** What the dry run would change, by host: its changed count and what earlier tasks would make. */
function planSummary(run: RunContext, stats: Map<string, HostStats>): Map<string, HostPlan> {
  const out = new Map<string, HostPlan>();
  for (const [host, s] of stats) {
    const planned = run.hosts.get(host)?.planned;
    out.set(host, {
      changed: s.changed,
      files: planned?.list('file') ?? [],
      packages: planned?.list('package') ?? [],
      services: planned?.list('unit') ?? [],
    });
  }
  return out;
}
