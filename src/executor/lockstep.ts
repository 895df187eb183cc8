// Strategies. Each host walks its own task tree (blocks, rescue, includes) as
// an async function and asks the scheduler to run every step. `linear` holds
// each step until every running host has reached its next step, then runs the
// step that comes first in the play (by tree position) for all hosts at it,
// while the others wait, as Ansible's linear strategy does. `free` runs each
// host's step at once.

export interface Waiting<S, R> {
  host: string;
  step: S;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export type Dispatch<S, R> = (step: S, hosts: string[]) => Promise<Map<string, R>>;

export interface StepOrder<S> {
  /** Steps with the same key run together. */
  keyOf(step: S): unknown;
  /** Position of the step in the play; lower runs first. */
  positionOf(step: S): readonly number[];
}

export function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export class Scheduler<S, R> {
  private readonly waiting: Waiting<S, R>[] = [];
  private readonly active: Set<string>;
  private readonly rank: Map<string, number>;
  private busy = false;

  constructor(
    hosts: readonly string[],
    private readonly order: StepOrder<S>,
    private readonly dispatch: Dispatch<S, R>,
    private readonly lockstep: boolean,
  ) {
    this.active = new Set(hosts);
    this.rank = new Map(hosts.map((h, i) => [h, i]));
  }

  step(host: string, step: S): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ host, step, resolve, reject });
      this.pump();
    });
  }

  /** The host has nothing more to do. */
  done(host: string): void {
    this.active.delete(host);
    this.pump();
  }

  private pump(): void {
    if (!this.lockstep) {
      for (const w of this.waiting.splice(0, this.waiting.length)) void this.runGroup([w]);
      return;
    }
    if (this.busy || this.waiting.length === 0 || this.waiting.length < this.active.size) return;
    const first = this.waiting.reduce((a, b) =>
      comparePositions(this.order.positionOf(b.step), this.order.positionOf(a.step)) < 0 ? b : a,
    );
    const key = this.order.keyOf(first.step);
    const group: Waiting<S, R>[] = [];
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.order.keyOf(this.waiting[i]!.step) === key) group.push(...this.waiting.splice(i, 1));
    }
    this.busy = true;
    void this.runGroup(group).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async runGroup(group: Waiting<S, R>[]): Promise<void> {
    group.sort((a, b) => (this.rank.get(a.host) ?? 0) - (this.rank.get(b.host) ?? 0));
    try {
      const results = await this.dispatch(group[0]!.step, group.map((w) => w.host));
      for (const w of group) w.resolve(results.get(w.host)!);
    } catch (e) {
      for (const w of group) w.reject(e);
    }
  }
}
