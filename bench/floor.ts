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
/**
 * The same programs as the playbook's 9 `command` tasks (its last 9 of 40),
 * started the way tsplay's command module starts them (`exec`); the other
 * commands `echo`. Not the target's floor: context for where time goes, since
 * starting a program on these hosts costs several times an `echo`.
 */
export const PLAYBOOK_PROGRAMS = [
  'exec cat /etc/hostname',
  'exec ls /etc',
  'exec uname -r',
  'exec id -u',
  'exec test -f /etc/hostname',
  'exec stat -c %s /etc/hostname',
  'exec wc -l /etc/hostname',
  'exec grep -c root /etc/passwd',
  'exec head -n 1 /etc/passwd',
];

export function withPlaybookPrograms(commands: number): (i: number) => string | undefined {
  return (i) => PLAYBOOK_PROGRAMS[i - (commands - PLAYBOOK_PROGRAMS.length)];
}

export async function rawFloor(
  hosts: FloorHost[],
  keyFile: string,
  knownHostsFile: string,
  commands = 40,
  batches = 1,
  /** The command at position i instead of `echo i` (undefined: `echo i`). */
  commandAt: (i: number) => string | undefined = () => undefined,
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
            const other = commandAt(i);
            const r = await c.exec(other ?? `echo ${i}`);
            if (r.rc !== 0 || (other === undefined && r.stdout.trim() !== String(i))) throw new Error(`floor: unexpected answer from ${c.host}: ${JSON.stringify(r)}`);
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
