// Runs a module the way the engine does (validated args, then plan-apply.ts:
// plan, and apply unless --check) against the local host, with controller files under a fixtures dir.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { LocalConnection } from '../../src/connection/local.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import type { FileDiff, Module, ModuleContext, ModuleResult } from '../../src/module-api/module-types.js';

/** One connection for every test of a file: one host agent, which ends with the worker (its stdin closes). */
let shared: LocalConnection | undefined;
function localhost(): LocalConnection {
  return (shared ??= new LocalConnection('localhost'));
}

export interface RunOptions {
  check?: boolean;
  diff?: boolean;
  /** Where controller files (files/, templates/) are looked up. */
  fixtures?: string;
  vars?: Record<string, unknown>;
}

export interface RunOutcome {
  changed: boolean;
  result: ModuleResult;
  diff?: FileDiff[];
}

export function makeContext<A>(args: A, options: RunOptions = {}): ModuleContext<A> {
  const fixtures = options.fixtures ?? tmpdir();
  const vars = options.vars ?? {};
  const env = new nunjucks.Environment(null, { autoescape: false, trimBlocks: true });
  return {
    args,
    host: 'localhost',
    conn: localhost(),
    check: options.check ?? false,
    diff: options.diff ?? false,
    task: { name: 'test', fileDir: fixtures, playbookDir: fixtures },
    vars,
    findFile(kind, name) {
      if (name.startsWith('/')) return name;
      for (const candidate of [join(fixtures, kind, name), join(fixtures, name)]) {
        if (existsSync(candidate)) return candidate;
      }
      throw new Error(`Could not find or access '${name}'`);
    },
    readFile: (path) => ({ data: readFileSync(path), mode: statSync(path).mode & 0o7777 }),
    renderTemplate: (text, extra) => env.renderString(text, { ...vars, ...extra }),
    evaluate: (expression) => env.renderString(`{{ ${expression} }}`, vars),
  };
}

/** Validate args like the engine, plan, and apply when not in check mode. */
export async function runModule(
  module: Module<any, any>,
  input: Record<string, unknown>,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const checked = checkArgs(module, input);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = makeContext(checked.args, options);
  const { plan, applied } = await planAndApply(module, ctx, options.check ?? false);
  if (!applied) return { changed: plan.changed, result: { ...plan.result, changed: plan.changed }, diff: plan.diff };
  const changed = applied.changed ?? plan.changed;
  return { changed, result: { ...applied.result, changed }, diff: applied.diff ?? plan.diff };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'tsplay-mod-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
