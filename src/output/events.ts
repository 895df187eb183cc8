// Everything the engine reports, as one discriminated union. Renderers
// (text, JSON) are a Record over `kind`, so each event must be rendered.
import type { FileDiff, ModuleResult } from '../module-api/module-types.js';
import type { HostStats } from '../executor/stats.js';
import type { SourceLocation } from '../errors.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface PlayStart { kind: 'play_start'; name: string; hosts: string[] }
export interface TaskStart {
  kind: 'task_start';
  name: string;
  handler: boolean;
  hosts: number;
  /** Where the task is written (the play's place for Gathering Facts); for --output json. */
  location?: SourceLocation;
}
export interface HostResult {
  kind: 'host_result';
  host: string;
  /** Set when the task ran elsewhere (delegate_to). */
  delegatedTo?: string;
  /** The delegated host's ansible_host, shown after its name when it differs. */
  delegatedAddress?: string;
  status: HostStatus;
  /** ignore_errors turned a failure into "...ignoring". */
  ignored: boolean;
  result: ModuleResult;
  /** Loop item label, for per-item lines. */
  item?: unknown;
  diff: FileDiff[];
  verbose: boolean;
  noLog: boolean;
  /** Printed without -v: debug (what the user asked for) or assert (the whole result). */
  shown?: 'debug' | 'always';
  /** A debug task that failed before it ran (its arguments): shown cleaned as debug's result, not indented. */
  debugFailure?: boolean;
  /** Where the task is written; for --output json. */
  location?: SourceLocation;
}
export interface Included { kind: 'included'; file: string; hosts: string[]; item?: unknown }
/** A [WARNING] (or, with `error`, an [ERROR] that does not stop the run), on stderr. */
export interface Warning { kind: 'warning'; message: string; error?: boolean }
/** Lines an action prints while it runs (pause's notice and prompt), with the spinner out of the way. */
export interface Display {
  kind: 'display';
  text: string;
  /** An async job's progress line (ASYNC POLL/OK/FAILED): ad-hoc output, as ansible's minimal callback, has none. */
  asyncProgress?: true;
}
/** An `until` task failed its condition on a host and runs again. */
export interface Retry { kind: 'retry'; host: string; task: string; retriesLeft: number }
export interface NoHosts { kind: 'no_hosts'; pattern: string }
/** any_errors_fatal or max_fail_percentage stopped every host of the play. */
export interface NoHostsLeft { kind: 'no_hosts_left' }
export interface Recap { kind: 'recap'; stats: Map<string, HostStats> }
export interface HostsList { kind: 'list'; title: string; lines: string[] }
/** What a dry run would change on each host (--check --diff), after the recap. */
export interface PlanSummary { kind: 'plan_summary'; hosts: Map<string, HostPlan> }
export interface HostPlan {
  changed: number;
  files: string[];
  packages: string[];
  services: string[];
}

export type RunEvent = PlayStart | TaskStart | HostResult | Included | Warning | Display | Retry | NoHosts | NoHostsLeft | Recap | HostsList | PlanSummary;

export interface Reporter {
  emit(event: RunEvent): void;
  /** Called once at the end (stop spinners, flush). */
  close(): void;
  /** Out of the terminal's way before a question is asked there: everything written, no spinner. */
  pause?(): void;
}
