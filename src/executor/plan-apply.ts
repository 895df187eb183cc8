// How a module's work is run, in one place for the engine and the module tests:
// the plan alone in check mode; in a real run the plan and then, if it has
// changes, apply, or both in one step where the module offers planAndApply.
import type { Applied, Module, ModuleContext, Plan } from '../module-types.js';

export interface Planned {
  plan: Plan;
  /** Present when the real run made the plan's changes. */
  applied?: Applied;
}

export async function planAndApply(module: Module<any, any>, ctx: ModuleContext<any>, check: boolean): Promise<Planned> {
  if (check) return { plan: await module.plan(ctx) };
  const combined = module.planAndApply ? await module.planAndApply(ctx) : undefined;
  const plan: Plan = combined?.plan ?? (await module.plan(ctx));
  if (!plan.changed || !module.apply) return { plan };
  return { plan, applied: combined?.applied ?? (await module.apply(ctx, plan)) };
}
