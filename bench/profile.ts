// Summarises a V8 .cpuprofile (node --cpu-prof): self time by area (package, or
// tsplay source directory), the top functions by self time, and the top
// functions by total (inclusive) time, restricted to tsplay's own code.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  /** inBundle: url is the file the frame came from, lineNumber still the bundle's. */
  callFrame: { functionName: string; url: string; lineNumber: number; inBundle?: boolean };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  byArea: Array<{ area: string; ms: number }>;
  topSelf: Array<{ fn: string; ms: number }>;
  topTotal: Array<{ fn: string; ms: number }>;
  /** Milestones (ms from the profile's start) and CPU busy share between them. */
  phases: Array<{ phase: string; fromMs: number; toMs: number; busyPct: number }>;
}

/**
 * Frames in the bundle (dist/bundle/tsplay.cjs) are given back the file they
 * came from: esbuild heads each module with a `// <path>` comment line.
 */
function bundleOrigins(): (url: string, line: number) => string {
  const cache = new Map<string, Array<[number, string]>>();
  return (url, line) => {
    if (!/\/dist\/bundle\/[^/]+\.cjs$/.test(url)) return url;
    const file = url.replace(/^file:\/\//, '');
    let marks = cache.get(file);
    if (!marks) {
      marks = [];
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((l, i) => {
          const m = /^\/\/ ((?:dist|node_modules)\/\S+)$/.exec(l);
          if (m) marks!.push([i, m[1]!]);
        });
      cache.set(file, marks);
    }
    let lo = 0;
    let hi = marks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]![0] <= line) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? url : `/${marks[found]![1]}`;
  };
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const ts = url.match(/\/dist\/(src\/[^/]+|modules)\//) ?? url.match(/\/dist\/(src)\/[^/]+$/);
  if (ts) return `tsplay ${ts[1]}`;
  if (/\/dist\/bundle\//.test(url)) return "(the bundle's own glue)";
  return url.replace(/^file:\/\//, '');
}

function label(n: Node): string {
  const u = n.callFrame.url.replace(/^(file:\/\/)?.*?\/(dist|node_modules)\//, '$2/');
  const line = n.callFrame.inBundle ? ` (bundle line ${n.callFrame.lineNumber + 1})` : `:${n.callFrame.lineNumber + 1}`;
  return `${n.callFrame.functionName || '(anonymous)'} ${u}${line}`;
}

export function summarise(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const origin = bundleOrigins();
  for (const n of p.nodes) {
    const url = origin(n.callFrame.url, n.callFrame.lineNumber);
    if (url !== n.callFrame.url) n.callFrame = { ...n.callFrame, url, inBundle: true };
  }
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  const areas = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const totalFn = new Map<string, number>();
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const l = label(n);
    selfFn.set(l, (selfFn.get(l) ?? 0) + ms);
    // Inclusive: charge every distinct tsplay frame on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!;
      if (!/\/dist\/(src|modules)\//.test(f.callFrame.url)) continue;
      const fl = label(f);
      if (seen.has(fl)) continue;
      seen.add(fl);
      totalFn.set(fl, (totalFn.get(fl) ?? 0) + ms);
    }
  }
  // Timeline: when tsplay's main() starts, the first task runs, connecting ends (the last
  // sample in ssh2's key exchange or authentication), the last task ends.
  const times: number[] = [];
  const idle: boolean[] = [];
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  let connectedAt: number | undefined;
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += (p.timeDeltas[i] ?? 0) / 1000;
    times.push(t);
    const top = byId.get(p.samples[i]!)!;
    idle.push(top.callFrame.functionName === '(idle)');
    for (let cur: number | undefined = p.samples[i]; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      // The last key exchange or authentication step: every host is connected after it.
      if (/ssh2\/lib\/(protocol\/kex|client)\.js$/.test(f.url) && /KEX|kex|auth|Auth|handshake/.test(f.functionName)) connectedAt = t;
      if (!/\/dist\/src\//.test(f.url)) continue;
      const k = f.functionName;
      if (!first.has(k)) first.set(k, t);
      last.set(k, t);
    }
  }
  const end = t;
  const ms = [
    ['start-up (loading modules) until main()', 0, first.get('main') ?? 0],
    ['main() until the first task', first.get('main') ?? 0, first.get('runOnce') ?? 0],
    ['first task until all hosts connected', first.get('runOnce') ?? 0, connectedAt ?? first.get('runOnce') ?? 0],
    ['tasks after connecting', connectedAt ?? 0, last.get('runOnce') ?? end],
    ['after the last task', last.get('runOnce') ?? end, end],
  ] as const;
  const phases = ms.map(([phase, a, b]) => {
    let busy = 0;
    let all = 0;
    for (let i = 0; i < times.length; i++) {
      if (times[i]! < a || times[i]! >= b) continue;
      const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
      all += dt;
      if (!idle[i]) busy += dt;
    }
    return { phase, fromMs: a, toMs: b, busyPct: all ? (busy / all) * 100 : 0 };
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: (p.endTime - p.startTime) / 1000,
    byArea: sorted(areas).slice(0, top).map(([area, ms]) => ({ area, ms })),
    topSelf: sorted(selfFn).slice(0, top).map(([fn, ms]) => ({ fn, ms })),
    topTotal: sorted(totalFn).slice(0, top).map(([fn, ms]) => ({ fn, ms })),
    phases,
  };
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  console.log(JSON.stringify(summarise(process.argv[2]), null, 2));
}
