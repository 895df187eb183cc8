// The raw floor: the same number of remote commands as the playbook has tasks
// (40 per host), sent over one already-open SSH connection per host (tsplay's own
// openSsh, one long-lived framed /bin/sh session), hosts in parallel,
// commands one after another on each host, no runner around them. Connecting is
// timed separately and not part of the floor.
import { openSsh } from '../src/connection/ssh.js';

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

/**
 * `batches` > 1 times the commands that many times over the same connections
 * and reports the median batch: one batch lasts ~50 ms, so a moment of load
 * from another job would otherwise decide the figure.
 */
export async function rawFloor(
  hosts: FloorHost[],
  keyFile: string,
  knownHostsFile: string,
  commands = 40,
  batches = 1,
): Promise<FloorResult> {
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
    const runs: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let b = 0; b < batches; b++) {
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
      const cpu = process.cpuUsage(cpu0);
      runs.push({ wallMs: performance.now() - t1, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    const mid = [...runs].sort((a, b) => a.wallMs - b.wallMs)[(runs.length - 1) >> 1]!;
    return { connectMs, wallMs: mid.wallMs, perCommandMs: mid.wallMs / commands, cpuMs: mid.cpuMs, commands };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}
