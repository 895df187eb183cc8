// --output json: one JSON object per event per line, for machines. Each says
// when it happened (ISO 8601, UTC, milliseconds); task events say where the
// task is written; an error that stops tsplay is an event too (jsonError).
import type { SourceLocation } from '../errors.js';
import type { Reporter, RunEvent } from './events.js';

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

// Python's ints are exact at any size: a bigint is written as its digits (JSON
// numbers have no size limit; JSON.stringify alone refuses bigints).
const BIG = '\u0000bigint:';

function toJsonLine(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v}` : v));
  // JSON.stringify writes the marker's NUL as \u0000.
  return text.includes('\\u0000bigint:') ? text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1') : text;
}

export class JsonReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private readonly shapers: { [K in RunEvent['kind']]: (e: Extract<RunEvent, { kind: K }>) => unknown } = {
    play_start: (e) => e,
    task_start: (e) => e,
    host_result: (e) =>
      e.noLog
        ? { ...e, result: { censored: NO_LOG_MSG, changed: e.result.changed ?? false }, diff: [], item: e.item === undefined ? undefined : null }
        : e,
    included: (e) => e,
    warning: (e) => e,
    display: (e) => e,
    retry: (e) => e,
    no_hosts: (e) => e,
    no_hosts_left: (e) => e,
    list: (e) => e,
    recap: (e) => ({ kind: 'recap', stats: Object.fromEntries(e.stats) }),
    plan_summary: (e) => ({ kind: 'plan_summary', hosts: Object.fromEntries(e.hosts) }),
  };

  emit(event: RunEvent): void {
    const shaped = (this.shapers[event.kind] as (e: RunEvent) => unknown)(event) as Record<string, unknown>;
    this.write(toJsonLine({ kind: shaped.kind, timestamp: this.now().toISOString(), ...shaped }) + '\n');
  }

  close(): void {}
}

/** The line for an error that stops the run (a playbook that does not load...): `{"kind": "error", ...}`. */
export function jsonError(message: string, location?: SourceLocation, now: Date = new Date()): string {
  return JSON.stringify({ kind: 'error', timestamp: now.toISOString(), message, ...(location ? { location } : {}) }) + '\n';
}
