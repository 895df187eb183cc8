// Strategies. Each host walks its own task tree (blocks, rescue, includes) as
// an async function and asks the scheduler to run every step. `linear` holds
// each step until every running host has reached its next step, then runs
// the hosts that are at the same step together; `free` runs each at once.

export interface Waiting<S, R> {
  host: string;
  step: S;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export type Dispatch<S, R> = (step: S, hosts: string[]) => Promise<Map<string, R>>;

export class Scheduler<S, R> {
  private readonly waiting: Waiting<S, R>[] = [];
  private readonly active: Set<string>;
  private busy = false;

  constructor(
    hosts: readonly string[],
    private readonly keyOf: (step: S) => unknown,
    private readonly dispatch: Dispatch<S, R>,
    private readonly lockstep: boolean,
    private readonly order: readonly string[] = hosts,
  ) {
    this.active = new Set(hosts);
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
      for (const w of this.waiting.splice(0, this.waiting.length)) void this.runBatch([w]);
      return;
    }
    if (this.busy || this.waiting.length === 0) return;
    if (this.waiting.length < this.active.size) return;
    this.busy = true;
    const batch = this.waiting.splice(0, this.waiting.length);
    void this.runBatch(batch).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async runBatch(batch: Waiting<S, R>[]): Promise<void> {
    const rank = new Map(this.order.map((h, i) => [h, i]));
    batch.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
    const groups = new Map<unknown, Waiting<S, R>[]>();
    for (const w of batch) {
      const key = this.keyOf(w.step);
      const g = groups.get(key);
      if (g) g.push(w);
      else groups.set(key, [w]);
    }
    const settle: (() => void)[] = [];
    for (const group of groups.values()) {
      try {
        const results = await this.dispatch(group[0]!.step, group.map((w) => w.host));
        for (const w of group) settle.push(() => w.resolve(results.get(w.host)!));
      } catch (e) {
        for (const w of group) settle.push(() => w.reject(e));
      }
    }
    for (const s of settle) s();
  }
}
