// Connect storm: boot N lite hosts (bench/lite-hosts.ts), open one tsplay SSH
// connection (openSsh from a build in dist/) to each, and report
// where the time goes:
//
// - per connection, ms from the start of the storm to: TCP connected, server
//   banner, key exchange done ('handshake'), auth done ('ready'), shell session
//   ready (openSsh resolved); medians and maxima over the hosts;
// - CPU: the controller (this node process), the lite sshds (each listener's
//   own time plus its reaped children: the per-connection sshd processes and
//   the session shells), and the whole machine (/proc/stat, all cores), so
//   "other" is whatever else ran on the machine meanwhile;
// - the algorithms ssh2 negotiated.
//
// Usage: npx vite-node bench/connect-storm.ts -- --hosts 50 [--concurrency 0]
//        [--rounds 1] [--algos default|cheap] [--fixture loginRc,reexec]
//        [--variants dist,other/dist]
// (build first: npm run build). --variants: builds of tsplay to compare (each a
// directory holding src/connection/ssh.js); the rounds alternate between them on
// the same hosts, so a busy machine slows all of them alike. The hosts are always destroyed (finally block,
// plus lite-hosts.ts's own signal/exit handlers).
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../src/connection/connection.js';
import type { openSsh as OpenSsh } from '../src/connection/ssh.js';
import { bootLiteHosts, type LiteFixtureOptions } from './lite-hosts.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const HOSTS = Number(arg('hosts', '10'));
const CONCURRENCY = Number(arg('concurrency', '0'));
const ROUNDS = Number(arg('rounds', '1'));
const ALGOS = arg('algos', 'default');
const FIXTURE = arg('fixture', '');
const VARIANTS = arg('variants', 'dist').split(',');
const CLOCK_TICK = 100; // USER_HZ

interface Phase {
  start?: number;
  tcp?: number;
  banner?: number;
  kex?: number;
  auth?: number;
  shell?: number;
  algos: string[];
}

// Instrument ssh2: every Client gets a debug hook (timestamps from its log
// lines) and, with --algos cheap, an explicit algorithm list.
const phases = new Map<string, Phase>();
const { Client } = ssh2;
const origConnect = Client.prototype.connect;
Client.prototype.connect = function (this: InstanceType<typeof Client>, cfg: ssh2.ConnectConfig) {
  const host = String(cfg.host);
  const p: Phase = phases.get(host) ?? { algos: [] };
  phases.set(host, p);
  const now = (): number => performance.now() - t0;
  p.start = now();
  const debug = (msg: string): void => {
    if (msg === 'Socket connected') p.tcp ??= now();
    else if (msg.startsWith('Remote ident')) p.banner ??= now();
    else if (/^Handshake: (KEX algorithm|Host key format|C->S Cipher|C->S MAC):/.test(msg)) p.algos.push(msg.replace(/^Handshake: /, ''));
  };
  this.on('handshake', () => (p.kex ??= now()));
  this.on('ready', () => (p.auth ??= now()));
  const algorithms =
    ALGOS === 'cheap'
      ? {
          ...cfg.algorithms,
          kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256'],
          cipher: ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr'],
        }
      : cfg.algorithms;
  return origConnect.call(this, { ...cfg, debug, algorithms } as ssh2.ConnectConfig);
} as typeof Client.prototype.connect;

let t0 = 0;

function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = cpu[3]! + cpu[4]!; // idle + iowait
  return { busy: total - idle, total };
}

/** utime+stime+cutime+cstime of a process, in ms. */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the comm: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
    return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLOCK_TICK;
  } catch {
    return 0;
  }
}

function stats(values: number[]): string {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return '-';
  const med = v[Math.floor(v.length / 2)]!;
  return `${med.toFixed(0)} / ${v[v.length - 1]!.toFixed(0)}`;
}

async function limited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  if (limit <= 0 || limit >= items.length) return Promise.all(items.map(fn));
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const fixture: LiteFixtureOptions = {};
  for (const f of FIXTURE.split(',').filter(Boolean)) (fixture as Record<string, boolean>)[f] = true;
  const builds: Array<{ name: string; openSsh: typeof OpenSsh }> = [];
  for (const v of VARIANTS) {
    const mod = (await import(resolve(fileURLToPath(new URL('..', import.meta.url)), v, 'src/connection/ssh.js'))) as { openSsh: typeof OpenSsh };
    builds.push({ name: v, openSsh: mod.openSsh });
  }
  const lab = await bootLiteHosts(HOSTS, fixture);
  try {
    console.log(`booted ${HOSTS} lite hosts in ${lab.bootMs} ms; fixture=${FIXTURE || '(default)'} algos=${ALGOS} concurrency=${CONCURRENCY || 'all'}`);
    for (let round = 1; round <= ROUNDS * builds.length; round++) {
      const { name: build, openSsh } = builds[(round - 1) % builds.length]!;
      phases.clear();
      const srv0 = lab.hosts.reduce((a, h) => a + procCpuMs(h.pid!), 0);
      const m0 = machineTicks();
      const cpu0 = process.cpuUsage();
      t0 = performance.now();
      const failures: string[] = [];
      const conns = await limited(lab.hosts, CONCURRENCY, async (h): Promise<Connection | undefined> => {
        try {
          const c = await openSsh({
            host: h.name,
            address: h.address,
            port: 22,
            user: 'root',
            privateKeyFile: lab.keyFile,
            knownHostsFile: lab.knownHostsFile,
            hostKeyChecking: 'strict',
            connectTimeoutMs: 60_000,
            defaultIdentities: false,
          });
          phases.get(h.address)!.shell = performance.now() - t0;
          return c;
        } catch (e) {
          failures.push(`${h.name}: ${(e as Error).message}`);
          return undefined;
        }
      });
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const m1 = machineTicks();
      const open = conns.filter((c): c is Connection => c !== undefined);
      // Is the login shell's rc file run per session? (PYENV_ROOT comes from /root/.bashrc.)
      const probe = open[0] ? (await open[0].exec('echo "${PYENV_ROOT:-unset}"')).stdout.trim() : '';
      await Promise.all(open.map((c) => c.close()));
      // Let the per-connection sshd processes exit and be reaped by their listeners.
      const settle = Date.now() + 5000;
      while (Date.now() < settle) {
        await new Promise((r) => setTimeout(r, 200));
        const kids = lab.hosts.reduce((a, h) => {
          try {
            return a + readFileSync(`/proc/${h.pid}/task/${h.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).length;
          } catch {
            return a;
          }
        }, 0);
        if (kids === 0) break;
      }
      const srv = lab.hosts.reduce((a, h) => a + procCpuMs(h.pid!), 0) - srv0;
      const ctlMs = (cpu.user + cpu.system) / 1000;
      const machineMs = ((m1.busy - m0.busy) * 1000) / CLOCK_TICK;
      const capacityMs = ((m1.total - m0.total) * 1000) / CLOCK_TICK;
      const ph = [...phases.values()];
      const rel = (k: keyof Phase): number[] => ph.map((p) => (p[k] as number) - (p.start ?? 0));
      console.log(`round ${round} [${build}]: ${open.length}/${HOSTS} connected in ${wall.toFixed(0)} ms${failures.length ? `; failures: ${failures.slice(0, 3).join(' | ')}` : ''}`);
      console.log(
        `  CPU ms: controller ${ctlMs.toFixed(0)} (${(ctlMs / open.length).toFixed(1)}/conn), sshd+sessions ${srv.toFixed(0)} (${(srv / open.length).toFixed(1)}/conn, incl. teardown), ` +
          `machine busy ${machineMs.toFixed(0)} of ${capacityMs.toFixed(0)} (other ${(machineMs - ctlMs - Math.min(srv, machineMs)).toFixed(0)})`,
      );
      console.log(`  per connection, ms since its own start (median / max):`);
      console.log(`    tcp ${stats(rel('tcp'))}  banner ${stats(rel('banner'))}  kex ${stats(rel('kex'))}  auth ${stats(rel('auth'))}  shell ${stats(rel('shell'))}`);
      console.log(`  ms since storm start (median / max): start ${stats(ph.map((p) => p.start ?? NaN))} banner ${stats(ph.map((p) => p.banner ?? NaN))} auth ${stats(ph.map((p) => p.auth ?? NaN))} shell ${stats(ph.map((p) => p.shell ?? NaN))}`);
      console.log(`  negotiated: ${[...new Set(ph.flatMap((p) => p.algos))].join('; ')}`);
      console.log(`  rc file probe (PYENV_ROOT in the session): ${probe}`);
    }
  } finally {
    lab.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
