// Test lab: boots N real Linux hosts (systemd + OpenSSH) on this machine for
// integration tests, and tears them down again. See /work/shared/LAB.md for the
// facts this is built on. Needs root, Linux, systemd-nspawn (install the
// packages with test/lab/install-packages.sh).
//
// Each host = copy-on-write overlay of the machine's root (rootfs.ts) + own
// network namespace on a private bridge (network.ts) + own cgroup (cgroup.ts),
// booted with `systemd-nspawn --boot`. The test process reaches every host at
// <address>:22 directly through the bridge. Teardown: teardown.ts.
//
// Usage in a test file:
//
//   import { bootLab, describeLab, type Lab } from '../lab/lab.js';
//   describeLab('my feature on real hosts', () => {
//     let lab: Lab;
//     beforeAll(async () => { lab = await bootLab({ hosts: 2 }); });
//     afterAll(async () => { await lab?.destroy(); });
//     it('...', async () => { ... lab.inventory ... lab.keyFile ... });
//   });
//
// describeLab() skips the suite (the reason is in its name and printed) when
// the lab cannot run here, e.g. not root; with CI=true it does not skip, and
// bootLab() fails with the reason instead. Equivalent building blocks:
// `describe.skipIf(labSkipReason())(...)`, or `requireLab()` at the top of a
// test or hook (throws under CI, otherwise skips the test via its context).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, openSync, closeSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostCgroups } from './cgroup.js';
import { generateKey, writeKnownHosts } from './keys.js';
import { createBridge, createHostLink, createNetns, linkExists, MAX_IFNAME, pickSubnet } from './network.js';
import { DEFAULT_MASKED, enabledUnitsToMask, mountOverlay, mountTmpfs, prepareRoot } from './rootfs.js';
import { childrenOf, commOf, isAlive, procStartTime, run, sleep, type RunResult } from './sys.js';
import {
  LAB_DIR_PREFIX,
  cleanupStaleLabs,
  ownerIdentity,
  registerLab,
  saveState,
  stopHosts,
  teardownLab,
  unregisterLab,
  type HostState,
  type LabState,
} from './teardown.js';

export interface LabHost {
  name: string;
  address: string;
  port: 22;
  netns: string;
}

export interface Lab {
  hosts: LabHost[];
  /** Private key file (ed25519, no passphrase) accepted by root on every host. */
  keyFile: string;
  /** known_hosts file with every host's key, by address. */
  knownHostsFile: string;
  /**
   * An INI inventory text: each host with ansible_host=<address> ansible_user=root
   * ansible_ssh_private_key_file=<keyFile>, in group [lab]. Host keys are in
   * knownHostsFile (for ssh: -o UserKnownHostsFile=<knownHostsFile>).
   */
  inventory: string;
  /** The lab's own temporary directory (removed by destroy); free for test files. */
  dir: string;
  /** The lab's bridge and subnet (first three octets, e.g. "10.143.7"); the machine is <subnet>.1. */
  bridge: string;
  subnet: string;
  /** Milliseconds from starting the first host until every host answered with an SSH banner. */
  bootMs: number;
  /**
   * Runs a command as root inside a host (nsenter into the container's
   * namespaces, `/bin/sh -c`, clean environment, cwd /root); not via SSH.
   * Default timeout 120 s (then the command is killed, code 137).
   */
  exec(host: string, command: string, options?: { timeoutMs?: number; input?: string }): Promise<RunResult>;
  /** Stops one host abruptly (SIGKILL to everything in it). Connections to it are then refused. */
  stopHost(host: string): Promise<void>;
  /** Tears the whole lab down; idempotent. Throws if something could not be cleaned. */
  destroy(): Promise<void>;
}

export interface BootOptions {
  hosts: number;
  /** Short name for this lab's resources: [a-z][a-z0-9]{0,9}. Default: random. */
  prefix?: string;
  /** Host names; default h1..hN. */
  names?: string[];
  /** Extra units to mask (".service" is added to names without a suffix). */
  maskServices?: string[];
  /** Units that stay enabled although the lab would mask them (e.g. "cron.service"). */
  keepServices?: string[];
  /** Called for each host after its root is prepared, before it boots. */
  setup?: (rootDir: string, name: string) => void | Promise<void>;
  /** Deadline for all hosts to answer SSH, from the start of boot. Default 120 000 (about 3 s on a quiet machine). */
  bootTimeoutMs?: number;
  /**
   * A host that reboots (`reboot`, `shutdown -r`) comes back up: its container
   * is started again with the same network, address, keys and overlay upper
   * dir, as systemd-nspawn@.service restarts it (nspawn exits with 133 when the
   * container reboots; nspawn alone has no restart loop). Default: a reboot
   * leaves the host stopped.
   */
  rebootable?: boolean;
}

export type LabSupport = { ok: true } | { ok: false; reason: string };

function inPath(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((d) => {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Can the lab run here? (Linux, root, systemd-nspawn, sshd, iproute2, overlayfs, cgroups.) */
export function labSupported(): LabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `the lab needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the lab needs root (boots systemd-nspawn hosts)' };
  const missing = ['systemd-nspawn', 'ip', 'ssh-keygen', 'ssh', 'nsenter', 'mount', 'umount'].filter((c) => !inPath(c));
  if (!existsSync('/usr/sbin/sshd')) missing.push('sshd (openssh-server)');
  if (!existsSync('/lib/systemd/systemd')) missing.push('systemd');
  if (missing.length) return { ok: false, reason: `missing ${missing.join(', ')}: run test/lab/install-packages.sh` };
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    /* treated as absent */
  }
  if (!/\toverlay\n/.test(filesystems)) return { ok: false, reason: 'the kernel has no overlay file system' };
  if (!existsSync('/sys/fs/cgroup')) return { ok: false, reason: 'no /sys/fs/cgroup' };
  return { ok: true };
}

function ciMode(): boolean {
  return process.env.CI === 'true';
}

/**
 * For `describe.skipIf(labSkipReason())`: the reason to skip, or false when the
 * lab can run — and also false under CI=true, so that the tests run and fail
 * (bootLab throws the reason) instead of silently skipping.
 */
export function labSkipReason(): string | false {
  const s = labSupported();
  if (s.ok || ciMode()) return false;
  process.stderr.write(`[lab] skipping lab tests: ${s.reason}\n`);
  return s.reason;
}

/** `describe` for suites that need the lab: skipped with the reason in its name, never under CI=true. */
export function describeLab(name: string, fn: () => void): void {
  if (!vitest) throw new Error('describeLab() works only inside vitest');
  const { describe } = vitest;
  const reason = labSkipReason();
  if (reason) describe.skip(`${name} (skipped: ${reason})`, fn);
  else describe(name, fn);
}

/**
 * Inside a test: `it('x', (ctx) => { requireLab(ctx); ... })`. Throws the
 * reason under CI=true; otherwise skips the test (vitest context.skip).
 * Without a context it throws in both cases.
 */
export function requireLab(ctx?: { skip: (note?: string) => void }): void {
  const s = labSupported();
  if (s.ok) return;
  if (ciMode() || !ctx) throw new Error(`lab cannot run here: ${s.reason}`);
  ctx.skip(s.reason);
}

// vitest is only loaded inside a vitest run, so that lab.ts also works from
// plain scripts (e.g. fixtures/hold-lab.ts under vite-node).
const vitest: typeof import('vitest') | undefined = process.env.VITEST
  ? await import('vitest').catch(() => undefined)
  : undefined;

const PREFIX_RE = /^[a-z][a-z0-9]{0,9}$/;

function unitName(u: string): string {
  return /\.(service|timer|socket|target|mount|path|scope|slice)$/.test(u) ? u : `${u}.service`;
}

function waitForBanner(address: string, port: number, deadline: number, failed: () => string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const why = failed();
      if (why) return reject(new Error(why));
      if (Date.now() > deadline) return reject(new Error(`no SSH banner from ${address}:${port} before the deadline`));
      let data = '';
      let settled = false;
      const sock = connect({ host: address, port });
      const done = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        sock.destroy();
        if (ok) resolve();
        else setTimeout(attempt, 100);
      };
      sock.setTimeout(1000, () => done(false));
      sock.on('error', () => done(false));
      sock.on('data', (d) => {
        data += d.toString('latin1');
        if (data.startsWith('SSH-')) done(true);
        else if (data.length >= 4) done(false);
      });
      sock.on('close', () => done(false));
    };
    attempt();
  });
}

const NSPAWN_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
const EXEC_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'USER=root', 'LOGNAME=root', 'SHELL=/bin/bash', 'LANG=C.UTF-8', 'TERM=dumb'];

/**
 * The boot shell of a rebootable host: runs nspawn again while it exits with
 * 133 (the container rebooted); SIGTERM (a clean lab shutdown) is passed on
 * to nspawn and ends the loop.
 */
const REBOOT_LOOP = [
  'trap \'stop=1; kill -TERM "$nspawn" 2>/dev/null\' TERM',
  'while :; do',
  '  "$@" & nspawn=$!',
  '  wait "$nspawn"; rc=$?',
  '  if [ -n "$stop" ]; then wait "$nspawn"; exit; fi',
  '  [ "$rc" = 133 ] || exit "$rc"',
  'done',
].join('\n');

/** The container's init: nspawn's child, or (rebootable hosts) its grandchild under the boot shell. */
function findLeader(pid: number): number | undefined {
  for (const c of childrenOf(pid)) {
    if (commOf(c) === 'systemd') return c;
    if (commOf(c) === 'systemd-nspawn') return childrenOf(c).find((g) => commOf(g) === 'systemd');
  }
  return undefined;
}

interface RuntimeHost {
  state: HostState;
  exited?: string;
  leader?: number;
  leaderStart?: string;
  stopped: boolean;
}

export async function bootLab(options: BootOptions): Promise<Lab> {
  const support = labSupported();
  if (!support.ok) throw new Error(`lab cannot run here: ${support.reason}`);
  const count = options.hosts;
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`lab: hosts must be 1..200 (got ${count})`);
  for (const line of cleanupStaleLabs()) process.stderr.write(`[lab] ${line}\n`);

  const prefix = options.prefix ?? `tl${randomBytes(4).readUInt32BE().toString(36).slice(0, 5)}`;
  if (!PREFIX_RE.test(prefix)) throw new Error(`lab: prefix must match ${PREFIX_RE} (got ${JSON.stringify(prefix)})`);
  const names = options.names ?? Array.from({ length: count }, (_, i) => `h${i + 1}`);
  if (names.length !== count || new Set(names).size !== count || !names.every((n) => /^[a-z][a-z0-9-]{0,30}$/.test(n))) {
    throw new Error(`lab: need ${count} distinct host names matching [a-z][a-z0-9-]* (got ${names.join(', ')})`);
  }
  const bridge = `${prefix}br`;
  if (linkExists(bridge)) throw new Error(`lab: bridge ${bridge} already exists (prefix ${prefix} in use?)`);
  const subnet = pickSubnet(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${LAB_DIR_PREFIX}${prefix}-`));

  const state: LabState = {
    version: 1,
    ...ownerIdentity(),
    prefix,
    dir,
    bridge,
    hosts: names.map((name, i) => ({
      name,
      address: `${subnet}.${11 + i}`,
      netns: `${prefix}-${name}`,
      veth: `${prefix}v${i + 1}`,
      upper: join(dir, 'hosts', name, 'upper'),
      root: join(dir, 'hosts', name, 'root'),
      cgroups: [],
    })),
  };
  for (const h of state.hosts) if (h.veth.length > MAX_IFNAME) throw new Error(`lab: interface name too long: ${h.veth}`);
  registerLab(state);
  saveState(state);
  const runtime = new Map<string, RuntimeHost>(state.hosts.map((h) => [h.name, { state: h, stopped: false }]));

  try {
    const gateway = `${subnet}.1`;
    createBridge(bridge, gateway);
    const keyFile = join(dir, 'id_ed25519');
    const publicKey = generateKey(keyFile, `tsplay-lab-${prefix}`);
    const mask = new Set<string>(DEFAULT_MASKED);
    for (const u of options.maskServices ?? []) mask.add(unitName(u));
    const keep = new Set((options.keepServices ?? []).map(unitName));
    for (const u of enabledUnitsToMask('/', keep)) mask.add(u);
    for (const u of keep) mask.delete(u);

    const hostKeys: Array<{ address: string; publicKey: string }> = [];
    for (const h of state.hosts) {
      createNetns(h.netns);
      createHostLink(h.netns, h.veth, bridge, h.address);
      mountTmpfs(h.upper);
      mountOverlay(h.upper, h.root);
      const hostKey = prepareRoot(h.root, {
        name: h.name,
        address: h.address,
        peers: state.hosts.map((p) => ({ name: p.name, address: p.address })),
        authorizedKey: publicKey,
        mask: [...mask],
      });
      hostKeys.push({ address: h.address, publicKey: hostKey });
      await options.setup?.(h.root, h.name);
      h.cgroups = createHostCgroups(`tsplay-lab.${prefix}.${h.name}`);
      saveState(state);
    }
    const knownHostsFile = join(dir, 'known_hosts');
    writeKnownHosts(knownHostsFile, hostKeys);

    // Boot all hosts at once.
    const started = Date.now();
    const deadline = started + (options.bootTimeoutMs ?? 120_000);
    for (const h of state.hosts) {
      const rt = runtime.get(h.name)!;
      const log = openSync(join(dir, 'hosts', h.name, 'console.log'), 'w');
      const args = [
        '-q',
        '-D', h.root,
        '--register=no',
        '--keep-unit',
        '-M', h.name,
        `--hostname=${h.name}`,
        '--boot',
        '--capability=CAP_NET_ADMIN',
        `--network-namespace-path=/run/netns/${h.netns}`,
        '--tmpfs=/tmp',
        '--resolv-conf=off',
        '--timezone=off',
        '--link-journal=no',
        '--console=read-only',
      ];
      // A shell moves itself into the host's own cgroups, then becomes nspawn
      // (or, for a rebootable host, stays to start nspawn again on a reboot).
      const child = spawn(
        '/bin/sh',
        ['-c', `for f in $LAB_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; ${options.rebootable ? REBOOT_LOOP : 'exec "$@"'}`, 'lab-boot', 'systemd-nspawn', ...args],
        {
          detached: true,
          stdio: ['ignore', log, log],
          env: { ...NSPAWN_ENV, LAB_CGROUP_PROCS: h.cgroups.map((c) => join(c, 'cgroup.procs')).join(' ') },
        },
      );
      closeSync(log);
      child.on('exit', (code, signal) => {
        rt.exited = `systemd-nspawn for ${h.name} exited (${signal ?? code})`;
      });
      child.on('error', (err) => {
        rt.exited = `systemd-nspawn for ${h.name} could not start: ${String(err)}`;
      });
      child.unref();
      if (child.pid !== undefined) {
        h.pid = child.pid;
        h.pidStart = procStartTime(child.pid);
      }
      saveState(state);
    }

    const consoleTail = (name: string): string => {
      try {
        return readFileSync(join(dir, 'hosts', name, 'console.log'), 'utf8').split('\n').slice(-15).join('\n');
      } catch {
        return '';
      }
    };
    await Promise.all(
      state.hosts.map((h) =>
        waitForBanner(h.address, 22, deadline, () => runtime.get(h.name)!.exited).catch((err: Error) => {
          throw new Error(`lab: host ${h.name} (${h.address}) did not come up: ${err.message}\n--- console ---\n${consoleTail(h.name)}`);
        }),
      ),
    );
    const bootMs = Date.now() - started;

    // The container's PID 1 (systemd) is nspawn's child: the target for exec().
    for (const rt of runtime.values()) {
      const leader = findLeader(rt.state.pid!);
      if (leader === undefined) throw new Error(`lab: cannot find the init process of ${rt.state.name}`);
      rt.leader = leader;
      rt.leaderStart = procStartTime(leader);
    }

    const hosts: LabHost[] = state.hosts.map((h) => ({ name: h.name, address: h.address, port: 22, netns: h.netns }));
    const inventory =
      ['[lab]', ...state.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ansible_ssh_private_key_file=${keyFile}`)].join('\n') +
      '\n';

    let destroyed = false;
    const hostRt = (name: string): RuntimeHost => {
      const rt = runtime.get(name);
      if (!rt) throw new Error(`lab: no host named ${name}`);
      return rt;
    };

    const lab: Lab = {
      hosts,
      keyFile,
      knownHostsFile,
      inventory,
      dir,
      bridge,
      subnet,
      bootMs,
      async exec(name, command, execOptions = {}) {
        const rt = hostRt(name);
        if (destroyed) throw new Error('lab: destroyed');
        if (!rt.stopped && !isAlive(rt.leader!, rt.leaderStart) && options.rebootable) {
          // Rebooted: the new container's init, once it is there.
          const leader = findLeader(rt.state.pid!);
          if (leader !== undefined) Object.assign(rt, { leader, leaderStart: procStartTime(leader) });
        }
        if (rt.stopped || !isAlive(rt.leader!, rt.leaderStart)) throw new Error(`lab: host ${name} is not running`);
        return run(
          'nsenter',
          ['--target', String(rt.leader), '--all', '--', 'env', '-i', ...EXEC_ENV, '/bin/sh', '-c', 'cd /root 2>/dev/null; exec /bin/sh -c "$1"', 'sh', command],
          { env: NSPAWN_ENV, timeoutMs: execOptions.timeoutMs ?? 120_000, input: execOptions.input },
        );
      },
      async stopHost(name) {
        const rt = hostRt(name);
        if (destroyed) throw new Error('lab: destroyed');
        rt.stopped = true;
        const problems = stopHosts([rt.state], 0);
        if (problems.length) throw new Error(`lab: stopping ${name}: ${problems.join('; ')}`);
        // Let the event loop reap the nspawn child.
        await sleep(10);
      },
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        const problems = teardownLab(state);
        unregisterLab(state);
        if (problems.length) throw new Error(`lab ${prefix}: teardown incomplete: ${problems.join('; ')}`);
      },
    };
    return lab;
  } catch (err) {
    const problems = teardownLab(state, 2_000);
    unregisterLab(state);
    if (problems.length) process.stderr.write(`[lab] teardown after failed boot: ${problems.join('; ')}\n`);
    throw err;
  }
}
