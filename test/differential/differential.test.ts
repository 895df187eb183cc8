// The differential suite: every case under cases/ is run with tsplay (local
// connection) and compared with what ansible-playbook did on the same case:
// exit code, recap counts and the files produced, on a first and on a second
// (idempotent) run; the recap of a --check run, which must leave its output
// directory untouched; the normalised text output of all three; and, for cases
// flagged compareDiff, the +/- lines of a --check --diff run.
//
// Ansible's side comes from its recorded results (recorded/<case>.json, made by
// `npm run record-ansible [CASE]`; see recording.ts). A test fails when a case
// changed after it was recorded, and one when the installed ansible-core is not
// the version that recorded them. TSPLAY_DIFF_LIVE=1 (`npm run test:live`) runs
// ansible-playbook instead, as the suite did before recordings.
// TSPLAY_DIFF_JOBS sets how many runs go at once, TSPLAY_DIFF_KEEP=1 keeps the
// output directories, TSPLAY_DIFF_ONLY=substring runs only matching cases.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  caseHash,
  diffLines,
  limiter,
  loadCases,
  normalizeOutput,
  parseRecap,
  recordingFile,
  runCaseFully,
  stackTraceIn,
  type Case,
  type CaseRecording,
  type CaseRuns,
  type Entry,
  type RecapCounts,
} from './harness.js';
import { installedAnsibleCore, readRecording, recordingProblem, versionProblem, type RecordedRun } from './recording.js';

interface Observed {
  code: number;
  recap: Record<string, RecapCounts>;
  files: Entry[];
  /** Tails of the output, for failure messages. */
  stdout: string;
  stderr: string;
  ms: number;
  /** The whole output, normalised (normalizeOutput). */
  output: string[];
  /** The +/- lines of its diffs (diffLines). */
  lines: string[];
  /** The first line of a stack trace in its output, if any. */
  trace?: string;
}

type Observations = CaseRuns<Observed>;

const LIVE = process.env.TSPLAY_DIFF_LIVE === '1';
const KEEP = process.env.TSPLAY_DIFF_KEEP === '1';
// One run per core: tsplay's start-up is CPU-bound (and ansible's more so, live).
const JOBS = Number(process.env.TSPLAY_DIFF_JOBS) || Math.max(1, Math.min(4, availableParallelism()));
const WAIT = 15 * 60_000;

const allCases = loadCases();
const only = process.env.TSPLAY_DIFF_ONLY;
const cases = only ? allCases.filter((c) => c.name.includes(only)) : allCases;
const inCI = process.env.CI === 'true';

const tail = (s: string, n = 4000) => (s.length > n ? '…' + s.slice(-n) : s);

/** What is compared of a run; its paths are already OUT and CASE. */
function observe(r: RecordedRun & { ms?: number }): Observed {
  return {
    code: r.code,
    recap: parseRecap(r.stdout),
    files: r.files,
    stdout: tail(r.stdout),
    stderr: tail(r.stderr),
    ms: r.ms ?? 0,
    output: normalizeOutput(r.stdout, 'OUT', 'CASE'),
    lines: diffLines(r.stdout, 'OUT'),
    trace: stackTraceIn(r.stdout + r.stderr),
  };
}

function observeAll(runs: CaseRuns<RecordedRun & { ms?: number }>): Observations {
  return { run1: observe(runs.run1), run2: observe(runs.run2), check: observe(runs.check), ...(runs.diff ? { diff: observe(runs.diff) } : {}) };
}

// ---------------------------------------------------------------- tsplay build

let buildPromise: Promise<void> | undefined;

/** Builds dist/ when it is older than its sources (test/build-if-stale.mjs, as `npm test` does first). */
function ensureBuilt(): Promise<void> {
  buildPromise ??= (async () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'test', 'build-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`the build failed (${r.status}):\n${tail(r.stdout + r.stderr, 3000)}`);
  })();
  return buildPromise;
}

// ---------------------------------------------------------------- running

let tmpRoot: string | undefined;
const outRoot = (): string => (tmpRoot ??= mkdtempSync(join(tmpdir(), 'tsplay-diff-')));
const schedule = limiter(JOBS);

/** Ansible's side: live, or from the case's recording (which must be current). */
async function ansibleSide(kase: Case): Promise<Observations> {
  if (LIVE) return observeAll(await runCaseFully(kase, 'ansible', outRoot(), schedule));
  const recording = readRecording<CaseRecording['runs']>(recordingFile(kase));
  const problem = recordingProblem(kase.name, recording, caseHash(kase));
  if (problem) throw new Error(problem);
  return observeAll(recording!.runs);
}

async function tsplaySide(kase: Case): Promise<Observations> {
  await ensureBuilt();
  return observeAll(await runCaseFully(kase, 'tsplay', outRoot(), schedule));
}

const results = new Map<string, Promise<{ ansible: Observations; tsplay: Observations }>>();
const summary: Record<string, { failures: string[]; details: unknown[]; tsplayMs: number }> = {};
const suiteStart = Date.now();

function startAll(): void {
  for (const kase of cases) {
    const both = Promise.all([ansibleSide(kase), tsplaySide(kase)]).then(([a, t]) => ({ ansible: a, tsplay: t }));
    both.catch(() => undefined);
    results.set(kase.name, both);
  }
}

function context(label: string, a: Observed, t: Observed): string {
  return [
    `${label}: ansible exit ${a.code}, tsplay exit ${t.code}`,
    `--- tsplay stderr ---\n${t.stderr}`,
    `--- tsplay stdout ---\n${t.stdout}`,
    `--- ansible stdout ---\n${a.stdout}`,
  ].join('\n');
}

/** A compact account of how two file snapshots differ, for the summary. */
function filesDelta(a: Entry[], t: Entry[]): unknown {
  const byPath = (es: Entry[]) => new Map(es.map((e) => [e.path, e]));
  const am = byPath(a);
  const tm = byPath(t);
  const cut = (s?: string) => (s !== undefined && s.length > 600 ? s.slice(0, 600) + '…' : s);
  return {
    onlyAnsible: a.filter((e) => !tm.has(e.path)).map((e) => e.path),
    onlyTsplay: t.filter((e) => !am.has(e.path)).map((e) => e.path),
    differ: a
      .filter((e) => tm.has(e.path) && JSON.stringify(e) !== JSON.stringify(tm.get(e.path)))
      .map((e) => ({ path: e.path, ansible: { ...e, content: cut(e.content) }, tsplay: { ...tm.get(e.path)!, content: cut(tm.get(e.path)!.content) } })),
  };
}

function setDelta(a: string[], t: string[]): unknown {
  return { onlyAnsible: a.filter((l) => !t.includes(l)), onlyTsplay: t.filter((l) => !a.includes(l)) };
}

/** Runs an assertion; on failure records it (and `detail()`) in the summary, then rethrows. */
function recorded(kase: Case, what: string, fn: () => void, detail?: () => unknown): void {
  try {
    fn();
  } catch (e) {
    summary[kase.name]?.failures.push(what);
    summary[kase.name]?.details.push({ what, ...(detail ? { detail: detail() } : {}) });
    throw e;
  }
}

function runDetail(a: Observed, t: Observed): unknown {
  return {
    ansible: { code: a.code, recap: a.recap },
    tsplay: { code: t.code, recap: t.recap, stderr: t.stderr.slice(-1500) },
  };
}

// ---------------------------------------------------------------- the tests

if (LIVE && !installedAnsibleCore()) {
  describe('differential suite, live', () => {
    it('needs ansible-playbook', () => {
      throw new Error('TSPLAY_DIFF_LIVE=1 runs ansible-playbook, which is not installed (install ansible-core)');
    });
  });
} else {
  beforeAll(() => {
    startAll();
  });

  afterAll(() => {
    if (tmpRoot && !KEEP) rmSync(tmpRoot, { recursive: true, force: true });
    else if (tmpRoot) console.log(`[differential] output kept in ${tmpRoot}`);
    try {
      const dir = join(ROOT, 'node_modules', '.cache', 'tsplay-differential');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'last-run.json'), JSON.stringify({ seconds: (Date.now() - suiteStart) / 1000, summary }, null, 2));
    } catch {
      // the summary is a convenience only
    }
  });

  if (!LIVE) {
    // Skipped only where ansible-core is not installed and CI is not set: the
    // comparisons themselves do not need it.
    const check = installedAnsibleCore() || inCI ? it : it.skip;
    check('the recordings (test/differential/recorded) were made by the installed ansible-core', () => {
      const stamps = new Map<string, string>();
      for (const kase of allCases) {
        const r = readRecording<unknown>(recordingFile(kase));
        if (r) stamps.set(kase.name, r.ansibleCore);
      }
      const problem = versionProblem(stamps);
      if (problem) throw new Error(problem);
    });
  }

  for (const kase of cases) {
    describe(kase.name, () => {
      summary[kase.name] = { failures: [], details: [], tsplayMs: 0 };
      const get = async () => {
        const r = await results.get(kase.name)!;
        const t = r.tsplay;
        summary[kase.name]!.tsplayMs = t.run1.ms + t.run2.ms + t.check.ms + (t.diff?.ms ?? 0);
        return r;
      };

      if (!LIVE) {
        it('ansible-playbook results recorded for this version of the case', () => {
          const problem = recordingProblem(kase.name, readRecording(recordingFile(kase)), caseHash(kase));
          if (problem) throw new Error(problem);
        });
      }

      for (const run of ['run1', 'run2'] as const) {
        const label = run === 'run1' ? 'first run' : 'second run';
        it(`${label}: exit code and recap`, async () => {
          const { ansible, tsplay } = await get();
          recorded(kase, `${label}: exit code/recap`, () =>
            expect({ code: tsplay[run].code, recap: tsplay[run].recap }, context(label, ansible[run], tsplay[run])).toEqual({
              code: ansible[run].code,
              recap: ansible[run].recap,
            }),
            () => runDetail(ansible[run], tsplay[run]),
          );
        }, WAIT);
        it(`${label}: produced files`, async () => {
          const { ansible, tsplay } = await get();
          recorded(kase, `${label}: files`, () =>
            expect(tsplay[run].files, context(label, ansible[run], tsplay[run])).toEqual(ansible[run].files),
            () => ({ ...filesDelta(ansible[run].files, tsplay[run].files) as object, tsplayExit: tsplay[run].code }),
          );
        }, WAIT);
      }

      if (kase.config.compareOutput) {
        for (const [run, label] of [['run1', 'first run'], ['run2', 'second run'], ['check', '--check']] as const) {
          it(`${label}: same text output (normalised)`, async () => {
            const { ansible, tsplay } = await get();
            recorded(kase, `${label}: output`, () =>
              expect(tsplay[run].output, context(label, ansible[run], tsplay[run])).toEqual(ansible[run].output),
              () => setDelta(ansible[run].output, tsplay[run].output),
            );
          }, WAIT);
        }
      }

      it('no JavaScript stack trace in any of its outputs', async () => {
        const { tsplay } = await get();
        const runs = [tsplay.run1, tsplay.run2, tsplay.check, ...(tsplay.diff ? [tsplay.diff] : [])];
        recorded(kase, 'stack trace', () => expect(runs.map((r) => r.trace ?? null)).toEqual(runs.map(() => null)));
      }, WAIT);

      it('--check: exit code and recap', async () => {
        const { ansible, tsplay } = await get();
        recorded(kase, '--check: exit code/recap', () =>
          expect({ code: tsplay.check.code, recap: tsplay.check.recap }, context('--check', ansible.check, tsplay.check)).toEqual({
            code: ansible.check.code,
            recap: ansible.check.recap,
          }),
          () => runDetail(ansible.check, tsplay.check),
        );
      }, WAIT);

      if (!kase.config.checkMayWrite) {
        it('--check: creates nothing', async () => {
          const { ansible, tsplay } = await get();
          recorded(kase, '--check: wrote files', () =>
            expect(tsplay.check.files, context('--check', ansible.check, tsplay.check)).toEqual([]),
            () => tsplay.check.files.map((e) => e.path),
          );
        }, WAIT);
      } else {
        it('--check: writes what ansible --check writes (check_mode: false tasks)', async () => {
          const { ansible, tsplay } = await get();
          recorded(kase, '--check: files', () =>
            expect(tsplay.check.files, context('--check', ansible.check, tsplay.check)).toEqual(ansible.check.files),
            () => filesDelta(ansible.check.files, tsplay.check.files),
          );
        }, WAIT);
      }

      if (kase.config.compareDiff) {
        it('--check --diff: same +/- lines', async () => {
          const { ansible, tsplay } = await get();
          recorded(kase, '--check --diff: lines', () =>
            expect(tsplay.diff!.lines, context('--check --diff', ansible.diff!, tsplay.diff!)).toEqual(ansible.diff!.lines),
            () => ({
              ...(setDelta(ansible.diff!.lines, tsplay.diff!.lines) as object),
              codes: [ansible.diff!.code, tsplay.diff!.code],
              stderr: tsplay.diff!.stderr.slice(-800),
            }),
          );
        }, WAIT);
      }
    });
  }
}
