// The differential harness: run ansible-playbook and tsplay on the same case and
// capture what can be compared (recap counts, exit code, produced files, diff lines).
import type { HostStats } from '../../src/executor/stats.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingHash, type RecordedRun, type Recording } from './recording.js';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'tsplay.js');
export const CASES_DIR = join(fileURLToPath(import.meta.url), '..', 'cases');
export const RECORDED_DIR = join(fileURLToPath(import.meta.url), '..', 'recorded');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs a command, capturing stdout/stderr/exit code; kills it (and its group) after `timeoutMs`. */
export function runCommand(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs ?? 60_000);
    const finish = (code: number) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, ms: Date.now() - started });
    };
    child.on('error', (e) => {
      stderr += String(e);
      finish(-1);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? -1 : 0)));
  });
}

export interface Entry {
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  mode: string;
  content?: string;
}

/**
 * The tree under `dir`, sorted by path: type, permission bits (octal) and content
 * (files: text; links: target), with `dir` itself replaced by `OUT` so two runs
 * in different directories compare equal.
 */
export function snapshot(dir: string): Entry[] {
  const out: Entry[] = [];
  if (!existsSync(dir)) return out;
  const norm = (s: string) => s.split(dir).join('OUT');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) {
        out.push({ path: rel, type: 'link', mode: 'link', content: norm(readlinkSync(p)) });
      } else if (st.isDirectory()) {
        out.push({ path: rel, type: 'dir', mode });
        walk(p);
      } else if (st.isFile()) {
        out.push({ path: rel, type: 'file', mode, content: norm(readFileSync(p, 'utf8')) });
      } else {
        out.push({ path: rel, type: 'other', mode });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The recap counters, as the engine names them (parsed independently from output). */
export type RecapCounts = HostStats;

const RECAP_LINE =
  /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)\s*$/;

/** The PLAY RECAP of a text-output run, by host. Empty when there is no recap. */
export function parseRecap(stdout: string): Record<string, RecapCounts> {
  const recap: Record<string, RecapCounts> = {};
  const lines = stdout.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('PLAY RECAP'));
  if (start < 0) return recap;
  for (const line of lines.slice(start + 1)) {
    const m = RECAP_LINE.exec(line);
    if (!m) continue;
    const [, host, ok, changed, unreachable, failed, skipped, rescued, ignored] = m;
    recap[host!] = {
      ok: Number(ok),
      changed: Number(changed),
      unreachable: Number(unreachable),
      failed: Number(failed),
      skipped: Number(skipped),
      rescued: Number(rescued),
      ignored: Number(ignored),
    };
  }
  return recap;
}

/** The `+`/`-` lines of the unified diffs in a `--diff` run (not the `+++`/`---` headers), sorted and unique. */
export function diffLines(stdout: string, outDir: string): string[] {
  const set = new Set<string>();
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.split(outDir).join('OUT').trimEnd();
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+') || line.startsWith('-')) set.add(line);
  }
  return [...set].sort();
}

export interface CaseConfig {
  /** Extra CLI arguments (both tools). */
  args: string[];
  /** Inventory passed to -i, relative to the case dir. */
  inventory: string;
  /** Also compare the +/- lines of a --check --diff run. */
  compareDiff: boolean;
  /** The --check run may legitimately write (e.g. `check_mode: false` tasks). */
  checkMayWrite: boolean;
  /** Also compare the first run's text output, normalised (default true). */
  compareOutput: boolean;
  /** Playbook file in the case dir. */
  playbook: string;
}

export interface Case {
  name: string;
  dir: string;
  config: CaseConfig;
}

export function loadCases(root = CASES_DIR): Case[] {
  return readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory() && existsSync(join(root, n, 'playbook.yml')))
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const cfgPath = join(dir, 'case.json');
      const raw = existsSync(cfgPath) ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as Partial<CaseConfig>) : {};
      return {
        name,
        dir,
        config: {
          args: raw.args ?? [],
          inventory: raw.inventory ?? 'localhost,',
          compareDiff: raw.compareDiff ?? false,
          checkMayWrite: raw.checkMayWrite ?? false,
          compareOutput: raw.compareOutput ?? true,
          playbook: raw.playbook ?? 'playbook.yml',
        },
      };
    });
}

export function ansibleAvailable(): boolean {
  const r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Environment that keeps ansible-playbook's output plain and reproducible. */
export const ANSIBLE_ENV: Record<string, string> = {
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_FORCE_COLOR: '0',
  ANSIBLE_STDOUT_CALLBACK: 'default',
  ANSIBLE_RETRY_FILES_ENABLED: '0',
  ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
  ANSIBLE_LOCALHOST_WARNING: '0',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
  ANSIBLE_DEPRECATION_WARNINGS: '0',
  ANSIBLE_HOST_KEY_CHECKING: '0',
  ANSIBLE_CALLBACKS_ENABLED: '',
  ANSIBLE_GATHERING: 'implicit',
  PY_COLORS: '0',
};

export const TSPLAY_ENV: Record<string, string> = { NO_COLOR: '1', FORCE_COLOR: '0' };

export type Tool = 'ansible' | 'tsplay';

export interface RunSpec {
  tool: Tool;
  kase: Case;
  out: string;
  extra?: string[];
  timeoutMs?: number;
}

/** One run of a case with either tool, `-i INV -c local -e out=OUT` plus the case's args. */
export function runCase({ tool, kase, out, extra = [], timeoutMs = 90_000 }: RunSpec): Promise<RunResult> {
  const common = [kase.config.playbook, '-i', kase.config.inventory, '-c', 'local', '-e', `out=${out}`, ...kase.config.args, ...extra];
  if (tool === 'ansible') {
    return runCommand('ansible-playbook', common, { cwd: kase.dir, env: ANSIBLE_ENV, timeoutMs });
  }
  return runCommand(process.execPath, [CLI, 'run', ...common], { cwd: kase.dir, env: TSPLAY_ENV, timeoutMs });
}

const HEADER = /^(PLAY \[|TASK \[|RUNNING HANDLER \[|PLAY RECAP|NO MORE HOSTS LEFT)/;
const HOST_LINE = /^(ok|changed|skipping|fatal|failed|included|FAILED - RETRYING): /;

/**
 * The text output as the user reads it, for comparing the two tools: the
 * output dir and case dir as OUT and CASE, times and durations blanked,
 * Ansible's note of the Python it discovered and its quote of the offending
 * playbook line under an error dropped (tsplay names file, line and column
 * only), its -v note on its config file dropped (tsplay reads no ansible.cfg),
 * tsplay's PLAN SUMMARY (after the recap of --check --diff) dropped, blank
 * lines dropped, and within each task the hosts' lines (each with the diffs
 * printed before it) sorted (hosts finish in any order).
 */
export function normalizeOutput(stdout: string, out: string, caseDir: string): string[] {
  const text = stdout
    .split(out).join('OUT')
    .split(caseDir).join('CASE')
    .replace(/"(start|end)": "[^"]*"/g, '"$1": "T"')
    .replace(/"delta": "[^"]*"/g, '"delta": "D"')
    .replace(/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, /g, '')
    .replace(/\\n\\nThe offending line appears to be:.*?(?="\})/g, '');
  const all = text.split('\n').filter((l) => l.trim() !== '' && !/^(No config file found; using defaults|Using .* as config file)$/.test(l));
  // tsplay's own summary after the recap of a --check --diff run.
  const summary = all.findIndex((l) => l.startsWith('PLAN SUMMARY'));
  const lines = summary < 0 ? all : all.slice(0, summary);
  const result: string[] = [];
  let entries: string[][] = [];
  // A host's diffs come before its line: they open its entry.
  let diffOpen = false;
  const flush = (): void => {
    result.push(...entries.sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1)).flat());
    entries = [];
    diffOpen = false;
  };
  for (const line of lines) {
    if (HEADER.test(line)) {
      flush();
      result.push(line);
    } else if (line.startsWith('--- before') || line.startsWith('An exception occurred during task execution')) {
      // A host's diffs, or the exception note Ansible prints before its failure, open its entry.
      if (diffOpen) entries[entries.length - 1]!.push(line);
      else entries.push([line]);
      diffOpen = true;
    } else if (HOST_LINE.test(line) && diffOpen) {
      entries[entries.length - 1]!.push(line);
      diffOpen = false;
    } else if (HOST_LINE.test(line) || entries.length === 0) entries.push([line]);
    else entries[entries.length - 1]!.push(line);
  }
  flush();
  return result;
}

/** A tiny concurrency limiter. */
export function limiter(concurrency: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    if (active >= concurrency) return;
    const start = waiting.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(job: () => Promise<T>) =>
    new Promise<T>((resolveJob, rejectJob) => {
      waiting.push(() => {
        job()
          .then(resolveJob, rejectJob)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/** A run as compared: what RecordedRun keeps, plus how long it took. */
export interface CapturedRun extends RecordedRun {
  ms: number;
}

/** The runs of one case: first and second run on one output dir, a --check run, and with compareDiff a --check --diff run. */
export interface CaseRuns<Run = CapturedRun> {
  run1: Run;
  run2: Run;
  check: Run;
  diff?: Run;
}

export type CaseRecording = Recording<CaseRuns<RecordedRun>>;

/** What a run did, with the output dir written as OUT and the case dir as CASE (a timeout is exit code -2). */
export function captureRun(r: RunResult, out: string, caseDir: string): CapturedRun {
  const norm = (s: string) => s.split(out).join('OUT').split(caseDir).join('CASE');
  return { code: r.timedOut ? -2 : r.code, stdout: norm(r.stdout), stderr: norm(r.stderr), files: snapshot(out), ms: r.ms };
}

/**
 * Runs a case with `tool` as the suite compares it, each run in a fresh
 * directory under `outRoot`; `schedule` bounds how many runs go at once.
 */
export async function runCaseFully(
  kase: Case,
  tool: Tool,
  outRoot: string,
  schedule: <T>(job: () => Promise<T>) => Promise<T>,
): Promise<CaseRuns> {
  const dir = (kind: string): string => {
    const d = join(outRoot, kase.name, `${tool}-${kind}`);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const sequence = schedule(async () => {
    const out = dir('runs');
    const run1 = captureRun(await runCase({ tool, kase, out }), out, kase.dir);
    const run2 = captureRun(await runCase({ tool, kase, out }), out, kase.dir);
    return { run1, run2 };
  });
  const check = schedule(async () => {
    const out = dir('check');
    return captureRun(await runCase({ tool, kase, out, extra: ['--check'] }), out, kase.dir);
  });
  const diff = kase.config.compareDiff
    ? schedule(async () => {
        const out = dir('diff');
        return captureRun(await runCase({ tool, kase, out, extra: ['--check', '--diff'] }), out, kase.dir);
      })
    : Promise.resolve(undefined);
  const [s, c, d] = await Promise.all([sequence, check, diff]);
  return { ...s, check: c, ...(d ? { diff: d } : {}) };
}

/** Where a case's recorded ansible-playbook results are kept. */
export const recordingFile = (kase: Case): string => join(RECORDED_DIR, `${kase.name}.json`);

/** The hash a case's recording must carry: its settings and every file of its directory. */
export const caseHash = (kase: Case): string => recordingHash([JSON.stringify(kase.config)], [kase.dir]);

/**
 * The first line of a JavaScript stack trace (V8 indents its frames by four
 * spaces; tsplay's own "  at file:line:col" by two) or of an
 * unexpected-exception report in `text`, if any.
 */
export function stackTraceIn(text: string): string | undefined {
  return /^ {4}at .*:\d+:\d+\)?$/m.exec(text)?.[0] ?? /^.*Unexpected Exception.*$/m.exec(text)?.[0];
}
