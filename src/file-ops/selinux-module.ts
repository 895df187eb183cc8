// Adds SELinux context handling to a file-like module (file, copy, template,
// assemble, unarchive, lineinfile...): after the module's own plan, one more
// probe (only when the task gives seuser/serole/setype/selevel) says whether the
// path's context changes; apply runs the module's change, then `chcon` (a module
// made of steps gets it as its last step; one that changes the host only in
// planAndApply, as unarchive, has it set after). A task without those options
// runs the module untouched.
import type { Applied, Module, ModuleContext, ModuleResult, Plan } from '../module-api/module-types.js';
import { mustRun } from '../host/run.js';
import { raw } from '../host/shell.js';
import { dictDiff } from './file-attributes.js';
import { contextWork, probeSelinux, selinuxSpec, type ContextWork, type SelinuxSpec } from './selinux-context.js';

export interface SelinuxTarget {
  path: string;
  /** Read and set the context of what a symlink points to (else of the link itself). */
  follow?: boolean;
}

export interface SelinuxOptions {
  /** The text Ansible adds to `msg` when attributes changed (lineinfile's family). */
  attrsMessage?: string;
}

interface Extra {
  inner: Plan<unknown>;
  work: ContextWork;
}

/** What apply needs beyond the plan the engine hands back (the module's own plan, the chcon). */
const extras = new WeakMap<object, Extra>();

/** The module's diff with Ansible's `secontext` before/after added (a dict diff), or one of its own. */
function withContextDiff(plan: Plan<unknown>, path: string, work: ContextWork) {
  if (!work.before || !work.after) return plan.diff;
  const diffs = plan.diff ?? [];
  // A dict diff (file's, or copy's of attributes) has no headers; a content diff has.
  const only = diffs.length === 1 ? diffs[0]! : undefined;
  const dict = only && !only.prepared && !only.after_header ? parseDict(only.before, only.after) : undefined;
  if (dict) return [dictDiff({ ...dict.before, secontext: work.before }, { ...dict.after, secontext: work.after })];
  if (diffs.length > 0) return diffs;
  return [dictDiff({ path, secontext: work.before }, { path, secontext: work.after })];
}

function parseDict(before: string, after: string) {
  try {
    const b = JSON.parse(before) as unknown;
    const a = JSON.parse(after) as unknown;
    const isDict = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
    return isDict(b) && isDict(a) ? { before: b, after: a } : undefined;
  } catch {
    return undefined;
  }
}

function withMessage(result: ModuleResult | undefined, message: string | undefined): ModuleResult {
  const r = { ...result };
  if (message === undefined || (typeof r.msg === 'string' && r.msg.includes(message))) return r;
  r.msg = typeof r.msg === 'string' && r.msg !== '' ? `${r.msg} and ${message}` : message;
  return r;
}

/** `module` with its SELinux options applied; `targetOf` names the path (undefined: none, e.g. state=absent). */
export function withSelinuxContext<A extends object, S>(
  module: Module<A, S>,
  targetOf: (args: A, plan: Plan<S>) => SelinuxTarget | undefined,
  options: SelinuxOptions = {},
): Module<A, S> {
  /** A change already made (planAndApply): set the context of what it left, and say so. */
  async function contextAfter(ctx: ModuleContext<A>, done: { plan: Plan<S>; applied?: Applied }, spec: SelinuxSpec) {
    const target = targetOf(ctx.args, done.plan);
    if (!target) return done;
    const work = contextWork(await probeSelinux(ctx.conn, target.path, target.follow), spec, target.path, { follow: target.follow });
    if (!work?.command) return done;
    await mustRun(ctx.conn, raw(work.command));
    const result = withMessage(done.applied?.result ?? done.plan.result, options.attrsMessage);
    return { plan: { ...done.plan, changed: true }, applied: { ...done.applied, result: { ...result, changed: true }, changed: true } };
  }
  return {
    ...module,
    planAndApply:
      module.planAndApply &&
      (async (ctx) => {
        const spec = selinuxSpec(ctx.args);
        if (!spec) return module.planAndApply!(ctx);
        // The context is decided from the state before the change: plan first, then apply...
        if (module.apply) return undefined;
        // ...unless the module changes the host only here (unarchive): then the context after it.
        const combined = await module.planAndApply!(ctx);
        return combined && contextAfter(ctx, combined, spec);
      }),
    async plan(ctx) {
      const inner = await module.plan(ctx);
      const spec = selinuxSpec(ctx.args);
      const target = spec && targetOf(ctx.args, inner);
      if (!spec || !target) return inner;
      const probed = await probeSelinux(ctx.conn, target.path, target.follow);
      const work = contextWork(probed, spec, target.path, { follow: target.follow, rewritten: inner.changed });
      if (!work) return inner;
      const changed = inner.changed || work.changed;
      const result = work.changed ? withMessage(inner.result, options.attrsMessage) : inner.result;
      const plan: Plan<S> = { ...inner, changed, result: { ...result, changed }, diff: withContextDiff(inner, target.path, work) };
      // A module made of steps gets chcon as one more step (the same round trip); one with apply runs it after.
      if (!module.apply) {
        const chcon = work.command ? [{ summary: `set the SELinux context of ${target.path}`, command: raw(work.command) }] : [];
        return { ...plan, steps: [...(inner.changed ? (inner.steps ?? []) : []), ...chcon] };
      }
      extras.set(plan, { inner, work });
      return plan;
    },
    ...(module.apply && {
      async apply(ctx: ModuleContext<A>, plan: Plan<S>): Promise<Applied> {
        const extra = extras.get(plan);
        if (!extra) return module.apply!(ctx, plan);
        const inner = extra.inner as Plan<S>;
        const applied: Applied = inner.changed ? await module.apply!(ctx, inner) : { result: { ...plan.result } };
        if (extra.work.command) await mustRun(ctx.conn, raw(extra.work.command));
        const result = extra.work.changed ? withMessage(applied.result, options.attrsMessage) : applied.result;
        return { ...applied, result, changed: (applied.changed ?? true) || extra.work.changed };
      },
    }),
  };
}

/** The file a copy-like module wrote (its result's dest), unless that is a directory tree (dest/). */
export function destOf(plan: Plan<unknown>, args: object): SelinuxTarget | undefined {
  const dest = plan.result?.dest;
  if (typeof dest !== 'string' || dest.endsWith('/')) return undefined;
  return { path: dest, follow: (args as { follow?: boolean }).follow === true };
}
