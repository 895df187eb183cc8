// A lighter host kind for the scale runs (100 to 1,000 hosts and more): no container, no
// systemd, no copy of the file system. Each host is one `sshd -D` in its own
// network namespace, on the machine's own root file system, with its own host
// key, its own authorized key file and its own address on a private bridge
// (veth into the bridge, exactly like test/lab/network.ts, whose helpers it
// uses). About 5 MB and no boot time per host, against a systemd + journald +
// sshd tree per nspawn host.
//
// What it is not: the hosts share the machine's files, users and processes, so a
// playbook must keep each host's files apart (bench/playbook.yml writes under
// bench_dir/<inventory_hostname>). Sessions run as root on the real machine.
//
// Per-connection cost (bench/connect-storm.ts measures it; figures for a storm of
// 50 connections on this 2-core machine). These are fixture settings, chosen to
// make a lite host cost what a lean real host costs; tsplay itself needs none
// of them and is tested against default OpenSSH servers (test/connection):
// - Root's login rc file is hidden from the sessions. sshd runs every session
//   command through the user's shell (`bash -c /bin/sh`), and bash reads
//   ~/.bashrc when started by sshd. On this machine /root/.bashrc runs
//   `pyenv init` and `pyenv virtualenv-init` (developer tooling of the
//   controller, not of a target host): about 100-150 ms of CPU and several
//   processes per connection, which made a 50-host storm take 4.5-5.2 s instead
//   of 0.9 s (100 hosts: over the default 10 s connect timeout). The sshds run
//   in one mount namespace of their own (a slave of the machine's, held by one
//   `sleep` process), where /dev/null is bind-mounted over /root/.bashrc: the
//   machine's own file is untouched and nothing propagates back. One for all
//   hosts, not one each (as `ip netns exec` would make): every mount namespace
//   is a copy of the machine's mount table, which holds a /run/netns mount per
//   host, so one each would cost n^2 mounts (a million at 1,000 hosts).
//   `loginRc: true` turns this off (the sshds then run in the machine's).
// - `sshd -r`: no re-exec of sshd for each connection (saves an execve, the
//   dynamic loading of sshd and its libraries, re-reading config and host key):
//   about 10 ms less CPU per connection, 0.9 s -> 0.65-0.75 s for 50.
//   `reexec: true` turns this off.
// - Already cheap: an ed25519 host key (cheapest to sign with), `UsePAM no`
//   (no PAM session stack), `UseDNS no` (no reverse lookup), `LogLevel ERROR`.
//   `MaxStartups` does not matter: each host's sshd sees one connection.
//
// Network rule: the namespaces have no default route, the bridges do not
// forward (nor does the machine: ip_forward is left as it is, and each bridge's
// own forwarding is off), so the only traffic is between the machine (each
// bridge's <subnet>.1) and the hosts.
//
// Scale (1,000 hosts on one machine):
// - Addresses: one bridge and one /24 (hosts .11-.250) per 240 hosts, each /24
//   picked free on the machine (test/lab/network.ts's pickSubnet). A bridge
//   takes at most 1024 ports, so 240 a bridge is far from that limit.
// - Neighbour table: the kernel's ARP table is shared by all namespaces and
//   starts refusing entries at net.ipv4.neigh.default.gc_thresh3 (1024 here):
//   1,000 hosts would need 2,000 (the machine's entry for each host, each
//   host's entry for its gateway), and a refused entry is a lost SYN, a host
//   that looks unreachable. Every entry is therefore written as permanent, with
//   MAC addresses chosen here; permanent entries do not count against the
//   limit, and no ARP is ever sent. The machine's settings are not touched.
// - Set-up in bulk: namespaces, veths, bridge ports and neighbours through a few
//   `ip -batch` runs, not several `ip` processes a host; host keys made by
//   node's crypto in OpenSSH's format; sshds started in batches, each batch waited for
//   (its SSH banner) before the next, so that the machine is never asked to
//   start 1,000 sshds at once.
// - File descriptors: the controller needs one a host (plus its own); checked
//   against RLIMIT_NOFILE before booting. Each sshd has one connection.
// - Memory: ~1.3 MB (PSS) a listening sshd; a connected host adds its session
//   sshd, shell and, for file tasks, the host agent (python3).
//
// Teardown (also on SIGINT/SIGTERM/SIGHUP and on exit): SIGTERM then SIGKILL to
// every process in the hosts' network namespaces (our sshds and their sessions,
// found in one pass over /proc by namespace inode), then the mount namespace's
// holder, then namespaces (their veths go with them) and bridges in one
// `ip -batch`, and the directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, writeKnownHosts } from '../test/lab/keys.js';
import { MAX_IFNAME, linkExists, netnsExists, pickSubnet, releaseNetnsDir } from '../test/lab/network.js';
import { procStartTime, runSync, signalIfAlive, sleepSync } from '../test/lab/sys.js';

export interface LiteHost {
  name: string;
  address: string;
  netns: string;
  veth: string;
  /** The bridge the host's veth is in. */
  bridge: string;
  pid?: number;
}

export interface LiteLab {
  kind: 'lite';
  hosts: LiteHost[];
  keyFile: string;
  knownHostsFile: string;
  inventory: string;
  dir: string;
  /** From the start of bootLiteHosts to the last host's SSH banner. */
  bootMs: number;
  /** Of which: from starting the first sshd to the last banner. */
  sshdStartMs: number;
  bridges: string[];
  /** The process that holds the sshds' mount namespace (unless `loginRc`). */
  mountHolderPid?: number;
  destroy(): void;
}

/** Hosts a bridge (and its /24) takes by default: .11 to .250. */
export const HOSTS_PER_BRIDGE = 240;
export const MAX_LITE_HOSTS = 4000;

const live = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  process.stderr.write(`bench: ${signal}: tearing down ${live.size} lite lab(s)\n`);
  for (const d of [...live]) d();
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
function onExit(): void {
  for (const d of [...live]) d();
}
function track(destroy: () => void): void {
  if (live.size === 0) {
    process.on('exit', onExit);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  live.add(destroy);
}
function untrack(destroy: () => void): void {
  live.delete(destroy);
  if (live.size === 0) {
    process.off('exit', onExit);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/** Runs `ip -batch` over the lines; with `force`, goes on past a failing line. */
function ipBatch(lines: string[], force = false): void {
  if (lines.length === 0) return;
  runSync('ip', [...(force ? ['-force'] : []), '-batch', '-'], { input: lines.join('\n') + '\n', check: !force, timeoutMs: 300_000 });
}

function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    /* optional hardening (e.g. IPv6 compiled out) */
  }
}

/** The soft limit on open files of this process (children inherit it). */
function openFilesLimit(): number {
  const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  return line === undefined || line === 'unlimited' ? Infinity : Number(line);
}

/** Pids of every process whose network namespace is one of `inodes` (one pass over /proc). */
function pidsInNetns(inodes: Set<number>): number[] {
  const out: number[] = [];
  if (inodes.size === 0) return out;
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${e}/ns/net`));
      if (m && inodes.has(Number(m[1]))) out.push(Number(e));
    } catch {
      /* gone, or a kernel thread */
    }
  }
  return out;
}

function waitBanner(address: string, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (Date.now() > deadline) return reject(new Error(`no SSH banner from ${address}:22`));
      let done = false;
      const sock = connect({ host: address, port: 22 });
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        sock.destroy();
        if (ok) resolve();
        else setTimeout(attempt, 50);
      };
      sock.setTimeout(1000, () => finish(false));
      sock.on('error', () => finish(false));
      sock.on('data', (d) => finish(d.toString('latin1').startsWith('SSH-')));
      sock.on('close', () => finish(false));
    };
    attempt();
  });
}

/**
 * Per-connection cost of a lite host (see the header comment). Both default to
 * off, the cheap setting; turn them on to measure what they cost
 * (bench/connect-storm.ts --fixture loginRc,reexec).
 */
export interface LiteFixtureOptions {
  /** Let sessions read root's ~/.bashrc of this machine (default: hidden). */
  loginRc?: boolean;
  /** Let sshd re-exec itself for every connection (default: `sshd -r`, no re-exec). */
  reexec?: boolean;
  /** Hosts a bridge takes (1..240, default 240); smaller to test several bridges with few hosts. */
  hostsPerBridge?: number;
  /** sshds started at once (default 64): each batch's banners are awaited before the next. */
  startBatch?: number;
}

/**
 * An ed25519 host key in OpenSSH's private key format (unencrypted), and its
 * public line: made in-process, ~100 times cheaper than an ssh-keygen process
 * a host (1,000 host keys took ~20 s on a busy machine).
 */
function hostKeyPair(comment: string): { privatePem: string; publicLine: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { d: string; x: string };
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const str = (b: Buffer | string): Buffer => {
    const v = typeof b === 'string' ? Buffer.from(b) : b;
    return Buffer.concat([u32(v.length), v]);
  };
  const blob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let priv = Buffer.concat([u32(check), u32(check), blob, str(Buffer.concat([seed, pub])), str(comment)]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), u32(1), str(blob), str(priv)]);
  const b64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  return { privatePem: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`, publicLine: `ssh-ed25519 ${blob.toString('base64')} ${comment}` };
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/**
 * A mount namespace for the sshds, where /root/.bashrc is /dev/null, kept by a
 * `sleep` (its pid is the namespace's handle: /proc/<pid>/ns/mnt). Slave
 * propagation: the machine's later mounts and unmounts (other labs' /run/netns
 * entries, our own namespaces' removal) reach it, so it never keeps a network
 * namespace alive.
 */
function startMountHolder(): Promise<ChildProcess> {
  const hide = existsSync('/root/.bashrc') ? 'mount --bind /dev/null /root/.bashrc || exit 1; ' : '';
  const child = spawn('unshare', ['--mount', '--propagation', 'slave', 'sh', '-c', `${hide}echo ready; exec sleep 2147483647`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.once('data', (d: Buffer) => {
      if (!d.toString().startsWith('ready')) return reject(new Error(`lite hosts: mount namespace: ${d.toString()}${err}`));
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.unref();
      resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`lite hosts: mount namespace holder exited (${code}): ${err}`)));
    child.once('error', reject);
  });
}

export async function bootLiteHosts(count: number, fixture: LiteFixtureOptions = {}): Promise<LiteLab> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_LITE_HOSTS) throw new Error(`lite hosts: 1..${MAX_LITE_HOSTS} (got ${count})`);
  const perBridge = fixture.hostsPerBridge ?? HOSTS_PER_BRIDGE;
  if (!Number.isInteger(perBridge) || perBridge < 1 || perBridge > HOSTS_PER_BRIDGE) throw new Error(`lite hosts: 1..${HOSTS_PER_BRIDGE} hosts a bridge (got ${perBridge})`);
  // The controller (a child of this process) holds a socket a host, plus its own files.
  const needFiles = count + 256;
  if (openFilesLimit() < needFiles) throw new Error(`lite hosts: ${count} hosts need an open files limit of at least ${needFiles} (ulimit -n is ${openFilesLimit()})`);
  const t0 = Date.now();
  const phase = (what: string): void => {
    if (process.env.LITE_DEBUG) process.stderr.write(`lite hosts: ${what} at ${Date.now() - t0} ms\n`);
  };
  const rnd = randomBytes(3);
  const prefix = `tb${rnd.toString('hex').slice(0, 5)}`;
  const dir = mkdtempSync(join(tmpdir(), `tsplay-bench-lite-${prefix}-`));
  const bridgeCount = Math.ceil(count / perBridge);
  const bridges = Array.from({ length: bridgeCount }, (_, k) => ({
    name: `${prefix}b${k}`,
    subnet: '',
    // Locally administered unicast MACs of our own, so that every neighbour entry can be written up front.
    mac: `02:${hex(rnd[0]!)}:${hex(rnd[1]!)}:ff:${hex(k)}:01`,
  }));
  const hosts: LiteHost[] = Array.from({ length: count }, (_, i) => ({
    name: `h${i + 1}`,
    address: '',
    netns: `${prefix}-h${i + 1}`,
    veth: `${prefix}v${i + 1}`,
    bridge: bridges[Math.floor(i / perBridge)]!.name,
  }));
  const hostMac = (i: number): string => `02:${hex(rnd[0]!)}:${hex(rnd[1]!)}:${hex(i >> 8)}:${hex(i & 0xff)}:00`;
  for (const h of hosts) if (h.veth.length > MAX_IFNAME) throw new Error(`lite hosts: interface name too long: ${h.veth}`);
  let holder: { pid: number; start?: string } | undefined;
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    untrack(destroy);
    const ours = new Set<number>();
    for (const h of hosts) {
      try {
        if (netnsExists(h.netns)) ours.add(statSync(`/run/netns/${h.netns}`).ino);
      } catch {
        /* gone */
      }
    }
    for (const pid of pidsInNetns(ours)) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && pidsInNetns(ours).length > 0) sleepSync(100);
    for (const pid of pidsInNetns(ours)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    if (holder) signalIfAlive(holder.pid, holder.start, 'SIGKILL');
    // A namespace's removal takes its veth pair with it (asynchronously).
    ipBatch(hosts.filter((h) => netnsExists(h.netns)).map((h) => `netns del ${h.netns}`), true);
    ipBatch(bridges.filter((b) => linkExists(b.name)).map((b) => `link del ${b.name}`), true);
    const gone = Date.now() + 15_000;
    while (Date.now() < gone && hosts.some((h) => linkExists(h.veth))) sleepSync(100);
    ipBatch(hosts.filter((h) => linkExists(h.veth)).map((h) => `link del ${h.veth}`), true);
    releaseNetnsDir();
    rmSync(dir, { recursive: true, force: true });
    const left = hosts.filter((h) => netnsExists(h.netns) || linkExists(h.veth)).map((h) => h.name);
    const bridgesLeft = bridges.filter((b) => linkExists(b.name)).map((b) => b.name);
    if (left.length || bridgesLeft.length) process.stderr.write(`bench: lite teardown incomplete: ${[...left, ...bridgesLeft].join(', ')}\n`);
  };
  track(destroy);
  try {
    // Bridges, one /24 each, all different and free on the machine.
    const taken = new Set<string>();
    for (const [k, b] of bridges.entries()) {
      for (let salt = 0; !b.subnet || taken.has(b.subnet); salt++) b.subnet = pickSubnet(`${prefix}/${k}/${salt}`);
      taken.add(b.subnet);
    }
    for (const [i, h] of hosts.entries()) h.address = `${bridges[Math.floor(i / perBridge)]!.subnet}.${11 + (i % perBridge)}`;
    ipBatch(bridges.flatMap((b) => [`link add ${b.name} type bridge`, `link set ${b.name} address ${b.mac}`]));
    for (const b of bridges) {
      writeSysctl(`/proc/sys/net/ipv6/conf/${b.name}/disable_ipv6`, '1');
      writeSysctl(`/proc/sys/net/ipv4/conf/${b.name}/forwarding`, '0');
    }
    ipBatch(bridges.flatMap((b) => [`addr add ${b.subnet}.1/24 dev ${b.name}`, `link set ${b.name} up`]));
    // Namespaces and veth pairs (the inner end is the host's eth0, with our MAC).
    ipBatch([
      ...hosts.map((h) => `netns add ${h.netns}`),
      ...hosts.map((h, i) => `link add ${h.veth} type veth peer name eth0 address ${hostMac(i)} netns ${h.netns}`),
    ]);
    for (const h of hosts) writeSysctl(`/proc/sys/net/ipv6/conf/${h.veth}/disable_ipv6`, '1');
    ipBatch([
      ...hosts.map((h) => `link set ${h.veth} master ${h.bridge} up`),
      ...hosts.map((h, i) => `neigh replace ${h.address} lladdr ${hostMac(i)} dev ${h.bridge} nud permanent`),
    ]);
    phase('network');
    // Keys: the controller's (ssh-keygen), then a host key each.
    const keyFile = join(dir, 'id_ed25519');
    const clientKey = generateKey(keyFile, `tsplay-bench-${prefix}`);
    writeFileSync(join(dir, 'authorized_keys'), clientKey + '\n', { mode: 0o600 });
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    for (const h of hosts) mkdirSync(join(dir, h.name));
    const publicKeys = new Map<string, string>();
    for (const h of hosts) {
      const pair = hostKeyPair(h.name);
      writeFileSync(join(dir, h.name, 'host_key'), pair.privatePem, { mode: 0o600 });
      publicKeys.set(h.name, pair.publicLine);
    }
    for (const h of hosts) {
      writeFileSync(
        join(dir, h.name, 'sshd_config'),
        [
          `ListenAddress ${h.address}:22`,
          `HostKey ${join(dir, h.name, 'host_key')}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'StrictModes no',
          'UseDNS no',
          'PrintMotd no',
          'PidFile none',
          'MaxStartups 500',
          'MaxSessions 50',
          'LogLevel ERROR',
          'Subsystem sftp internal-sftp',
          '',
        ].join('\n'),
      );
    }
    const knownHostsFile = join(dir, 'known_hosts');
    writeKnownHosts(knownHostsFile, hosts.map((h) => ({ address: h.address, publicKey: publicKeys.get(h.name)! })));
    phase('keys');
    if (!fixture.loginRc) {
      const child = await startMountHolder();
      holder = { pid: child.pid!, start: procStartTime(child.pid!) };
    }
    // Each host configures its side of the link from inside its namespace
    // (sysctls under /proc/sys/net are the opener's namespace's), then becomes sshd.
    const script = [
      'set -e',
      'echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null || true',
      'printf "%s\\n" "addr add $1/24 dev eth0" "link set lo up" "link set eth0 up" "neigh replace $2 lladdr $3 dev eth0 nud permanent" | ip -batch -',
      'shift 3',
      'exec "$@"',
    ].join('\n');
    const started = Date.now();
    const batch = fixture.startBatch ?? 64;
    for (let from = 0; from < hosts.length; from += batch) {
      const group = hosts.slice(from, from + batch);
      for (const h of group) {
        const bridge = bridges.find((b) => b.name === h.bridge)!;
        const log = openSync(join(dir, h.name, 'sshd.log'), 'w');
        const sshd = ['/usr/sbin/sshd', '-D', '-e', ...(fixture.reexec ? [] : ['-r']), '-f', join(dir, h.name, 'sshd_config')];
        const enter = [...(holder ? [`--mount=/proc/${holder.pid}/ns/mnt`] : []), `--net=/run/netns/${h.netns}`];
        const child = spawn('nsenter', [...enter, '--', 'sh', '-c', script, 'sh', h.address, `${bridge.subnet}.1`, bridge.mac, ...sshd], {
          detached: true,
          stdio: ['ignore', log, log],
        });
        closeSync(log);
        child.unref();
        // nsenter and sh exec: the pid is the sshd's.
        h.pid = child.pid;
      }
      const deadline = Date.now() + 60_000;
      await Promise.all(
        group.map((h) =>
          waitBanner(h.address, deadline).catch((e: Error) => {
            throw new Error(`${e.message}: ${readFileSync(join(dir, h.name, 'sshd.log'), 'utf8').slice(-500)}`);
          }),
        ),
      );
    }
    const sshdStartMs = Date.now() - started;
    phase('sshds');
    const inventory =
      ['[lab]', ...hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ansible_ssh_private_key_file=${keyFile}`)].join('\n') + '\n';
    return { kind: 'lite', hosts, keyFile, knownHostsFile, inventory, dir, bootMs: Date.now() - t0, sshdStartMs, bridges: bridges.map((b) => b.name), mountHolderPid: holder?.pid, destroy };
  } catch (e) {
    destroy();
    throw e;
  }
}
