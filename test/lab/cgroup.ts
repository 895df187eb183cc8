// Each lab host runs in its own cgroup (in every hierarchy systemd-nspawn
// uses: the v2 unified one and the v1 name=systemd one). Without this, nspawn
// with --keep-unit puts every container into the same "payload" cgroup under
// the caller's, and the containers' systemds would manage one shared tree
// (stopping a unit in one host could kill processes of another).
// It also tells exactly which processes belong to a host, for teardown.
import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface Hierarchy {
  /** Mount point of the hierarchy. */
  mount: string;
  /** Our own cgroup path in it. */
  own: string;
  v2: boolean;
}

function hierarchies(): Hierarchy[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const out: Hierarchy[] = [];
  for (const line of mounts) {
    const [, mount, fstype, opts] = line.split(' ');
    if (!mount) continue;
    if (fstype === 'cgroup2') {
      const path = own.find((l) => l.startsWith('0::'))?.slice(3);
      if (path !== undefined) out.push({ mount, own: path, v2: true });
    } else if (fstype === 'cgroup' && opts?.split(',').includes('name=systemd')) {
      const path = own.find((l) => l.split(':')[1] === 'name=systemd')?.split(':')[2];
      if (path !== undefined) out.push({ mount, own: path, v2: false });
    }
  }
  return out;
}

/** Creates the host's cgroup in each hierarchy; returns their directories. */
export function createHostCgroups(name: string): string[] {
  return hierarchies().map((h) => {
    const dir = join(h.mount, h.own, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

/** All pids in a cgroup tree. */
export function cgroupPids(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const pids: number[] = [];
  const walk = (d: string): void => {
    try {
      for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (p) pids.push(Number(p));
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      /* removed meanwhile */
    }
  };
  walk(dir);
  return pids;
}

/** SIGKILLs every process in the cgroup tree (cgroup.kill where the kernel has it). */
export function killCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  const killFile = join(dir, 'cgroup.kill');
  if (existsSync(killFile)) {
    try {
      writeFileSync(killFile, '1');
      return;
    } catch {
      /* fall through to per-pid kill */
    }
  }
  for (const pid of cgroupPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Removes the (empty) cgroup tree, deepest first. Returns false if something is still in it. */
export function removeCgroupTree(dir: string): boolean {
  if (!existsSync(dir)) return true;
  let ok = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) ok = removeCgroupTree(join(dir, e.name)) && ok;
  }
  try {
    rmdirSync(dir);
  } catch {
    ok = false;
  }
  return ok;
}
