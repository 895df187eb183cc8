// Running one runner (tsplay or ansible-playbook) under /usr/bin/time and
// measuring it: wall time (here), CPU time (user+sys of every process it waited
// for, from /usr/bin/time), max RSS (the largest single process, /usr/bin/time
// %M), and the peak of the summed RSS of its whole process tree (sampled every
// 100 ms from /proc, including the detached ssh ControlMaster processes, which
// /usr/bin/time never sees). The CPU time of the ControlMasters (found by their
// control directory in the command line) is read from /proc before they are
// stopped and added to the CPU figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  /** Max RSS of the largest single process (KiB). */
  maxRssKb: number;
  /** Peak of the summed RSS of the runner's process tree (KiB), sampled every 100 ms. */
  treePeakKb: number;
  /** CPU ms of detached helpers (ssh ControlMasters) included in cpuMs. */
  helperCpuMs: number;
  /** When each piece of stdout arrived: [ms since the start, length of stdout after it]. */
  stdoutTimes: Array<[number, number]>;
}

/** When the text at `index` of the output arrived (ms since the start), if it did. */
export function arrivalMs(m: Measured, index: number): number | undefined {
  return m.stdoutTimes.find(([, end]) => end > index)?.[0];
}

const running = new Set<ChildProcess>();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.prependListener(s, () => {
    for (const c of running) if (c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  });
}

const PAGE_KB = 4;
const TICK_MS = 10; // CLK_TCK = 100

interface Proc {
  pid: number;
  ppid: number;
  rssKb: number;
  cpuMs: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] = state (field 3); ppid field 4; utime 14, stime 15; rss 24.
    return { pid, ppid: Number(rest[1]), cpuMs: (Number(rest[11]) + Number(rest[12])) * TICK_MS, rssKb: Number(rest[21]) * PAGE_KB };
  } catch {
    return undefined;
  }
}

function allProcs(): Proc[] {
  const out: Proc[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const p = readProc(Number(e));
    if (p) out.push(p);
  }
  return out;
}

/** Pids whose command line contains `marker`. */
export function pidsWithCmdline(marker: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'latin1').includes(marker)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

function treeRss(root: number, helperMarker: string | undefined): number {
  const procs = allProcs();
  const kids = new Map<number, Proc[]>();
  for (const p of procs) {
    const l = kids.get(p.ppid) ?? [];
    l.push(p);
    kids.set(p.ppid, l);
  }
  let sum = 0;
  const seen = new Set<number>();
  const walk = (pid: number): void => {
    for (const k of kids.get(pid) ?? []) {
      if (seen.has(k.pid)) continue;
      seen.add(k.pid);
      sum += k.rssKb;
      walk(k.pid);
    }
  };
  walk(root);
  if (helperMarker) {
    for (const pid of pidsWithCmdline(helperMarker)) {
      if (seen.has(pid)) continue;
      const p = procs.find((x) => x.pid === pid);
      if (p) {
        seen.add(pid);
        sum += p.rssKb;
      }
    }
  }
  return sum;
}

export async function measure(
  cmd: string,
  args: string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd?: string;
    timeFile: string;
    helperMarker?: string;
    timeoutMs?: number;
    /** Standard output into this file (not a pipe); read back afterwards, so without arrival times. */
    stdoutFile?: string;
  },
): Promise<Measured> {
  const started = process.hrtime.bigint();
  const outFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', options.timeFile, cmd, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
  });
  if (outFd !== undefined) closeSync(outFd);
  running.add(child);
  let stdout = '';
  let stderr = '';
  const stdoutTimes: Array<[number, number]> = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    stdoutTimes.push([Number(process.hrtime.bigint() - started) / 1e6, stdout.length]);
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let treePeakKb = 0;
  const sample = (): void => {
    if (child.pid) treePeakKb = Math.max(treePeakKb, treeRss(child.pid, options.helperMarker));
  };
  const sampler = setInterval(sample, 100);
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number>((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 128 : -1))));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  clearTimeout(timer);
  running.delete(child);
  if (options.stdoutFile !== undefined) {
    stdout = readFileSync(options.stdoutFile, 'utf8');
    rmSync(options.stdoutFile, { force: true });
  }
  let helperCpuMs = 0;
  if (options.helperMarker) {
    for (const pid of pidsWithCmdline(options.helperMarker)) {
      const p = readProc(pid);
      if (p) helperCpuMs += p.cpuMs;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
  const line = readFileSync(options.timeFile, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(options.timeFile, { force: true });
  const [, user, sys, maxRss] = line.split(' ').map(Number);
  return {
    code,
    stdout,
    stderr,
    wallMs,
    cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000 + helperCpuMs,
    maxRssKb: maxRss ?? NaN,
    treePeakKb: Math.max(treePeakKb, maxRss ?? 0),
    helperCpuMs,
    stdoutTimes,
  };
}
