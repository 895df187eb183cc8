// A minimal engine for lineinfile/blockinfile/replace tests: validated args,
// plan, then apply unless check mode (src/executor/plan-apply.ts, as the engine), against the local host in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { ModuleFailure, type FileDiff, type Module, type ModuleContext, type ModuleResult } from '../../src/module-api/module-types.js';

/** One connection for every test of a file: one host agent, which ends with the worker (its stdin closes). */
let shared: LocalConnection | undefined;
function localhost(): LocalConnection {
  return (shared ??= new LocalConnection('localhost'));
}

export interface LineRun {
  changed: boolean;
  result: ModuleResult;
  diff: FileDiff[];
}

function context<A>(args: A, check: boolean, diff: boolean): ModuleContext<A> {
  const unused = (): never => {
    throw new Error('not available in line-harness');
  };
  return {
    args,
    host: 'localhost',
    conn: localhost(),
    check,
    diff,
    task: { name: 'test', fileDir: tmpdir(), playbookDir: tmpdir() },
    vars: {},
    findFile: unused,
    readFile: unused,
    renderTemplate: unused,
    evaluate: unused,
  };
}

/** Run like the engine; a ModuleFailure becomes a failed result with its extras. */
export async function run(
  module: Module<any, any>,
  input: Record<string, unknown>,
  options: { check?: boolean; diff?: boolean } = {},
): Promise<LineRun> {
  const checked = checkArgs(module, input);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = context(checked.args, options.check ?? false, options.diff ?? true);
  try {
    const { plan, applied } = await planAndApply(module, ctx, options.check ?? false);
    if (!applied) return { changed: plan.changed, result: { ...plan.result, changed: plan.changed }, diff: plan.diff ?? [] };
    const changed = applied.changed ?? plan.changed;
    return { changed, result: { ...applied.result, changed }, diff: applied.diff ?? plan.diff ?? [] };
  } catch (e) {
    if (!(e instanceof ModuleFailure)) throw e;
    return { changed: false, result: { ...e.result, failed: true, msg: e.message }, diff: [] };
  }
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-line-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
