// The raw floor: the same number of remote commands as the playbook has tasks
// (40 per host), sent over one already-open SSH connection per host (tsplay's own
// openSsh from dist/, one long-lived framed /bin/sh session), hosts in parallel,
// commands one after another on each host, no runner around them. Connecting is
// timed separately and not part of the floor.
import { openSsh } from '../dist/src/connection/ssh.js';

export interface FloorHost {
  name: string;
  address: string;
}

export interface FloorResult {
  connectMs: number;
  /** Wall time of all commands on all hosts (hosts in parallel). */
  wallMs: number;
  /** wallMs / commands: per command, all hosts in parallel. */
  perCommandMs: number;
  cpuMs: number;
  commands: number;
}

export async function rawFloor(hosts: FloorHost[], keyFile: string, knownHostsFile: string, commands = 40): Promise<FloorResult> {
  const t0 = performance.now();
  const conns = await Promise.all(
    hosts.map((h) =>
      openSsh({
        host: h.name,
        address: h.address,
        port: 22,
        user: 'root',
        privateKeyFile: keyFile,
        knownHostsFile,
        hostKeyChecking: 'strict',
        connectTimeoutMs: 30_000,
        defaultIdentities: false,
      }),
    ),
  );
  const connectMs = performance.now() - t0;
  try {
    // One warm-up command per host (the first use of the session), not timed.
    await Promise.all(conns.map((c) => c.exec('true')));
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    await Promise.all(
      conns.map(async (c) => {
        for (let i = 0; i < commands; i++) {
          const r = await c.exec(`echo ${i}`);
          if (r.rc !== 0 || r.stdout.trim() !== String(i)) throw new Error(`floor: unexpected answer from ${c.host}: ${JSON.stringify(r)}`);
        }
      }),
    );
    const wallMs = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    return { connectMs, wallMs, perCommandMs: wallMs / commands, cpuMs: (cpu.user + cpu.system) / 1000, commands };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

/**
 * The replay floor: the very commands (and stdin) tsplay sent in a recorded run
 * (bench/count-execs.mjs with BENCH_EXEC_LOG), replayed in the same order per
 * host over one open connection, hosts in parallel, with `from` replaced by `to`
 * in every command so that a first run meets fresh paths again. The difference
 * to tsplay's own time is what the runner adds around the remote work.
 */
export async function replayFloor(
  hosts: FloorHost[],
  keyFile: string,
  knownHostsFile: string,
  log: Array<{ host: string; command: string; stdin?: string }>,
  from: string,
  to: string,
): Promise<{ wallMs: number; commands: number; failed: number }> {
  const conns = await Promise.all(
    hosts.map((h) =>
      openSsh({ host: h.name, address: h.address, port: 22, user: 'root', privateKeyFile: keyFile, knownHostsFile, hostKeyChecking: 'strict', connectTimeoutMs: 30_000, defaultIdentities: false }),
    ),
  );
  try {
    await Promise.all(conns.map((c) => c.exec('true')));
    let failed = 0;
    const t1 = performance.now();
    await Promise.all(
      conns.map(async (c) => {
        for (const e of log) {
          if (e.host !== c.host) continue;
          const r = await c.exec(e.command.split(from).join(to), e.stdin === undefined ? {} : { stdin: Buffer.from(e.stdin, 'base64') });
          if (r.rc !== 0) failed++;
        }
      }),
    );
    return { wallMs: performance.now() - t1, commands: log.length, failed };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}
