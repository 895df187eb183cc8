// Lab state and teardown.
//
// Every resource a lab creates is recorded (before it is created) in a
// LabState, which is also written to <labdir>/state.json. Teardown works from
// that record alone and only touches what still exists, so it is idempotent
// and also cleans up a half-booted lab. It is synchronous so that it can run
// from 'exit' and signal handlers; a later bootLab() also tears down labs whose
// owning process died without cleaning up (e.g. SIGKILL).
//
// Order (see LAB.md): stop the hosts (SIGTERM to the nspawn processes we
// started, wait until exited, then SIGKILL what is left in the hosts' own
// cgroups), unmount the overlay then its tmpfs, delete veth and namespace,
// remove the cgroups, delete the bridge, remove the temporary directory.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupPids, killCgroup, removeCgroupTree } from './cgroup.js';
import { deleteLink, deleteNetns, linkExists, netnsExists, releaseNetnsDir } from './network.js';
import { isAlive, mountPoints, procStartTime, runSync, signalIfAlive, sleepSync } from './sys.js';

export const LAB_DIR_PREFIX = 'tsplay-lab-';

export interface HostState {
  name: string;
  address: string;
  netns: string;
  veth: string;
  /** tmpfs holding the overlay's upper and work directories. */
  upper: string;
  /** The overlay mount: the host's root directory. */
  root: string;
  cgroups: string[];
  /** The systemd-nspawn process (pid + start time from /proc). */
  pid?: number;
  pidStart?: string;
}

export interface LabState {
  version: 1;
  ownerPid: number;
  ownerStart: string;
  prefix: string;
  dir: string;
  bridge: string;
  hosts: HostState[];
}

export function saveState(state: LabState): void {
  const file = join(state.dir, 'state.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

function waitUntil(pred: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= deadline) return false;
    sleepSync(50);
  }
}

function hostRunning(h: HostState): boolean {
  return (h.pid !== undefined && isAlive(h.pid, h.pidStart)) || h.cgroups.some((c) => cgroupPids(c).length > 0);
}

/**
 * Stops hosts: SIGTERM to their nspawn (a clean container shutdown), wait up to
 * `graceMs`, then SIGKILL everything left in the hosts' cgroups. `graceMs` 0
 * means kill at once (abrupt power-off).
 */
export function stopHosts(hosts: HostState[], graceMs: number): string[] {
  const problems: string[] = [];
  if (graceMs > 0) {
    for (const h of hosts) if (h.pid !== undefined) signalIfAlive(h.pid, h.pidStart, 'SIGTERM');
    waitUntil(() => hosts.every((h) => !hostRunning(h)), graceMs);
  }
  for (const h of hosts) {
    if (!hostRunning(h)) continue;
    if (h.pid !== undefined) signalIfAlive(h.pid, h.pidStart, 'SIGKILL');
    for (const c of h.cgroups) killCgroup(c);
  }
  if (!waitUntil(() => hosts.every((h) => !hostRunning(h)), 10_000)) {
    problems.push(`processes of ${hosts.filter(hostRunning).map((h) => h.name).join(', ')} did not exit`);
  }
  return problems;
}

function unmount(path: string, problems: string[]): void {
  for (let i = 0; i < 20 && mountPoints().includes(path); i++) {
    const r = runSync('umount', [path]);
    if (r.code !== 0) sleepSync(100);
  }
  if (mountPoints().includes(path)) {
    // Last resort: detach it so nothing stays visible in /proc/mounts.
    runSync('umount', ['-l', path]);
    problems.push(`${path} was busy; detached lazily`);
  }
}

/** Tears down everything the state records. Returns what could not be cleaned. */
export function teardownLab(state: LabState, graceMs = 15_000): string[] {
  const problems = stopHosts(state.hosts, graceMs);
  for (const h of state.hosts) {
    unmount(h.root, problems);
    unmount(h.upper, problems);
    deleteLink(h.veth);
    deleteNetns(h.netns);
    if (linkExists(h.veth)) problems.push(`veth ${h.veth} still exists`);
    if (netnsExists(h.netns)) problems.push(`netns ${h.netns} still exists`);
    for (const c of h.cgroups) if (!removeCgroupTree(c)) problems.push(`cgroup ${c} could not be removed`);
  }
  releaseNetnsDir();
  deleteLink(state.bridge);
  if (linkExists(state.bridge)) problems.push(`bridge ${state.bridge} still exists`);
  const stillMounted = mountPoints().filter((m) => m === state.dir || m.startsWith(`${state.dir}/`));
  if (stillMounted.length > 0) {
    problems.push(`not removing ${state.dir}: still mounted: ${stillMounted.join(', ')}`);
  } else if (existsSync(state.dir)) {
    rmSync(state.dir, { recursive: true, force: true });
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Labs of this process, torn down on exit and on SIGINT/SIGTERM/SIGHUP.

const live = new Map<string, LabState>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function teardownAllLive(): void {
  for (const [key, state] of live) {
    live.delete(key);
    try {
      const problems = teardownLab(state, 5_000);
      if (problems.length) process.stderr.write(`lab ${state.prefix}: teardown problems: ${problems.join('; ')}\n`);
    } catch (err) {
      process.stderr.write(`lab ${state.prefix}: teardown failed: ${String(err)}\n`);
    }
  }
}

function onExit(): void {
  teardownAllLive();
}

function onSignal(signal: NodeJS.Signals): void {
  process.stderr.write(`lab: ${signal} received, tearing down ${live.size} lab(s)\n`);
  teardownAllLive();
  uninstall();
  // Let the signal do what it would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function registerLab(state: LabState): void {
  live.set(state.prefix, state);
  install();
}

export function unregisterLab(state: LabState): void {
  live.delete(state.prefix);
  if (live.size === 0) uninstall();
}

/**
 * Tears down labs left by processes that died without cleaning up (their
 * state.json is still in the temp directory and their owner no longer runs).
 */
export function cleanupStaleLabs(): string[] {
  const report: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return report;
  }
  for (const entry of entries) {
    if (!entry.startsWith(LAB_DIR_PREFIX)) continue;
    const file = join(tmpdir(), entry, 'state.json');
    let state: LabState;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    } catch {
      continue;
    }
    if (state.version !== 1 || state.dir !== join(tmpdir(), entry)) continue;
    if (isAlive(state.ownerPid, state.ownerStart || undefined)) continue;
    const problems = teardownLab(state, 2_000);
    report.push(`cleaned stale lab ${state.prefix}${problems.length ? ` (problems: ${problems.join('; ')})` : ''}`);
  }
  return report;
}

export function ownerIdentity(): { ownerPid: number; ownerStart: string } {
  return { ownerPid: process.pid, ownerStart: procStartTime(process.pid) ?? '' };
}
