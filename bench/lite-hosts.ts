// A lighter host kind for the scale runs (50 and 100 hosts): no container, no
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
//   of 0.9 s (100 hosts: over the default 10 s connect timeout). Each sshd runs
//   in the mount namespace `ip netns exec` gives it (a slave of the machine's),
//   and /dev/null is bind-mounted over /root/.bashrc there only: the machine's
//   own file is untouched and nothing propagates back. `loginRc: true` turns
//   this off.
// - `sshd -r`: no re-exec of sshd for each connection (saves an execve, the
//   dynamic loading of sshd and its libraries, re-reading config and host key):
//   about 10 ms less CPU per connection, 0.9 s -> 0.65-0.75 s for 50.
//   `reexec: true` turns this off.
// - Already cheap: an ed25519 host key (cheapest to sign with), `UsePAM no`
//   (no PAM session stack), `UseDNS no` (no reverse lookup), `LogLevel ERROR`.
//   `MaxStartups` does not matter: each host's sshd sees one connection.
//
// Network rule: the namespaces have no default route and the bridge does not
// forward, so the only traffic is between the machine (<subnet>.1) and the hosts.
//
// Teardown (also on SIGINT/SIGTERM/SIGHUP and on exit): SIGTERM then SIGKILL to
// every process in each namespace (our sshd and its sessions; pids from
// `ip netns pids`), delete veths, namespaces and the bridge, remove the directory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, writeKnownHosts } from '../test/lab/keys.js';
import {
  createBridge,
  createHostLink,
  createNetns,
  deleteLink,
  deleteNetns,
  linkExists,
  netnsExists,
  pickSubnet,
  releaseNetnsDir,
} from '../test/lab/network.js';
import { runSync, sleepSync } from '../test/lab/sys.js';

export interface LiteHost {
  name: string;
  address: string;
  netns: string;
  veth: string;
  pid?: number;
}

export interface LiteLab {
  kind: 'lite';
  hosts: LiteHost[];
  keyFile: string;
  knownHostsFile: string;
  inventory: string;
  dir: string;
  bootMs: number;
  destroy(): void;
}

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

function nsPids(netns: string): number[] {
  if (!netnsExists(netns)) return [];
  return runSync('ip', ['netns', 'pids', netns]).stdout.split('\n').filter(Boolean).map(Number);
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
}

export async function bootLiteHosts(count: number, fixture: LiteFixtureOptions = {}): Promise<LiteLab> {
  if (!Number.isInteger(count) || count < 1 || count > 240) throw new Error(`lite hosts: 1..240 (got ${count})`);
  const prefix = `tb${randomBytes(3).toString('hex').slice(0, 5)}`;
  const dir = mkdtempSync(join(tmpdir(), `tsplay-bench-lite-${prefix}-`));
  const bridge = `${prefix}br`;
  const subnet = pickSubnet(prefix);
  const hosts: LiteHost[] = Array.from({ length: count }, (_, i) => ({
    name: `h${i + 1}`,
    address: `${subnet}.${11 + i}`,
    netns: `${prefix}-h${i + 1}`,
    veth: `${prefix}v${i + 1}`,
  }));
  let bridgeMade = false;
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    untrack(destroy);
    for (const h of hosts) for (const pid of nsPids(h.netns)) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && hosts.some((h) => nsPids(h.netns).length > 0)) sleepSync(50);
    for (const h of hosts) for (const pid of nsPids(h.netns)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    for (const h of hosts) {
      deleteLink(h.veth);
      deleteNetns(h.netns);
    }
    releaseNetnsDir();
    if (bridgeMade) deleteLink(bridge);
    rmSync(dir, { recursive: true, force: true });
    const left = hosts.filter((h) => netnsExists(h.netns) || linkExists(h.veth)).map((h) => h.name);
    if (left.length || linkExists(bridge)) process.stderr.write(`bench: lite teardown incomplete: ${left.join(', ')} ${bridge}\n`);
  };
  track(destroy);
  try {
    createBridge(bridge, `${subnet}.1`);
    bridgeMade = true;
    const keyFile = join(dir, 'id_ed25519');
    const clientKey = generateKey(keyFile, `tsplay-bench-${prefix}`);
    writeFileSync(join(dir, 'authorized_keys'), clientKey + '\n', { mode: 0o600 });
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const hostKeys: Array<{ address: string; publicKey: string }> = [];
    for (const h of hosts) {
      const hdir = join(dir, h.name);
      mkdirSync(hdir);
      createNetns(h.netns);
      createHostLink(h.netns, h.veth, bridge, h.address);
      hostKeys.push({ address: h.address, publicKey: generateKey(join(hdir, 'host_key'), h.name) });
      writeFileSync(
        join(hdir, 'sshd_config'),
        [
          `ListenAddress ${h.address}:22`,
          `HostKey ${join(hdir, 'host_key')}`,
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
    writeKnownHosts(knownHostsFile, hostKeys);
    const started = Date.now();
    for (const h of hosts) {
      const log = openSync(join(dir, h.name, 'sshd.log'), 'w');
      const sshd = ['/usr/sbin/sshd', '-D', '-e', ...(fixture.reexec ? [] : ['-r']), '-f', join(dir, h.name, 'sshd_config')];
      // `ip netns exec` runs its command in a fresh mount namespace (a slave of
      // the machine's), so a bind mount made there is seen only by this host.
      const cmd = !fixture.loginRc
        ? ['sh', '-c', 'if [ -e /root/.bashrc ]; then mount --bind /dev/null /root/.bashrc || exit 1; fi; exec "$@"', 'sh', ...sshd]
        : sshd;
      const child = spawn('ip', ['netns', 'exec', h.netns, ...cmd], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      child.unref();
      h.pid = child.pid;
    }
    const deadline = Date.now() + 30_000;
    await Promise.all(
      hosts.map((h) =>
        waitBanner(h.address, deadline).catch((e: Error) => {
          throw new Error(`${e.message}: ${readFileSync(join(dir, h.name, 'sshd.log'), 'utf8').slice(-500)}`);
        }),
      ),
    );
    const bootMs = Date.now() - started;
    const inventory =
      ['[lab]', ...hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ansible_ssh_private_key_file=${keyFile}`)].join('\n') + '\n';
    return { kind: 'lite', hosts, keyFile, knownHostsFile, inventory, dir, bootMs, destroy };
  } catch (e) {
    destroy();
    throw e;
  }
}
