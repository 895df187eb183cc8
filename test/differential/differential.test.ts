// The differential suite: every case under cases/ is run with ansible-playbook and
// with tsplay (local connection), and what they did must agree: exit code, recap
// counts and the files produced, on a first and on a second (idempotent) run; the
// recap of a --check run, which must leave its output directory untouched; and,
// for cases flagged compareDiff, the +/- lines of a --check --diff run.
//
// Ansible's results are cached (keyed by the case's files, the run and the
// ansible-playbook version) in node_modules/.cache/tsplay-differential, so only
// the first run of the suite pays for ansible; TSPLAY_DIFF_NO_CACHE=1 disables it.
// TSPLAY_DIFF_JOBS sets how many runs go at once, TSPLAY_DIFF_KEEP=1 keeps the
// output directories, TSPLAY_DIFF_ONLY=substring runs only matching cases.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  ansibleAvailable,
  diffLines,
  limiter,
  loadCases,
  newestMtime,
  normalizeOutput,
  parseRecap,
  runCase,
  snapshot,
  type Case,
  type Entry,
  type RecapCounts,
  type RunResult,
  type Tool,
} from './harness.js';

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
}

interface DiffObserved extends Observed {
  lines: string[];
}

interface ToolResults {
  run1: Observed;
  run2: Observed;
  check: Observed;
  diff?: DiffObserved;
}

const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'tsplay-differential');
const USE_CACHE = process.env.TSPLAY_DIFF_NO_CACHE !== '1';
const KEEP = process.env.TSPLAY_DIFF_KEEP === '1';
// One run per core: ansible is CPU-bound, and oversubscribing 2 cores doubled the cold run time.
const JOBS = Number(process.env.TSPLAY_DIFF_JOBS) || Math.max(1, Math.min(4, availableParallelism()));
const WAIT = 15 * 60_000;

const allCases = loadCases();
const only = process.env.TSPLAY_DIFF_ONLY;
const cases = only ? allCases.filter((c) => c.name.includes(only)) : allCases;
const haveAnsible = ansibleAvailable();
const inCI = process.env.CI === 'true';

const tail = (s: string, n = 4000) => (s.length > n ? '…' + s.slice(-n) : s);

function observe(r: RunResult, out: string, caseDir: string): Observed {
  const norm = (s: string) => s.split(out).join('OUT');
  return {
    output: normalizeOutput(r.stdout, out, caseDir),
    code: r.timedOut ? -2 : r.code,
    recap: parseRecap(r.stdout),
    files: snapshot(out),
    stdout: tail(norm(r.stdout)),
    stderr: tail(norm(r.stderr)),
    ms: r.ms,
  };
}

// ---------------------------------------------------------------- tsplay build

let buildPromise: Promise<string | undefined> | undefined;

/** Builds dist/ (as `npm run build`) when a source is newer than the bundle the CLI runs; resolves to an error text when the build fails. */
function ensureBuilt(): Promise<string | undefined> {
  buildPromise ??= (async () => {
    const bundle = join(ROOT, 'dist', 'bundle', 'tsplay.cjs');
    const newest = Math.max(newestMtime(join(ROOT, 'src'), ['.ts']), newestMtime(join(ROOT, 'modules'), ['.ts']));
    if (existsSync(bundle) && statSync(bundle).mtimeMs >= newest) return undefined;
    const steps = [
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      [join(ROOT, 'dist', 'src', 'build-validators.js')],
      [join(ROOT, 'dist', 'src', 'build-bundle.js')],
    ];
    for (const args of steps) {
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
      if (r.status !== 0) return `${args.join(' ')} failed (${r.status}):\n${tail(r.stdout + r.stderr, 3000)}`;
    }
    return undefined;
  })();
  return buildPromise;
}

// ---------------------------------------------------------------- ansible cache

let ansibleVersion: string | undefined;
/** Bump the version below when what is cached changes shape or normalisation (normalizeOutput). */
function cacheKey(kase: Case, kind: string): string {
  ansibleVersion ??= spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const h = createHash('sha256');
  h.update(`v4\0${ansibleVersion}\0${kind}\0${JSON.stringify(kase.config)}\0`);
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${relative(kase.dir, p)}\0${(st.mode & 0o777).toString(8)}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(kase.dir);
  return join(CACHE_DIR, `${kase.name}.${kind}.${h.digest('hex').slice(0, 16)}.json`);
}

async function cached<T>(tool: Tool, kase: Case, kind: string, compute: () => Promise<T>): Promise<T> {
  if (tool !== 'ansible' || !USE_CACHE) return compute();
  const file = cacheKey(kase, kind);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const value = await compute();
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(value));
  return value;
}

// ---------------------------------------------------------------- running

let tmpRoot: string | undefined;
const outRoot = (): string => (tmpRoot ??= mkdtempSync(join(tmpdir(), 'tsplay-diff-')));
const schedule = limiter(JOBS);

function freshDir(kase: Case, tool: Tool, kind: string): string {
  const d = join(outRoot(), kase.name, `${tool}-${kind}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** A failed build stands in for every tsplay run. */
function buildFailure(message: string): Observed {
  return { code: -3, recap: {}, files: [], stdout: '', stderr: message, ms: 0, output: [message] };
}

function runTool(kase: Case, tool: Tool): Promise<ToolResults> {
  const prepare = async (): Promise<string | undefined> => (tool === 'tsplay' ? ensureBuilt() : undefined);

  const sequence = cached(tool, kase, 'runs', () =>
    schedule(async () => {
      const err = await prepare();
      if (err) return { run1: buildFailure(err), run2: buildFailure(err) };
      const out = freshDir(kase, tool, 'runs');
      const run1 = observe(await runCase({ tool, kase, out }), out, kase.dir);
      const run2 = observe(await runCase({ tool, kase, out }), out, kase.dir);
      return { run1, run2 };
    }),
  );
  const check = cached(tool, kase, 'check', () =>
    schedule(async () => {
      const err = await prepare();
      if (err) return buildFailure(err);
      const out = freshDir(kase, tool, 'check');
      return observe(await runCase({ tool, kase, out, extra: ['--check'] }), out, kase.dir);
    }),
  );
  const diff = kase.config.compareDiff
    ? cached(tool, kase, 'diff', () =>
        schedule(async (): Promise<DiffObserved> => {
          const err = await prepare();
          if (err) return { ...buildFailure(err), lines: [] };
          const out = freshDir(kase, tool, 'diff');
          const r = await runCase({ tool, kase, out, extra: ['--check', '--diff'] });
          return { ...observe(r, out, kase.dir), lines: diffLines(r.stdout, out) };
        }),
      )
    : Promise.resolve(undefined);
  return Promise.all([sequence, check, diff]).then(([s, c, d]) => ({ ...s, check: c, diff: d }));
}

const results = new Map<string, Promise<{ ansible: ToolResults; tsplay: ToolResults }>>();
const summary: Record<string, { failures: string[]; details: unknown[]; ansibleMs: number; tsplayMs: number }> = {};
const suiteStart = Date.now();

function startAll(): void {
  for (const kase of cases) {
    const ansible = runTool(kase, 'ansible');
    const tsplay = runTool(kase, 'tsplay');
    const both = Promise.all([ansible, tsplay]).then(([a, t]) => ({ ansible: a, tsplay: t }));
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

if (!haveAnsible) {
  if (inCI) {
    describe('differential suite', () => {
      it('needs ansible-playbook (CI=true)', () => {
        throw new Error('ansible-playbook is not installed, but CI=true: the differential suite cannot be skipped in CI');
      });
    });
  } else {
    console.warn('[differential] ansible-playbook is not installed: skipping the differential suite (install ansible-core to run it)');
    describe.skip('differential suite (ansible-playbook not installed)', () => {
      it('skipped', () => undefined);
    });
  }
} else {
  beforeAll(() => {
    startAll();
  });

  afterAll(() => {
    if (tmpRoot && !KEEP) rmSync(tmpRoot, { recursive: true, force: true });
    else if (tmpRoot) console.log(`[differential] output kept in ${tmpRoot}`);
    try {
      mkdirSync(CACHE_DIR, { recursive: true });
      writeFileSync(join(CACHE_DIR, 'last-run.json'), JSON.stringify({ seconds: (Date.now() - suiteStart) / 1000, summary }, null, 2));
    } catch {
      // the summary is a convenience only
    }
  });

  for (const kase of cases) {
    describe(kase.name, () => {
      summary[kase.name] = { failures: [], details: [], ansibleMs: 0, tsplayMs: 0 };
      const get = async () => {
        const r = await results.get(kase.name)!;
        const s = summary[kase.name]!;
        s.ansibleMs = r.ansible.run1.ms + r.ansible.run2.ms + r.ansible.check.ms + (r.ansible.diff?.ms ?? 0);
        s.tsplayMs = r.tsplay.run1.ms + r.tsplay.run2.ms + r.tsplay.check.ms + (r.tsplay.diff?.ms ?? 0);
        return r;
      };

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
