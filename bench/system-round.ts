// The system round of the benchmark: bench/system-playbook.yml (packages with
// apt and dnf from a local repository of stand-ins, a unit file, units enabled,
// started and restarted with systemd and service, packages removed) with tsplay
// and ansible-playbook on lab hosts, against a raw floor: the same apt-get, dnf,
// rpm, dpkg-query and systemctl commands sent straight over one open SSH
// connection per host (hosts in parallel, task by task).
//
// Each runner and repetition has its own package set (sb-<set>-...), fresh as
// the main round's fresh bench_dir: a first run, then the re-run on what it
// left. The packages a playbook removes are installed beforehand, for all sets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSsh } from '../src/connection/ssh.js';
import type { Connection } from '../src/connection/connection.js';
import { quote } from '../src/host/shell.js';
import type { Lab } from '../test/lab/lab.js';
import { buildDebRepo, buildRpmRepo, installRepoOnHost, type StandInPackage } from '../test/lab/package-repos.js';
import { arrivalMs, type Measured } from './measure.js';

export type SystemRunner = 'floor' | 'tsplay' | 'ansible';
export type SystemPhase = 'first' | 're-run';

export interface SystemRun {
  runner: SystemRunner;
  phase: SystemPhase;
  rep: number;
  /** The runner's whole run; for the floor, the sum of its tasks (connections already open). */
  wallMs: number;
  cpuMs?: number;
  code: number;
  changed: string;
  /** ms of each counted task (all hosts in parallel), by task name. */
  taskMs: Record<string, number>;
}

export interface SystemResult {
  started: string;
  load: string;
  hosts: number;
  reps: number;
  /** Building the repositories, putting them on the hosts, installing the packages to remove. */
  prepareMs: number;
  runs: SystemRun[];
}

export interface SystemOptions {
  hosts: Array<{ name: string; address: string }>;
  keyFile: string;
  knownHostsFile: string;
  exec: Lab['exec'];
  reps: number;
  /** Run the playbook with bench_dir=<set>; undefined: not run (e.g. --no-ansible). */
  tsplay: (set: string) => Promise<Measured>;
  ansible?: (set: string) => Promise<Measured>;
  changedOf: (m: Measured) => string;
  log: (s: string) => void;
}

const unitText = (sb: string): string =>
  `[Unit]\nDescription=bench app ${sb}\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n`;
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -y -q';
const show = (unit: string): string => `systemctl show -p ActiveState -p UnitFileState ${unit}`;

/**
 * The playbook's tasks after `connect` (which opens the connections and is not
 * counted), by name, with the commands a hand-written script would send: on a
 * first run those that make the change, on a re-run those that find there is
 * none to make (restarts restart every time; daemon_reload runs every time).
 */
export const SYSTEM_TASKS: Array<{ name: string; first: (sb: string) => string; rerun: (sb: string) => string }> = [
  { name: 'apt install', first: (sb) => `${APT} install ${sb}-deb-a ${sb}-deb-d`, rerun: (sb) => `dpkg-query -W ${sb}-deb-a ${sb}-deb-d` },
  { name: 'dnf install', first: (sb) => `dnf -y install ${sb}-rpm-a ${sb}-rpm-d`, rerun: (sb) => `rpm -q ${sb}-rpm-a ${sb}-rpm-d` },
  {
    name: 'unit file',
    first: (sb) => `printf %s ${quote(unitText(sb))} > /etc/systemd/system/${sb}-app.service`,
    rerun: (sb) => `sha1sum /etc/systemd/system/${sb}-app.service`,
  },
  {
    name: 'systemd start app',
    first: (sb) => `systemctl daemon-reload && systemctl enable ${sb}-app && systemctl start ${sb}-app`,
    rerun: (sb) => `systemctl daemon-reload && ${show(`${sb}-app`)}`,
  },
  { name: 'service start deb daemon', first: (sb) => `systemctl enable ${sb}-deb-d && systemctl start ${sb}-deb-d`, rerun: (sb) => show(`${sb}-deb-d`) },
  { name: 'systemd start rpm daemon', first: (sb) => `systemctl enable ${sb}-rpm-d && systemctl start ${sb}-rpm-d`, rerun: (sb) => show(`${sb}-rpm-d`) },
  { name: 'systemd restart app', first: (sb) => `systemctl restart ${sb}-app`, rerun: (sb) => `systemctl restart ${sb}-app` },
  { name: 'service restart deb daemon', first: (sb) => `systemctl restart ${sb}-deb-d`, rerun: (sb) => `systemctl restart ${sb}-deb-d` },
  { name: 'apt remove', first: (sb) => `${APT} remove ${sb}-deb-r`, rerun: (sb) => `! dpkg-query -W ${sb}-deb-r 2>/dev/null` },
  { name: 'dnf remove', first: (sb) => `dnf -y remove ${sb}-rpm-r`, rerun: (sb) => `! rpm -q ${sb}-rpm-r >/dev/null` },
];

const setName = (runner: SystemRunner, rep: number): string => `${runner.slice(0, 2)}${rep}`;

function standIns(sets: string[], kind: 'deb' | 'rpm'): StandInPackage[] {
  return sets.flatMap((set) => {
    const sb = `sb-${set}-${kind}`;
    return [
      { name: `${sb}-a`, version: '1.0', files: { [`/usr/share/${sb}/a`]: 'a\n' } },
      { name: `${sb}-d`, version: '1.0', files: { [`/usr/share/${sb}/d`]: 'd\n' }, unit: { name: `${sb}-d` } },
      { name: `${sb}-r`, version: '1.0', files: { [`/usr/share/${sb}/r`]: 'r\n' } },
    ];
  });
}

async function prepare(o: SystemOptions, sets: string[]): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tsplay-bench-repos-'));
  try {
    await buildDebRepo(join(work, 'deb'), standIns(sets, 'deb'));
    await buildRpmRepo(join(work, 'rpm'), standIns(sets, 'rpm'));
    const removable = (kind: string): string => sets.map((s) => `sb-${s}-${kind}-r`).join(' ');
    await Promise.all(
      o.hosts.map(async (h) => {
        await installRepoOnHost({ exec: o.exec }, h.name, 'deb', join(work, 'deb'), { writeSource: true, disableOtherSources: true });
        await installRepoOnHost({ exec: o.exec }, h.name, 'rpm', join(work, 'rpm'), { writeSource: true });
        // Caches filled here, so that no run pays for reading the repositories' indexes.
        const r = await o.exec(h.name, `set -e; apt-get update -q; ${APT} install ${removable('deb')}; dnf -q makecache; dnf -y -q install ${removable('rpm')}`, { timeoutMs: 600_000 });
        if (r.code !== 0) throw new Error(`system round: preparing ${h.name} failed (${r.code}): ${r.stderr.trim().slice(-500)}`);
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The floor's run of one set: each task's command on all hosts in parallel, task after task. */
async function floorRun(conns: Connection[], sb: string, phase: SystemPhase): Promise<Record<string, number>> {
  const taskMs: Record<string, number> = {};
  for (const t of SYSTEM_TASKS) {
    const command = phase === 'first' ? t.first(sb) : t.rerun(sb);
    const t0 = performance.now();
    const res = await Promise.all(conns.map((c) => c.exec(command)));
    taskMs[t.name] = performance.now() - t0;
    const bad = res.find((r) => r.rc !== 0);
    if (bad) throw new Error(`system floor: ${command}: rc ${bad.rc}: ${bad.stderr.trim().slice(-300)}`);
  }
  return taskMs;
}

/** Each counted task's ms, read off the text output as it arrived: from its header to the next header or the recap. */
function taskTimes(m: Measured): Record<string, number> {
  const heads = [...m.stdout.matchAll(/^TASK \[([^\]]*)\]/gm)].map((x) => ({ name: x[1]!, at: arrivalMs(m, x.index!) }));
  const recap = arrivalMs(m, m.stdout.indexOf('PLAY RECAP'));
  const out: Record<string, number> = {};
  heads.forEach((h, i) => {
    const next = i + 1 < heads.length ? heads[i + 1]!.at : recap;
    if (SYSTEM_TASKS.some((t) => t.name === h.name) && h.at !== undefined && next !== undefined) out[h.name] = next - h.at;
  });
  return out;
}

export async function systemRound(o: SystemOptions): Promise<SystemResult> {
  const started = new Date().toISOString();
  const load = (await o.exec(o.hosts[0]!.name, 'cat /proc/loadavg')).stdout.trim();
  const runners: SystemRunner[] = ['floor', 'tsplay', ...(o.ansible ? (['ansible'] as const) : [])];
  const sets = Array.from({ length: o.reps }, (_, i) => runners.map((r) => setName(r, i + 1))).flat();
  const t0 = performance.now();
  await prepare(o, sets);
  const prepareMs = performance.now() - t0;
  o.log(`system round: ${sets.length} package sets prepared in ${(prepareMs / 1000).toFixed(1)} s`);
  const runs: SystemRun[] = [];
  const conns = await Promise.all(
    o.hosts.map((h) =>
      openSsh({
        host: h.name,
        address: h.address,
        port: 22,
        user: 'root',
        privateKeyFile: o.keyFile,
        knownHostsFile: o.knownHostsFile,
        hostKeyChecking: 'strict',
        connectTimeoutMs: 30_000,
        defaultIdentities: false,
      }),
    ),
  );
  try {
    // Runners interleaved rep by rep: load from other jobs hits them alike.
    for (let rep = 1; rep <= o.reps; rep++) {
      for (const runner of runners) {
        const set = setName(runner, rep);
        for (const phase of ['first', 're-run'] as const) {
          let run: SystemRun;
          if (runner === 'floor') {
            const taskMs = await floorRun(conns, `sb-${set}`, phase);
            run = { runner, phase, rep, wallMs: Object.values(taskMs).reduce((a, b) => a + b, 0), code: 0, changed: '', taskMs };
          } else {
            const m = await (runner === 'tsplay' ? o.tsplay : o.ansible!)(set);
            run = { runner, phase, rep, wallMs: m.wallMs, cpuMs: m.cpuMs, code: m.code, changed: o.changedOf(m), taskMs: taskTimes(m) };
            if (m.code !== 0) o.log(`  output tail:\n${(m.stdout + m.stderr).split('\n').slice(-15).join('\n')}`);
          }
          runs.push(run);
          o.log(`system ${runner.padEnd(7)} ${phase.padEnd(6)} rep ${rep}: ${(run.wallMs / 1000).toFixed(2)} s${run.changed ? `, changed/host=${run.changed}` : ''}${run.code ? ` EXIT ${run.code}` : ''}`);
        }
      }
    }
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
  return { started, load, hosts: o.hosts.length, reps: o.reps, prepareMs, runs };
}

// ---------------------------------------------------------------- report
const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? (v[(v.length - 1) >> 1]! + v[v.length >> 1]!) / 2 : NaN;
};
const s = (ms: number): string => (ms / 1000).toFixed(2);

export function systemReport(r: SystemResult): string[] {
  const out: string[] = [];
  const p = (l = ''): void => void out.push(l);
  const ok = (runner: SystemRunner, phase: SystemPhase): SystemRun[] => r.runs.filter((x) => x.runner === runner && x.phase === phase && x.code === 0);
  /** Median over the reps of one task's ms. */
  const taskMs = (runner: SystemRunner, phase: SystemPhase, task: string): number => median(ok(runner, phase).map((x) => x.taskMs[task]).filter((v): v is number => v !== undefined));
  const total = (runner: SystemRunner, phase: SystemPhase): number => SYSTEM_TASKS.reduce((a, t) => a + taskMs(runner, phase, t.name), 0);
  const tools = (['tsplay', 'ansible'] as const).filter((t) => ok(t, 'first').length > 0);
  const n = SYSTEM_TASKS.length;

  p(`## System round: packages and services on ${r.hosts} hosts`);
  p();
  p(`Run on ${r.started} (load average on the hosts' machine at its start: ${r.load}); ${r.reps} repetitions, runners interleaved; preparing the hosts took ${s(r.prepareMs)} s.`);
  p();
  p(`- Playbook \`bench/system-playbook.yml\`: a \`connect\` task (\`command: true\`, opens the connections; not counted), then ${n} tasks:`);
  p('  `apt` and `dnf` install two stand-in packages each (one with a unit) from local repositories on the hosts');
  p('  (`test/lab/package-repos.ts`), `copy` writes a unit file, `systemd` (with `daemon_reload`) and `service` enable and start');
  p('  three units and restart two, `apt` and `dnf` remove one package each. First run: 10 tasks change on every host;');
  p('  re-run: the 2 restarts. Each runner and repetition has its own package names (`bench_dir` names the set), and the');
  p('  packages to remove are installed beforehand; apt\'s and dnf\'s caches are filled then too.');
  p('- **raw floor**: the commands a hand-written script would send, over one already-open connection per host (tsplay\'s');
  p('  `openSsh`, as the main round\'s floor), hosts in parallel, task after task: on a first run `apt-get install`,');
  p('  `dnf install`, `printf > unit`, `systemctl daemon-reload/enable/start/restart`, `apt-get remove`, `dnf remove`; on a');
  p('  re-run the checks that find nothing to do (`dpkg-query -W`, `rpm -q`, `sha1sum`, `systemctl show`, the restarts).');
  p('- A runner\'s task time is read off its output as it arrives (a task\'s header to the next header or the recap); ratios');
  p(`  are of sums over the ${n} counted tasks of each task's median over the repetitions. Ansible as in the main round (pipelining,`);
  p('  ControlPersist, forks = hosts, no fact gathering).');
  p();
  p('| runner | run | wall s (median) | CPU s | changed/host | counted tasks s | ms a task | overhead above the floor, ms a task | against the floor |');
  p('| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const phase of ['first', 're-run'] as const) {
    const floor = total('floor', phase);
    p(`| raw floor | ${phase} | | | | ${s(floor)} | ${(floor / n).toFixed(0)} | | 1.0x |`);
    for (const t of tools) {
      const runs = ok(t, phase);
      const sum = total(t, phase);
      p(`| ${t} | ${phase} | ${s(median(runs.map((x) => x.wallMs)))} | ${s(median(runs.map((x) => x.cpuMs ?? NaN)))} | ${[...new Set(runs.map((x) => x.changed))].join(', ')} | ${s(sum)} | ${(sum / n).toFixed(0)} | ${((sum - floor) / n).toFixed(0)} | ${(sum / floor).toFixed(1)}x |`);
    }
  }
  p();
  p('By task (median ms, all hosts in parallel; in brackets: against the floor):');
  p();
  const cols = ['floor', ...tools] as SystemRunner[];
  p(`| task | ${(['first', 're-run'] as const).flatMap((ph) => cols.map((c) => `${c} ${ph}`)).join(' | ')} |`);
  p(`| --- | ${cols.concat(cols).map(() => '---:').join(' | ')} |`);
  for (const t of SYSTEM_TASKS) {
    const cells = (['first', 're-run'] as const).flatMap((ph) => {
      const f = taskMs('floor', ph, t.name);
      return cols.map((c) => {
        const v = taskMs(c, ph, t.name);
        return c === 'floor' ? v.toFixed(0) : `${v.toFixed(0)} (${(v / f).toFixed(1)}x)`;
      });
    });
    p(`| ${t.name} | ${cells.join(' | ')} |`);
  }
  p();
  const failed = r.runs.filter((x) => x.code !== 0);
  if (failed.length) p(`Failed runs (left out above): ${failed.map((x) => `${x.runner} ${x.phase} rep ${x.rep} (exit ${x.code})`).join(', ')}.`);
  p(`All repetitions (wall s): ${(['floor', ...tools] as SystemRunner[]).flatMap((rn) => (['first', 're-run'] as const).map((ph) => `${rn} ${ph} ${r.runs.filter((x) => x.runner === rn && x.phase === ph).map((x) => s(x.wallMs)).join(', ')}`)).join('; ')}.`);
  p();
  return out;
}
