// copy and template in a real run plan and write in one round trip (the host
// agent's conditional put, copy-core's planAndWrite). That shortcut must decide
// exactly as the plan does: every case here runs three ways on identical files,
// --check (plan only), one step (as the engine runs it) and two steps (plan,
// then apply, as without the shortcut), and compares what each reported and
// what each left on disk.
import { appendFileSync, chmodSync, cpSync, lstatSync, renameSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import blockinfile from '../../modules/blockinfile.js';
import copy from '../../modules/copy.js';
import lineinfile from '../../modules/lineinfile.js';
import replace from '../../modules/replace.js';
import template from '../../modules/template.js';
import type { Connection } from '../../src/connection/connection.js';
import type { HostAgent } from '../../src/connection/host-agent.js';
import { LocalConnection } from '../../src/connection/local.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import type { Module, ModuleContext } from '../../src/module-api/module-types.js';
import { PUT_INLINE_LIMIT } from '../../src/file-ops/copy-core.js';
import { makeContext, runModule, tempDir } from './module-harness.js';
import { planAndApply } from '../../src/executor/plan-apply.js';

let root: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir: root, cleanup } = tempDir('tsplay-put-'));
});
afterAll(() => cleanup());

interface Case {
  name: string;
  module: Module<any, any>;
  /** Options; DIR in a string stands for the case's directory. */
  args: Record<string, unknown>;
  /** Prepare the case's directory (the same for every way of running it). */
  setup?: (d: string) => void;
  /** Why --check predicts a change where the real run fails (as Ansible does). */
  checkPredictsChange?: string;
}

const seeded = (content: string, mode = 0o644) => (d: string) => {
  writeFileSync(join(d, 'dest'), content);
  chmodSync(join(d, 'dest'), mode);
};

const cases: Case[] = [
  { name: 'copy content to a new file', module: copy, args: { content: 'new\n', dest: 'DIR/dest' } },
  { name: 'copy content with a mode', module: copy, args: { content: 'new\n', dest: 'DIR/dest', mode: '0600' } },
  { name: 'copy the same content', module: copy, args: { content: 'same\n', dest: 'DIR/dest' }, setup: seeded('same\n') },
  { name: 'copy other content', module: copy, args: { content: 'new\n', dest: 'DIR/dest' }, setup: seeded('old\n', 0o640) },
  { name: 'copy the same content, other mode', module: copy, args: { content: 'same\n', dest: 'DIR/dest', mode: '0600' }, setup: seeded('same\n') },
  { name: 'copy with backup', module: copy, args: { content: 'new\n', dest: 'DIR/dest', backup: true }, setup: seeded('old\n') },
  { name: 'copy a file into a directory', module: copy, args: { src: 'FIX/src.txt', dest: 'DIR/sub' }, setup: (d) => mkdirSync(join(d, 'sub')) },
  { name: 'copy content to a directory fails', module: copy, args: { content: 'x', dest: 'DIR/sub' }, setup: (d) => mkdirSync(join(d, 'sub')) },
  {
    name: 'copy with a missing parent fails',
    module: copy,
    args: { content: 'x', dest: 'DIR/missing/dest' },
    checkPredictsChange: 'in check mode an earlier task may be about to create the directory',
  },
  {
    name: 'copy through a symlink to a file',
    module: copy,
    args: { content: 'new\n', dest: 'DIR/link' },
    setup: (d) => {
      seeded('old\n')(d);
      symlinkSync('dest', join(d, 'link'));
    },
  },
  { name: 'copy over a dangling symlink', module: copy, args: { content: 'new\n', dest: 'DIR/link' }, setup: (d) => symlinkSync('nowhere', join(d, 'link')) },
  { name: 'copy a symbolic mode', module: copy, args: { content: 'new\n', dest: 'DIR/dest', mode: 'u=rw,go=' }, setup: seeded('old\n') },
  { name: 'copy large content', module: copy, args: { content: 'y'.repeat(PUT_INLINE_LIMIT + 1), dest: 'DIR/dest' }, setup: seeded('old\n') },
  { name: 'template to a new file', module: template, args: { src: 'FIX/t.j2', dest: 'DIR/dest' } },
  { name: 'template unchanged', module: template, args: { src: 'FIX/t.j2', dest: 'DIR/dest' }, setup: seeded('name=web\n') },
  { name: 'template changed, mode', module: template, args: { src: 'FIX/t.j2', dest: 'DIR/dest', mode: '0640' }, setup: seeded('name=db\n') },
];

/** A connection that counts round trips: shell commands and host agent requests. */
function counting(conn: LocalConnection): { conn: Connection; trips: () => number } {
  let trips = 0;
  let proxy: HostAgent | undefined;
  // One proxy for the host's one agent: what the run remembers of files is kept per agent.
  const agent = async (): Promise<HostAgent | undefined> => {
    const real = await conn.agent();
    if (!real) return undefined;
    return (proxy ??= new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (prop === 'probe' || prop === 'write' || prop === 'put') trips++;
          return value.apply(target, args);
        };
      },
    }));
  };
  const counted: Connection = {
    host: conn.host,
    exec: (command, options) => {
      trips++;
      return conn.exec(command, options);
    },
    agent,
    close: async () => undefined,
  };
  return { conn: counted, trips: () => trips };
}

/** Every entry of a directory, with type, mode, content or link target. */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(d, { recursive: true }) as string[]) {
    const p = join(d, name);
    const st = lstatSync(p);
    const shown = name.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<backup>');
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[shown] = `link -> ${readlinkSync(p)}`;
    else if (st.isDirectory()) out[shown] = `dir ${mode}`;
    else out[shown] = `file ${mode} ${readFileSync(p, 'utf8').slice(0, 40)}`;
  }
  return out;
}

describe('copy and template in one round trip decide as the plan does', () => {
  let fixtures: string;
  let local: LocalConnection;
  beforeAll(() => {
    fixtures = join(root, 'fixtures');
    mkdirSync(fixtures);
    writeFileSync(join(fixtures, 'src.txt'), 'from a file\n');
    writeFileSync(join(fixtures, 't.j2'), 'name={{ name }}\n');
    local = new LocalConnection('localhost');
  });
  afterAll(() => local.close());

  it.each(cases)('$name', async (c) => {
    const outcomes: Record<string, unknown>[] = [];
    const trees: Record<string, string>[] = [];
    for (const way of ['check', 'one step', 'two steps'] as const) {
      const d = join(root, `${c.name.replace(/\W+/g, '-')}-${way.replace(' ', '-')}`);
      mkdirSync(d);
      c.setup?.(d);
      const args = JSON.parse(JSON.stringify(c.args).replaceAll('DIR', d).replaceAll('FIX', fixtures)) as Record<string, unknown>;
      const options = { check: way === 'check', diff: true, fixtures, vars: { name: 'web' } };
      const outcome = await (way === 'two steps' ? planThenApply(c.module, args, options) : runModule(c.module, args, options)).then(
        (r) => ({ changed: r.changed, result: r.result, diff: r.diff }),
        (e: Error) => ({ failed: e.message }),
      );
      outcomes.push(JSON.parse(JSON.stringify(outcome).replaceAll(d, 'DIR').replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.<backup>')));
      trees.push(snapshot(d));
      if (way === 'check') expect(trees[0]).toEqual(snapshotAfterSetup(c));
    }
    const [check, oneStep, twoSteps] = outcomes as Array<{ changed?: boolean; diff?: unknown; failed?: string }>;
    expect(oneStep).toEqual(twoSteps);
    expect(trees[1]).toEqual(trees[2]);
    // --check predicts the real run: the same change, the same diff (or the same failure).
    if (c.checkPredictsChange) {
      expect(check!.changed).toBe(true);
      expect(oneStep!.failed).toMatch(/does not exist/);
    } else if (check!.failed === undefined) {
      expect(check!.changed).toBe(oneStep!.changed);
      expect(check!.diff).toEqual(oneStep!.diff);
    } else expect(oneStep!.failed).toBe(check!.failed);
  });

  function snapshotAfterSetup(c: Case): Record<string, string> {
    const d = join(root, `${c.name.replace(/\W+/g, '-')}-setup`);
    mkdirSync(d, { recursive: true });
    c.setup?.(d);
    return snapshot(d);
  }

  async function planThenApply(module: Module<any, any>, input: Record<string, unknown>, options: Parameters<typeof makeContext>[1]) {
    const checked = checkArgs(module, input);
    if (!checked.ok) throw new Error(checked.errors.join('; '));
    const ctx: ModuleContext<unknown> = makeContext(checked.args, options);
    const plan = await module.plan(ctx);
    if (!plan.changed) return { changed: false, result: { ...plan.result, changed: false }, diff: plan.diff };
    const applied = await module.apply!(ctx, plan);
    return { changed: true, result: { ...applied.result, changed: true }, diff: applied.diff ?? plan.diff };
  }

  it('a changing file costs one round trip, an unchanged one too; attributes alone take a second', async () => {
    const d = join(root, 'trips');
    mkdirSync(d);
    const { conn, trips } = counting(local);
    const run = async (args: Record<string, unknown>) => {
      const checked = checkArgs(copy, args);
      if (!checked.ok) throw new Error(checked.errors.join('; '));
      const before = trips();
      const ctx: ModuleContext<any> = { ...makeContext(checked.args, { diff: true }), conn };
      const combined = (await copy.planAndApply!(ctx))!;
      return { changed: combined.plan.changed, applied: combined.applied !== undefined, trips: trips() - before };
    };
    expect(await run({ content: 'a\n', dest: join(d, 'f') })).toEqual({ changed: true, applied: true, trips: 1 });
    expect(await run({ content: 'b\n', dest: join(d, 'f') })).toEqual({ changed: true, applied: true, trips: 1 });
    expect(await run({ content: 'b\n', dest: join(d, 'f') })).toEqual({ changed: false, applied: false, trips: 1 });
    // Same content, other mode: the agent leaves the file alone, the plan's attribute change is applied after.
    expect(await run({ content: 'b\n', dest: join(d, 'f'), mode: '0600' })).toEqual({ changed: true, applied: false, trips: 1 });
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('b\n');
  });

  it('a host without an agent plans here and writes in apply', async () => {
    const d = join(root, 'no-agent');
    mkdirSync(d);
    const shellOnly: Connection = { host: 'localhost', exec: (c, o) => local.exec(c, o), close: async () => undefined };
    const checked = checkArgs(copy, { content: 'x\n', dest: join(d, 'f') });
    if (!checked.ok) throw new Error('bad args');
    const ctx: ModuleContext<any> = { ...makeContext(checked.args), conn: shellOnly };
    const combined = (await copy.planAndApply!(ctx))!;
    expect(combined.plan.changed).toBe(true);
    expect(combined.applied).toBeUndefined();
    expect(readdirSync(d)).toEqual([]);
  });

  it('copies a controller directory tree the usual way', async () => {
    const d = join(root, 'tree');
    cpSync(fixtures, join(root, 'tree-src'), { recursive: true });
    const r = await runModule(copy, { src: join(root, 'tree-src') + '/', dest: d + '/' });
    expect(r.changed).toBe(true);
    expect(readFileSync(join(d, 'src.txt'), 'utf8')).toBe('from a file\n');
  });
});

describe('edits of a file the run already knows go in one round trip, decided as the plan does', () => {
  interface Step {
    module: Module<any, any>;
    args: Record<string, unknown>;
    /** Someone else changes the file before this step (the run's memory of it is then wrong). */
    meddle?: (conf: string) => void;
    /** Round trips this step may take in a real run with the agent. */
    trips: number;
  }
  const steps: Step[] = [
    { module: lineinfile, args: { line: 'one=1', create: true }, trips: 3 },
    { module: lineinfile, args: { line: 'two=2' }, trips: 1 },
    { module: blockinfile, args: { block: 'inside\nthe block' }, trips: 1 },
    { module: replace, args: { regexp: '^two=.*$', replace: 'two=22' }, trips: 1 },
    { module: lineinfile, args: { line: 'three=3' }, meddle: (f) => appendFileSync(f, 'extra\n'), trips: 2 },
    { module: lineinfile, args: { line: 'four=4', mode: '0644' }, meddle: (f) => chmodSync(f, 0o600), trips: 2 },
    { module: lineinfile, args: { line: 'one=1', state: 'absent', backup: true }, trips: 1 },
    { module: lineinfile, args: { line: 'four=4' }, trips: 1 },
    {
      module: lineinfile,
      args: { line: 'five=5' },
      meddle: (f) => {
        renameSync(f, `${f}.real`);
        symlinkSync('conf.real', f);
      },
      trips: 5,
    },
    // A symlinked file is not remembered: probe the link, resolve it, probe the file it names.
    { module: blockinfile, args: { block: 'inside\nthe block' }, trips: 3 },
  ];

  it('an edit right after a copy of the same file takes one round trip', async () => {
    const local = new LocalConnection('localhost');
    const { conn, trips } = counting(local);
    const f = join(root, 'copy-then-edit');
    const ctxFor = (module: Module<any, any>, args: Record<string, unknown>): ModuleContext<any> => {
      const checked = checkArgs(module, args);
      if (!checked.ok) throw new Error(checked.errors.join('; '));
      return { ...makeContext(checked.args, { diff: true }), conn };
    };
    try {
      await planAndApply(copy, ctxFor(copy, { content: 'a=1\n', dest: f }), false);
      const before = trips();
      const { plan, applied } = await planAndApply(lineinfile, ctxFor(lineinfile, { path: f, line: 'b=2' }), false);
      expect(trips() - before).toBe(1);
      expect(plan.changed).toBe(true);
      expect(applied?.result).toMatchObject({ msg: 'line added', backup: '' });
      expect(readFileSync(f, 'utf8')).toBe('a=1\nb=2\n');
    } finally {
      await local.close();
    }
  });

  it('runs a sequence of edits alike in one step and in two, and --check predicts each', async () => {
    const local = new LocalConnection('localhost');
    const dirs = { one: join(root, 'edits-one'), two: join(root, 'edits-two') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    const { conn, trips } = counting(local);
    const norm = (v: unknown, d: string) =>
      JSON.parse(JSON.stringify(v).replaceAll(d, 'DIR').replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.<backup>'));
    try {
      for (const [i, step] of steps.entries()) {
        const outcomes: Record<string, unknown> = {};
        for (const [way, d] of Object.entries(dirs)) {
          const conf = join(d, 'conf');
          step.meddle?.(conf);
          const checked = checkArgs(step.module, { ...step.args, path: conf });
          if (!checked.ok) throw new Error(checked.errors.join('; '));
          // --check first, on a copy of the directory as it is now.
          const checkDir = join(root, `edits-check-${way}-${i}`);
          cpSync(d, checkDir, { recursive: true, verbatimSymlinks: true });
          const checkCtx: ModuleContext<any> = { ...makeContext(JSON.parse(JSON.stringify(checked.args).replaceAll(d, checkDir)), { check: true, diff: true }), conn: local };
          const predicted = await step.module.plan(checkCtx);
          const ctx: ModuleContext<any> = { ...makeContext(checked.args, { diff: true }), conn: way === 'one' ? conn : local };
          const before = trips();
          let plan;
          let applied;
          if (way === 'one') ({ plan, applied } = await planAndApply(step.module, ctx, false));
          else {
            plan = await step.module.plan(ctx);
            applied = plan.changed ? await step.module.apply!(ctx, plan) : undefined;
          }
          if (way === 'one') expect(trips() - before, `round trips of step ${i}`).toBeLessThanOrEqual(step.trips);
          const outcome = { changed: plan.changed, result: applied?.result ?? plan.result, diff: applied?.diff ?? plan.diff };
          expect(predicted.changed, `--check of step ${i}`).toBe(plan.changed);
          expect(norm(predicted.diff, checkDir), `--check diff of step ${i}`).toEqual(norm(plan.diff, d));
          outcomes[way] = norm(outcome, d);
        }
        expect(outcomes.one, `step ${i}`).toEqual(outcomes.two);
        expect(snapshot(dirs.one), `files after step ${i}`).toEqual(snapshot(dirs.two));
      }
      const final = readFileSync(join(dirs.one, 'conf.real'), 'utf8');
      expect(final).toBe('two=22\n# BEGIN ANSIBLE MANAGED BLOCK\ninside\nthe block\n# END ANSIBLE MANAGED BLOCK\nextra\nthree=3\nfour=4\nfive=5\n');
      expect((lstatSync(join(dirs.one, 'conf.real')).mode & 0o777).toString(8)).toBe('644');
    } finally {
      await local.close();
    }
  });
});
