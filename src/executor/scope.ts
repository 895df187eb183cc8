// The chain of blocks, roles and includes around a task, and the settings a
// task ends up with once everything it inherits is folded in.
import type { Inherited, RoleInstance, Task } from '../playbook/types.js';

/** One enclosing level: a block, a role, an include (with its params or loop item). */
export interface Scope {
  inherited: Inherited;
  role?: RoleInstance;
  /** include params and the include's loop item. */
  params?: Record<string, unknown>;
}

/** A task's settings once its chain is folded in: Inherited, with tags as a set. */
export interface Effective extends Omit<Inherited, 'tags'> {
  tags: Set<string>;
  params: Record<string, unknown>;
  role?: RoleInstance;
}

const NEAREST: (keyof Inherited)[] = [
  'become', 'becomeUser', 'becomeMethod', 'becomeFlags', 'ignoreErrors', 'noLog', 'checkMode', 'diff',
  'delegateTo', 'delegateFacts', 'runOnce', 'anyErrorsFatal',
];

/** Fold the chain (outermost first) and the task itself into its settings. */
export function effectiveSettings(chain: readonly Scope[], own: Inherited & { origin?: Task['origin'] }): Effective {
  const eff: Effective = { when: [], tags: new Set(), vars: {}, params: {}, environment: [] };
  const levels: { inherited: Inherited; role?: RoleInstance; params?: Record<string, unknown> }[] = [
    ...chain,
    { inherited: own, role: own.origin?.role },
  ];
  for (const level of levels) {
    const inh = level.inherited;
    eff.when.push(...inh.when);
    for (const t of inh.tags) eff.tags.add(t);
    Object.assign(eff.vars, inh.vars);
    Object.assign(eff.params, level.params ?? {});
    eff.environment.push(...inh.environment);
    for (const key of NEAREST) {
      if (inh[key] !== undefined) (eff as unknown as Record<string, unknown>)[key] = inh[key];
    }
    if (level.role) eff.role = level.role;
  }
  return eff;
}

const kept = new WeakMap<object, { play: Scope; chain: readonly Scope[]; eff: Effective }>();

/**
 * effectiveSettings of `own` under the play's scope and `chain`, kept for the
 * last chain it was asked for: every host of a step asks with the same chain,
 * and the fold was made again for each (shared: not to be changed).
 */
export function effectiveIn(play: Scope, chain: readonly Scope[], own: Inherited & { origin?: Task['origin'] }): Effective {
  const k = kept.get(own);
  if (k && k.play === play && k.chain === chain) return k.eff;
  const eff = effectiveSettings([play, ...chain], own);
  kept.set(own, { play, chain, eff });
  return eff;
}
