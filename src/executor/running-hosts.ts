// The play's hosts still running (neither failed nor ended), for the magic
// variables ansible_play_hosts and ansible_play_batch. They go into every
// host's variables at every task; made afresh each time, they cost a filter
// over all hosts per host, O(hosts^2) a task (at 1,000 hosts: a million map
// lookups and 16 MB of arrays a task). So a host's state counts its changes,
// and the lists are made again only after one, or for another list of hosts.
// The lists are shared by all hosts: templates read variables through the
// template view, which renders a copy of what they read.

export interface RunningState {
  name: string;
  failed: boolean;
  ended: boolean;
}

export class RunningHosts {
  private version = 0;

  /** A host's state whose `failed` and `ended` count their changes here. */
  state<T extends object>(name: string, extra: T): RunningState & T {
    let failed = false;
    let ended = false;
    const self = this;
    return Object.assign(
      {
        name,
        get failed() {
          return failed;
        },
        set failed(v: boolean) {
          if (v !== failed) self.version++;
          failed = v;
        },
        get ended() {
          return ended;
        },
        set ended(v: boolean) {
          if (v !== ended) self.version++;
          ended = v;
        },
      },
      extra,
    );
  }

  /** `of()`'s hosts that are still running, made again only when a state or the list changed. */
  list(of: () => string[], stateOf: (host: string) => RunningState | undefined): () => string[] {
    let kept: { from: string[]; version: number; hosts: string[] } | undefined;
    return () => {
      const from = of();
      if (kept?.from !== from || kept.version !== this.version) {
        const hosts = from.filter((h) => !stateOf(h)?.failed && !stateOf(h)?.ended);
        kept = { from, version: this.version, hosts };
      }
      return kept.hosts;
    };
  }
}
