// A dry run's memory of what earlier tasks would change on a host: files and
// directories written, packages installed, units started. In --check nothing
// is made, so a later task whose target is not there yet (a service whose
// package an earlier task would install) asks here whether the run would make
// it, and then predicts its change as depending on that task instead of
// failing. Only a target that nothing in the run would create still fails.
import type { PlannedKind, PlannedTarget } from '../module-api/module-types.js';

export class PlannedChanges {
  private readonly made = new Map<PlannedKind, Map<string, string>>();

  /** `task` would make these targets. */
  record(targets: readonly PlannedTarget[], task: string): void {
    for (const t of targets) {
      let byKey = this.made.get(t.kind);
      if (!byKey) this.made.set(t.kind, (byKey = new Map()));
      if (!byKey.has(t.key)) byKey.set(t.key, task);
    }
  }

  /** The task that would make this target, if any. */
  by(kind: PlannedKind, key: string): string | undefined {
    return this.made.get(kind)?.get(key);
  }

  /** The first task that would make a target of this kind (that passes `test`), if any. */
  any(kind: PlannedKind, test: (key: string) => boolean = () => true): string | undefined {
    for (const [key, task] of this.made.get(kind) ?? []) if (test(key)) return task;
    return undefined;
  }

  /** Every target of a kind, in the order first planned. */
  list(kind: PlannedKind): string[] {
    return [...(this.made.get(kind)?.keys() ?? [])];
  }
}
