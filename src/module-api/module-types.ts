// The contract between the engine and a module (one file per module in modules/).
// A module plans first (read-only: what would change), and applies only what it
// planned. `--check` runs the plan alone, so its prediction is what the real run
// does, by construction. A module may do both in one round trip (planAndApply)
// when the host can decide by the plan's own rule.
import type { Connection } from '../connection/connection.js';
import type { SourceLocation } from '../errors.js';
import type { Step } from '../host/run.js';

/** A JSON schema for a module's options (validated and defaulted by ajv). */
export type OptionSchema = {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  [keyword: string]: unknown;
};

/** Ansible-shaped return values of a task (what `register` stores). */
export interface ModuleResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: unknown;
  [key: string]: unknown;
}

/** A before/after pair the output layer renders as a unified diff. */
export interface FileDiff {
  before: string;
  after: string;
  before_header?: string;
  after_header?: string;
  /** A short line instead of content, for binary or very large files. */
  prepared?: string;
}

/** What a module asks of the engine beyond its result. */
export interface Effects {
  /** Host facts to set (set_fact, include_vars). */
  facts?: Record<string, unknown>;
  /** Facts gathered from the host (setup): they replace what the play's gathering found, ansible_facts included. */
  gatheredFacts?: Record<string, unknown>;
  /** Variables at include_vars precedence. */
  includeVars?: Record<string, unknown>;
  /** Mark set_fact facts as cacheable (no effect beyond the run). */
  cacheable?: boolean;
  /** In-memory inventory changes (add_host, group_by): the engine makes them and sets `changed` as Ansible does. */
  inventory?: InventoryChange;
  /** set_stats: custom stats to gather for the run's end. */
  stats?: { data: Record<string, unknown>; perHost: boolean; aggregate: boolean };
}

/** A host added to groups with variables (add_host), or the task's host put in a group (group_by). */
export type InventoryChange =
  | { kind: 'add_host'; name: string; groups: string[]; vars: Record<string, unknown> }
  | { kind: 'group_by'; group: string; parents: string[] };

export interface Plan<S = unknown> {
  /** Would applying change the host? false means "ok, nothing to do". */
  changed: boolean;
  /** The result when nothing is applied: ok, or a check-mode prediction. */
  result?: ModuleResult;
  diff?: FileDiff[];
  effects?: Effects;
  /** Data that apply() needs (rendered content, probed state). */
  state?: S;
  /**
   * The commands that make the change, in order (src/host/run.ts): a module
   * without apply() has them run in one round trip, and its result is the
   * plan's. Their summaries name what check mode would do.
   */
  steps?: Step[];
  /** What the change makes (files, packages, units): a dry run remembers it for later tasks (PlannedChanges). */
  creates?: PlannedTarget[];
  /**
   * Set when the change cannot be predicted without doing it (command, shell):
   * in check mode the task is reported skipped with this message.
   */
  unpredictable?: string;
}

export interface Applied {
  result: ModuleResult;
  /** Defaults to the plan's `changed`. */
  changed?: boolean;
  diff?: FileDiff[];
  effects?: Effects;
}

/** Where the task came from and what its files are relative to. */
export interface TaskSource {
  name: string;
  location?: SourceLocation;
  /** Role directory when the task belongs to a role. */
  roleDir?: string;
  /** Directory of the file that holds the task. */
  fileDir: string;
  playbookDir: string;
}

/** A controller-side file, as a module reads it. */
export interface ControllerFile {
  data: Buffer;
  /** Permission bits (mode & 0o7777). */
  mode: number;
}

export interface ModuleContext<A> {
  readonly args: A;
  /** inventory_hostname */
  readonly host: string;
  /** The host, with the task's become and environment applied. */
  readonly conn: Connection;
  readonly check: boolean;
  readonly diff: boolean;
  readonly task: TaskSource;
  /** Variables of this host for this task, templated on access. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Find a controller-side file: role's files/ or templates/ first, then beside the task, then the playbook. */
  findFile(kind: 'files' | 'templates' | 'vars', name: string): string;
  /** A controller-side file's bytes and permission bits, read once for all hosts of the task. */
  readFile(path: string): ControllerFile;
  /** Render a Jinja template text with this task's variables (plus extras). */
  renderTemplate(text: string, extraVars?: Record<string, unknown>, sourcePath?: string): string;
  /** Evaluate a bare Jinja expression (`when`-style) with this task's variables. */
  evaluate(expression: string): unknown;
  /**
   * In check mode only: what earlier tasks of the run would have made on this
   * host, by the task that would make it (see src/executor/planned-changes.ts).
   */
  readonly planned?: PlannedLookup;
  /** The controller's terminal, for actions that talk to the user (pause). */
  readonly ui?: ControllerUi;
  /**
   * Close the host's connection and open a new one (reboot, wait_for_connection),
   * with the task's become and environment; later commands must use the one
   * returned, not `conn`. `timeoutSeconds`: the connect timeout for this login.
   */
  reconnect?(timeoutSeconds?: number): Promise<Connection>;
}

/** What an action may say to, and read from, the user at the controller. */
export interface ControllerUi {
  /** Print lines under the task (no spinner over them). */
  display(text: string): void;
  warn(message: string): void;
  /** stdin is a terminal: keys can be read. */
  interactive(): boolean;
  /**
   * Read keys from the terminal: a line (ended by Enter) when `line`, else
   * nothing until `timeoutMs`; Ctrl+C asks to continue or abort. Resolves with
   * what was typed; rejects when the user aborts.
   */
  readKeys(options: { line: boolean; echo: boolean; timeoutMs?: number }): Promise<string>;
}

export type PlannedKind = 'file' | 'package' | 'unit';

export interface PlannedTarget {
  kind: PlannedKind;
  key: string;
}

export interface PlannedLookup {
  by(kind: PlannedKind, key: string): string | undefined;
  any(kind: PlannedKind, test?: (key: string) => boolean): string | undefined;
}

/** Raised by a module to fail the task with a message and extra return values. */
/**
 * Fails the task as Ansible's task executor does around a module (an action
 * plugin's exception): the result is the message alone, printed on one line.
 */
export class TaskFailure extends Error {}

export class ModuleFailure extends Error {
  constructor(
    message: string,
    readonly result: ModuleResult = {},
  ) {
    super(message);
    this.name = 'ModuleFailure';
  }
}

export interface Module<A = Record<string, unknown>, S = unknown> {
  /** Short name, e.g. "copy". "ansible.builtin.copy" and "ansible.legacy.copy" resolve to it. */
  name: string;
  /** One line for README's module list and `tsplay doc --list` (what Ansible's short_description says). */
  summary?: string;
  schema: OptionSchema;
  /** Other names for options, e.g. { dest: 'path' }. */
  optionAliases?: Record<string, string>;
  /**
   * The option that takes the free-form text of `module: some text`
   * (`_raw_params` for command/shell/raw); otherwise `k=v` text is split into options.
   */
  freeForm?: string;
  /** The k=v words lifted out of that free-form text (command's creates=, chdir=...); default: every option. */
  freeFormKeys?: string[];
  /** false: the module cannot predict its work; in check mode the task is skipped. */
  supportsCheckMode: boolean;
  /** Runs on the controller only (debug, set_fact...): no connection needed. */
  controllerOnly?: boolean;
  /** Connects by itself through ctx.reconnect() (wait_for_connection): the engine does not connect first, so a host that is down is not unreachable. */
  connectsItself?: boolean;
  /** Runs once for the whole task, on its first host (add_host, pause), as Ansible's BYPASS_HOST_LOOP actions. */
  bypassHostLoop?: boolean;
  /**
   * Its result is printed even without -v, as Ansible's default callback does
   * for debug and assert: `debug` shows only what the user asked for (msg, or
   * the variable), `always` the whole result.
   */
  shown?: 'debug' | 'always';
  /** Inspects or writes files on the host (copy, stat...): the host agent is started with the connection. */
  hostFiles?: boolean;
  /**
   * Steps of a real run that come before the plan and are not changes
   * (systemd's daemon_reload, apt's update_cache): check mode skips them.
   */
  prepare?(ctx: ModuleContext<A>): Step[];
  /** Argument rules beyond the schema (module-args.ts checks them). */
  rules?: ArgumentRules;
  plan(ctx: ModuleContext<A>): Promise<Plan<S>>;
  /** Make the planned change. Absent for modules whose plan is their whole work. */
  apply?(ctx: ModuleContext<A>, plan: Plan<S>): Promise<Applied>;
  /**
   * A real run's shortcut (never called in check mode): plan and make the
   * change in one round trip, where the host can decide by the same rule as
   * plan(). `plan` is what plan() returns for the state the host saw;
   * `applied` is there when the change was made, else the engine calls
   * apply() if the plan has changes. Undefined: plan, then apply, as usual.
   */
  planAndApply?(ctx: ModuleContext<A>): Promise<{ plan: Plan<S>; applied?: Applied } | undefined>;
}

/**
 * Ansible's argument rules, checked with the schema: options that may not be
 * set together, sets of which one is needed, options needed when another has a
 * value (`[option, value, needed, anyOf?]`), and options needed by another.
 */
export interface ArgumentRules {
  mutuallyExclusive?: string[][];
  requiredOneOf?: string[][];
  requiredIf?: [string, unknown, string[], boolean?][];
  requiredBy?: Record<string, string[]>;
}

/** A plan made of steps: it changes the host exactly when there are steps. */
export function planOfSteps<S>(steps: Step[], result: ModuleResult = {}, extra: Partial<Plan<S>> = {}): Plan<S> {
  const changed = steps.length > 0;
  return { ...extra, changed, steps, result: { ...result, changed } };
}
