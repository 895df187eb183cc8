// The recap counters, counted as Ansible counts them; as in Ansible, a host
// appears in the recap once something is counted for it.

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export class RunStats {
  private readonly hosts = new Map<string, HostStats>();

  private of(host: string): HostStats {
    let s = this.hosts.get(host);
    if (!s) {
      s = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
      this.hosts.set(host, s);
    }
    return s;
  }

  add(host: string, counter: keyof HostStats, n = 1): void {
    this.of(host)[counter] += n;
  }

  summary(): Map<string, HostStats> {
    return new Map([...this.hosts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  anyFailed(): boolean {
    return [...this.hosts.values()].some((s) => s.failed > 0);
  }

  anyUnreachable(): boolean {
    return [...this.hosts.values()].some((s) => s.unreachable > 0);
  }
}
