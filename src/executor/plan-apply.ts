// How a module's work is run, in one place for the engine and the module tests:
// the plan alone in check mode; in a real run the plan and then, if it has
// changes, apply, or both in one step where the module offers planAndApply.
import type { Applied, Module, ModuleContext, Plan } from '../module-api/module-types.js';
import { runSteps } from '../host/run.js';

export interface Planned {
  plan: Plan;
  /** Present when the real run made the plan's changes. */
  applied?: Applied;
}

export async function planAndApply(module: Module<any, any>, ctx: ModuleContext<any>, check: boolean): Promise<Planned> {
  if (check) return { plan: await module.plan(ctx) };
  const prepared = module.prepare?.(ctx) ?? [];
  if (prepared.length > 0) await runSteps(ctx.conn, prepared);
  const combined = module.planAndApply ? await module.planAndApply(ctx) : undefined;
  const plan: Plan = combined?.plan ?? (await module.plan(ctx));
  if (!plan.changed) return { plan };
  if (combined?.applied) return { plan, applied: combined.applied };
  if (module.apply) return { plan, applied: await module.apply(ctx, plan) };
  if (plan.steps) return { plan, applied: await applySteps(ctx, plan) };
  return { plan };
}

/** The default apply of a plan made of steps: run them in one round trip; the result is the plan's. */
async function applySteps(ctx: ModuleContext<any>, plan: Plan): Promise<Applied> {
  await runSteps(ctx.conn, plan.steps ?? []);
  return { result: { ...plan.result, changed: true } };
}
