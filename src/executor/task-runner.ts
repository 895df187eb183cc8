// Running one task on one host: when, loop, templated options, the module's
// plan (and apply, unless checking), changed_when/failed_when, until/retries,
// and register. The result is Ansible-shaped; nothing here prints.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { findModule } from '../../modules/index.js';
import { TaskConnection } from '../connection/task-connection.js';
import { UnreachableError, type BecomeSpec, type Connection } from '../connection/connection.js';
import { checkArgs, knownOptions, literalRuleErrors, toBoolean, unknownOptions } from '../module-api/module-args.js';
import { TsplayError } from '../errors.js';
import { planAndApply } from './plan-apply.js';
import { ModuleFailure, TaskFailure, type Effects, type FileDiff, type Module, type ModuleContext, type ModuleResult } from '../module-api/module-types.js';
import { INCLUDE_ACTIONS, LOOKUP_LOOPS } from '../playbook/keywords.js';
import type { Condition, Task } from '../playbook/types.js';
import { UndefinedVariableError } from '../templating/templar.js';
import { hostState, type HostState, type RunContext } from './context.js';
import { truthy as pyTruthy } from '../templating/python-ops.js';
import { PyException, TemplateTypeError, conditionalFailure } from '../templating/errors.js';
import { markUnsafe } from '../templating/unsafe.js';
import { loopItems } from './loops.js';
import { effectiveIn, type Effective, type Scope } from './scope.js';
import { ControllerFiles } from './controller-files.js';
import { taskTitle } from './task-title.js';
import { withInventoryChange } from './inventory-changes.js';
import { controllerUi } from './controller-ui.js';
import { hostJob, runAsync } from './async-task.js';
import type { VarsBuilder } from './vars.js';

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface ItemOutcome {
  item: unknown;
  label: unknown;
  status: Status;
  result: ModuleResult;
  diff: FileDiff[];
  /** The module's result is not printed for this item (assert's quiet). */
  quiet?: true;
  /** Where this item ran, when delegated (each item may go elsewhere). */
  delegatedTo?: string;
  delegatedAddress?: string;
}

export interface TaskOutcome {
  status: Status;
  ignored: boolean;
  result: ModuleResult;
  diff: FileDiff[];
  /** Per-item outcomes when the task loops. */
  items?: ItemOutcome[];
  noLog: boolean;
  delegatedTo?: string;
  /** The delegated host's ansible_host, when it is not its name. */
  delegatedAddress?: string;
  /** delegate_facts: the facts went to the delegated host (run_once spreads them no further). */
  factsDelegated?: true;
  /** The module's result is printed without -v (its Module.shown). */
  shown?: 'debug' | 'always';
  /** The task is a debug task that failed before it ran: its result is shown cleaned as debug's is. */
  debugFailure?: boolean;
  /** A loop ended early by an error of the task (its items so far in `items`, not in the result). */
  loopAborted?: boolean;
  /** What the module asked of the engine (facts, included vars), applied to the host unless it failed. */
  effects?: Effects;
}

/** How a dry run names the task that would make something (role : name). */
function plannedBy(task: Task, eff: Effective): string {
  return `${eff.role ? `${eff.role.name} : ` : ''}${task.name ?? task.action}`;
}

/**
 * Whether a result is printed without -v: the module's rule, unless the result
 * opts out (assert's `quiet`, Ansible's absent `_ansible_verbose_always`).
 */
function shownOf(module: Module<any, any>, result: ModuleResult): TaskOutcome['shown'] {
  const quiet = result._tsplay_quiet === true;
  delete result._tsplay_quiet;
  return quiet ? undefined : module.shown;
}

/** A module's effects on a host's variables (a failed task has none). */
export function applyEffects(state: HostState, outcome: TaskOutcome): void {
  const effects = outcome.effects;
  if (!effects || outcome.status === 'failed') return;
  if (effects.facts) Object.assign(state.setFacts, effects.facts);
  // set_fact's cacheable: the facts join the host's facts too (ansible_facts, hostvars).
  if (effects.cacheable) state.addFacts(effects.facts);
  if (effects.includeVars) Object.assign(state.includeVars, effects.includeVars);
  state.addFacts(effects.gatheredFacts);
}

export interface TaskEnv {
  run: RunContext;
  vars: VarsBuilder;
  playbookDir: string;
  /** Settings the play gives every task (become, environment...). */
  playScope: Scope;
}

function where(task: Task): string {
  const l = task.origin.location;
  return `\n\nThe error appears to be in '${l.file}': line ${l.line}, column ${l.col}, but may\nbe elsewhere in the file depending on the exact syntax problem.`;
}

/** Actions whose results hold the user's own values, not a host's (Ansible's _ACTION_WITH_CLEAN_FACTS). */
const CLEAN_FACTS_ACTIONS = new Set(['set_fact', 'include_vars']);

/** Where a `with_<lookup>` loop's first_found looks, by the task's action (as Ansible's task executor decides). */
function lookupSubdir(action: string): string {
  return action.includes('template') ? 'templates' : action.includes('var') ? 'vars' : 'files';
}

/** delegate_to names an undefined variable: the result line names the host it was to be. */
class DelegateUndefined extends Error {
  constructor(
    message: string,
    readonly target: string,
  ) {
    super(message);
  }
}

/** A Python exception while templating a task's loop items. */
class LoopItemsException extends Error {
  constructor(readonly pyError: PyException) {
    super(pyError.message);
  }
}

export class TaskRunner {
  private readonly knownSearchPaths = new Map<string, string[]>();

  constructor(private readonly env: TaskEnv) {}

  private boolSetting(value: boolean | string | undefined, vars: Record<string, unknown>, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    const rendered = this.env.run.templar.render(value, vars);
    return toBoolean(rendered) ?? pyTruthy(rendered);
  }

  private conditionHolds(conds: Condition[], vars: Record<string, unknown>, task: Task, keyword: string): boolean {
    for (const c of conds) {
      try {
        if (!this.env.run.templar.isTrue(c, vars)) return false;
      } catch (e) {
        const failure = conditionalFailure(String(c), e);
        const msg = `${failure.message}${where(task)}`;
        // A type error, or a `when` that cannot be evaluated, fails the task with no `changed` in its result.
        if (failure.typeError || keyword === 'when') throw new Error(msg);
        throw new ModuleFailure(msg, { _keyword: keyword });
      }
    }
    return true;
  }

  /** Run `task` on `host` within `chain`. */
  async run(host: string, task: Task, chain: readonly Scope[], files = new ControllerFiles()): Promise<TaskOutcome> {
    const eff = effectiveIn(this.env.playScope, chain, task);
    const base = this.env.vars.build(host, eff);
    const view = this.env.run.templar.view(base);
    const noLog = this.safeBool(eff.noLog, view, false);
    const ignoreErrors = this.safeBool(eff.ignoreErrors, view, false);
    let outcome: TaskOutcome;
    try {
      outcome = task.loop ? await this.runLoop(host, task, eff, base, files) : await this.runOnce(host, task, eff, base, files);
    } catch (e) {
      if (e instanceof TaskAbort) throw e;
      outcome = this.failure(e, task);
      if (findModule(task.action)?.shown === 'debug') outcome.debugFailure = true;
    }
    // What a module sends back is unsafe (never templated again), but for the
    // actions whose values are the user's own (Ansible's _ACTION_WITH_CLEAN_FACTS).
    // Templates see a result only through `register` or the variables it sets.
    const gathered = outcome.effects?.gatheredFacts;
    const seen = task.register !== undefined || task.loop !== undefined || outcome.effects !== undefined || outcome.result.ansible_facts !== undefined;
    if (seen && !CLEAN_FACTS_ACTIONS.has(findModule(task.action)?.name ?? '')) {
      markUnsafe(outcome.result);
      // Gathered facts are usually the result's ansible_facts, already walked.
      if (gathered !== outcome.result.ansible_facts) markUnsafe(gathered);
    }
    // A module may hide its own result (include_vars of a vaulted file), as Ansible's `_ansible_no_log`.
    outcome.noLog = noLog || outcome.result._ansible_no_log === true;
    delete outcome.result._ansible_no_log;
    if (outcome.status === 'failed' && ignoreErrors) outcome.ignored = true;
    if (task.register) hostState(this.env.run, host).setFacts[task.register] = this.registered(outcome);
    return outcome;
  }

  private safeBool(value: boolean | string | undefined, vars: Record<string, unknown>, fallback: boolean): boolean {
    try {
      return this.boolSetting(value, vars, fallback);
    } catch {
      return fallback;
    }
  }

  private registered(outcome: TaskOutcome): ModuleResult {
    const r: ModuleResult = { ...outcome.result };
    // Ansible registers failed: false on every result but a conditional skip.
    if (r.skip_reason === undefined && r.skipped_reason === undefined && r.failed === undefined) r.failed = false;
    return r;
  }

  private failure(e: unknown, task: Task): TaskOutcome {
    if (e instanceof UnreachableError) {
      return { status: 'unreachable', ignored: false, result: { unreachable: true, changed: false, msg: e.message }, diff: [], noLog: false };
    }
    // A module's failure says `changed`; one of the task around it (its
    // arguments, its loop) does not, as in ansible-playbook's output.
    let result: ModuleResult;
    if (e instanceof ModuleFailure) {
      result = { ...e.result, failed: true, msg: e.message };
      if (result.changed === undefined) result.changed = false;
    } else if (e instanceof UndefinedVariableError) {
      // Ansible states the undefined variable twice (its error and the cause's).
      result = { failed: true, msg: `The task includes an option with an undefined variable. The error was: ${e.message}. ${e.message}${where(task)}` };
    } else if (e instanceof LoopItemsException) {
      // Ansible's task executor words an exception it did not expect outside the module.
      result = { failed: true, msg: `Unexpected failure during module execution: ${e.pyError.message}`, exception: e.pyError.traceback, stdout: '' };
    } else if (e instanceof PyException) {
      // An exception Ansible does not catch while templating the task's arguments (its post_validate).
      result = { changed: false, failed: true, exception: e.traceback };
    } else result = { failed: true, msg: (e as Error).message ?? String(e) };
    delete result._keyword;
    if (e instanceof DelegateUndefined) return { status: 'failed', ignored: false, result, diff: [], noLog: false, delegatedTo: e.target };
    return { status: 'failed', ignored: false, result, diff: [], noLog: false };
  }

  private async runLoop(host: string, task: Task, eff: Effective, base: Record<string, unknown>, files: ControllerFiles): Promise<TaskOutcome> {
    const loop = task.loop!;
    const templar = this.env.run.templar;
    const view = templar.view(base);
    const moduleShown = findModule(task.action)?.shown;
    let items: unknown[];
    try {
      const options = { searchPaths: this.searchPaths(task, eff) };
      const value = templar.render(loop.items, view, options);
      items = LOOKUP_LOOPS.has(loop.kind)
        ? templar.query(loop.kind.slice('with_'.length), Array.isArray(value) ? value : [value], view, { subdir: lookupSubdir(task.action) }, options)
        : loopItems(loop.kind, value, (patterns) => this.env.run.inventory.selectHosts(patterns));
    } catch (e) {
      if (e instanceof UndefinedVariableError) throw new Error(`${e.message}. ${e.message}`);
      if (e instanceof PyException) throw new LoopItemsException(e);
      throw e;
    }
    const outcomes: ItemOutcome[] = [];
    let delegatedTo: string | undefined;
    // What earlier items set (facts, include_vars, the registered result) is seen by the later ones, as in Ansible.
    const carried: Record<string, unknown> = {};
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const itemVars: Record<string, unknown> = {
        ...base,
        ...carried,
        [loop.control.loopVar]: item,
        ansible_loop_var: loop.control.loopVar,
      };
      if (loop.control.indexVar) Object.assign(itemVars, { [loop.control.indexVar]: index, ansible_index_var: loop.control.indexVar });
      let extended: Record<string, unknown> | undefined;
      if (loop.control.extended) {
        extended = { index: index + 1, index0: index, first: index === 0, last: index === items.length - 1, length: items.length, revindex: items.length - index, revindex0: items.length - index - 1 };
        if (loop.control.extendedAllitems !== false) extended.allitems = items;
        if (index + 1 < items.length) extended.nextitem = items[index + 1];
        if (index > 0) extended.previtem = items[index - 1];
        itemVars.ansible_loop = extended;
      }
      // loop_control.pause: seconds between items, not before the first.
      if (index > 0 && loop.control.pause) await new Promise((r) => setTimeout(r, Number(loop.control.pause) * 1000));
      let one: TaskOutcome;
      try {
        one = await this.runOnce(host, task, eff, itemVars, files);
      } catch (e) {
        if (e instanceof TaskAbort) throw e;
        // An undefined variable in an item's arguments ends the loop: the task
        // fails with that error alone, the items before it shown (Ansible's loop).
        if (e instanceof UndefinedVariableError) return { ...this.failure(e, task), items: outcomes, loopAborted: true, shown: moduleShown };
        one = this.failure(e, task);
      }
      let label: unknown = item;
      if (loop.control.label !== undefined) {
        try {
          label = templar.render(loop.control.label, templar.view(itemVars));
        } catch {
          label = loop.control.label;
        }
      }
      const result: ModuleResult = { ...this.registered(one), [loop.control.loopVar]: item, ansible_loop_var: loop.control.loopVar };
      if (loop.control.indexVar) Object.assign(result, { [loop.control.indexVar]: index, ansible_index_var: loop.control.indexVar });
      if (extended) result.ansible_loop = extended;
      outcomes.push({
        item,
        label,
        status: one.status,
        result,
        diff: one.diff,
        ...(one.shown === undefined && moduleShown ? { quiet: true } : {}),
        ...(one.delegatedTo ? { delegatedTo: one.delegatedTo, delegatedAddress: one.delegatedAddress } : {}),
      });
      if (one.status !== 'failed') Object.assign(carried, one.effects?.facts, one.effects?.includeVars, one.effects?.gatheredFacts);
      if (task.register) carried[task.register] = this.registered(one);
      // A delegated loop's lines name the host it ran on ("h1 -> h2").
      delegatedTo ??= one.delegatedTo;
      if (one.status === 'unreachable') break;
    }
    const anyChanged = outcomes.some((o) => o.result.changed === true);
    const anyFailed = outcomes.some((o) => o.status === 'failed');
    const allSkipped = outcomes.length > 0 && outcomes.every((o) => o.status === 'skipped');
    const result: ModuleResult = { changed: anyChanged, msg: 'All items completed', results: outcomes.map((o) => o.result), skipped: allSkipped };
    if (outcomes.length === 0) {
      result.skipped = true;
      result.skipped_reason = 'No items in the list';
      result.results = [];
      delete result.msg;
    }
    if (allSkipped) {
      result.skipped = true;
      result.msg = 'All items skipped';
    }
    if (anyFailed) {
      result.failed = true;
      result.msg = 'One or more items failed';
    }
    const status: Status = anyFailed
      ? 'failed'
      : outcomes.some((o) => o.status === 'unreachable')
        ? 'unreachable'
        : outcomes.length === 0 || allSkipped
          ? 'skipped'
          : anyChanged
            ? 'changed'
            : 'ok';
    const shown = outcomes.every((o) => o.quiet) && outcomes.length > 0 ? undefined : moduleShown;
    return { status, ignored: false, result, diff: outcomes.flatMap((o) => o.diff), items: outcomes, noLog: false, shown, ...(delegatedTo ? { delegatedTo } : {}) };
  }

  private async runOnce(
    host: string,
    task: Task,
    eff: Effective,
    vars: Record<string, unknown>,
    files: ControllerFiles,
  ): Promise<TaskOutcome> {
    const run = this.env.run;
    const templar = run.templar;
    const view = templar.view(vars);
    if (!this.conditionHolds(eff.when, view, task, 'when')) {
      return {
        status: 'skipped',
        ignored: false,
        result: { changed: false, skip_reason: 'Conditional result was False', skipped: true },
        diff: [],
        noLog: false,
      };
    }
    const module = task.action.includes('{{') ? this.templatedModule(task, view) : findModule(task.action)!;
    const args = this.renderArgs(task, eff, view);
    const checked = checkArgs(module, args);
    if (!checked.ok) {
      throw new ModuleFailure(`${checked.errors.length === 1 ? checked.errors[0] : checked.errors.join('; ')} (module ${module.name})`);
    }
    const check = this.boolSetting(eff.checkMode, view, run.options.check);
    const diff = this.boolSetting(eff.diff, view, run.options.diff);
    const delegateTo = eff.delegateTo ? this.delegateTarget(eff.delegateTo, view, task) : undefined;
    const conn = module.controllerOnly || module.connectsItself ? undefined : await this.connectionFor(host, delegateTo, eff, view);

    const ctx: ModuleContext<Record<string, unknown>> = {
      args: checked.args,
      host,
      conn: conn ?? noConnection(host),
      check,
      diff,
      task: {
        name: task.name ?? task.action,
        location: task.origin.location,
        roleDir: eff.role?.dir,
        fileDir: task.origin.fileDir,
        playbookDir: this.env.playbookDir,
      },
      vars: view,
      findFile: (kind, name) => files.find(`${eff.role?.dir ?? ''}\0${kind}\0${name}`, () => this.findFile(kind, name, task, eff)),
      readFile: (path) => files.read(path),
      renderTemplate: (text, extra, source) =>
        templar.renderText(text, extra ? templar.view({ ...vars, ...extra }) : view, { searchPaths: this.searchPaths(task, eff, source) }),
      evaluate: (expression) => templar.evaluate(expression, view),
      planned: check ? hostState(run, host).planned : undefined,
      ui: controllerUi(run.reporter),
      reconnect: async (timeoutSeconds) => {
        await run.resetConnection(delegateTo ?? host);
        return this.connectionFor(host, delegateTo, eff, view, timeoutSeconds);
      },
    };

    const attempt = async () => withInventoryChange(run, host, await this.execute(module, ctx, check, plannedBy(task, eff)));
    const asyncSeconds = task.async === undefined ? 0 : Number(templar.render(task.async, view));
    if (asyncSeconds > 0 && check) throw new ModuleFailure('check mode and async cannot be used on same task.', { exception: 'NoneType: None' });
    let outcome =
      asyncSeconds > 0
        ? await runAsync({ run, host, conn: ctx.conn, seconds: asyncSeconds, poll: Number(templar.render(task.poll ?? 15, view)), work: attempt, job: () => hostJob(module, ctx) })
        : await attempt();
    outcome = this.applyOverrides(outcome, task, vars, module);
    if (task.until && task.until.length > 0) {
      const retries = this.intKeyword(task.retries, 3, 'retries', view);
      const delay = this.intKeyword(task.delay, 5, 'delay', view);
      let attempts = 1;
      const title = taskTitle(task, (name) => templar.render(name, view), false);
      while (!this.untilHolds(task, vars, outcome) && attempts <= retries) {
        // Ansible counts the first run as well: retries + 1 runs in all.
        this.env.run.reporter.emit({ kind: 'retry', host, task: title, retriesLeft: retries + 1 - attempts });
        await new Promise((r) => setTimeout(r, delay * 1000));
        attempts++;
        outcome = this.applyOverrides(await attempt(), task, vars, module);
      }
      outcome.result.attempts = attempts;
      if (!this.untilHolds(task, vars, outcome)) {
        // Ansible reports the retry count, not the runs, once retries are exhausted.
        outcome.result.attempts = retries;
        outcome.status = 'failed';
        outcome.result.failed = true;
        // A check-mode skip that never met `until` is a failure; its result still says skipped, as Ansible's does.
        outcome.result.msg ??= 'Retries exhausted';
      }
    }
    outcome.shown = shownOf(module, outcome.result);
    if (delegateTo) {
      outcome.delegatedTo = delegateTo;
      const address = this.addressOf(delegateTo);
      if (address !== undefined && address !== delegateTo) outcome.delegatedAddress = address;
    }
    // delegate_facts: the facts are the delegated host's, as in Ansible.
    const factsHost = delegateTo && this.boolSetting(eff.delegateFacts, view, false) ? delegateTo : host;
    if (factsHost !== host) outcome.factsDelegated = true;
    applyEffects(hostState(this.env.run, factsHost), outcome);
    return outcome;
  }

  /**
   * The module a templated name (`action: "{{ packager }} name=x"`) names on
   * this host, its options checked as at load. As Ansible: a name that does
   * not render ends the run; one that names no module fails the host.
   */
  private templatedModule(task: Task, view: Record<string, unknown>): Module<any, any> {
    let name: string;
    try {
      name = String(this.env.run.templar.render(task.action, view)).trim();
    } catch (e) {
      const msg = e instanceof UndefinedVariableError ? `${e.message}. ${e.message}` : (e as Error).message;
      throw new TaskAbort(msg, task.origin.location);
    }
    const module = findModule(name);
    if (!module || INCLUDE_ACTIONS.has(name) || name === 'meta') throw new Error(`The module ${name} was not found in configured module paths`);
    // command/shell's `cmd` is their free-form text only when the name is written out (Ansible's loader maps it).
    const unknown = [...unknownOptions(module, task.args), ...(module.freeForm && 'cmd' in task.args ? ['cmd'] : [])];
    if (unknown.length > 0) {
      const supported = [...knownOptions(module)].sort().join(', ');
      throw new ModuleFailure(`Unsupported parameters for (ansible.legacy.${module.name}) module: ${unknown.join(', ')}. Supported parameters include: ${supported}.`);
    }
    const broken = literalRuleErrors(module, task.args);
    if (broken.length > 0) throw new ModuleFailure(`${broken.join('; ')} (module ${module.name})`);
    return module;
  }

  /** delegate_to rendered; an undefined variable in it fails the task as Ansible words it, the line naming it unrendered. */
  /** An inventory host's ansible_host as written (Ansible's result line shows it untemplated after a delegated host's name). */
  private addressOf(name: string): string | undefined {
    const address = this.env.run.inventory.hasHost(name) ? this.env.vars.inventoryVars(name).ansible_host : undefined;
    return address === undefined || address === null ? undefined : String(address);
  }

  private delegateTarget(raw: string, view: Record<string, unknown>, task: Task): string {
    try {
      return String(this.env.run.templar.render(raw, view));
    } catch (e) {
      if (!(e instanceof UndefinedVariableError)) throw e;
      const msg = `The field 'delegate_to' has an invalid value, which includes an undefined variable. The error was: ${e.message}. ${e.message}${where(task)}`;
      throw new DelegateUndefined(msg, raw);
    }
  }

  /** A whole-number keyword (retries, delay), templated as Ansible templates them. */
  private intKeyword(value: number | string | undefined, fallback: number, name: string, view: Record<string, unknown>): number {
    if (value === undefined || value === null) return fallback;
    const rendered = typeof value === 'string' ? this.env.run.templar.render(value, view) : value;
    const n = typeof rendered === 'number' ? rendered : Number(String(rendered).trim());
    if (!Number.isInteger(n)) throw new ModuleFailure(`the field '${name}' has an invalid value (${String(rendered)}), and could not be converted to int.`);
    return n;
  }

  private untilHolds(task: Task, vars: Record<string, unknown>, outcome: TaskOutcome): boolean {
    const withResult = task.register ? { ...vars, [task.register]: outcome.result } : vars;
    return this.conditionHolds(task.until!, this.env.run.templar.view(withResult), task, 'until');
  }

  private async execute(module: Module<any, any>, ctx: ModuleContext<Record<string, unknown>>, check: boolean, by: string): Promise<TaskOutcome> {
    try {
      const { plan, applied } = await planAndApply(module, ctx, check);
      if (check && plan.changed && plan.creates) hostState(this.env.run, ctx.host).planned.record(plan.creates, by);
      if (check && (plan.unpredictable || (!module.supportsCheckMode && plan.changed))) {
        const msg = plan.unpredictable ?? `remote module (${module.name}) does not support check mode`;
        return { status: 'skipped', ignored: false, result: { ...plan.result, changed: false, skipped: true, msg }, diff: [], noLog: false };
      }
      const changed = applied ? (applied.changed ?? plan.changed) : plan.changed;
      const result: ModuleResult = { ...(applied ? applied.result : plan.result), changed };
      const diff = (applied ? applied.diff : undefined) ?? plan.diff ?? [];
      const effects = (applied ? applied.effects : undefined) ?? plan.effects;
      if (ctx.diff && diff.length > 0) result.diff = diff.length === 1 ? diff[0] : diff;
      const outcome: TaskOutcome = {
        status: result.failed ? 'failed' : result.skipped === true ? 'skipped' : changed ? 'changed' : 'ok',
        ignored: false,
        result,
        diff: ctx.diff ? diff : [],
        noLog: false,
      };
      if (effects) outcome.effects = effects;
      return outcome;
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      if (e instanceof TaskFailure) throw e;
      if (e instanceof ModuleFailure || e instanceof UndefinedVariableError) {
        const r = this.failureOf(e);
        return r;
      }
      return { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: (e as Error).message }, diff: [], noLog: false };
    }
  }

  private failureOf(e: ModuleFailure | UndefinedVariableError): TaskOutcome {
    const result: ModuleResult = e instanceof ModuleFailure ? { changed: false, ...e.result, failed: true, msg: e.message } : { changed: false, failed: true, msg: e.message };
    return { status: 'failed', ignored: false, result, diff: [], noLog: false };
  }

  /** changed_when and failed_when, evaluated with the result registered. */
  private applyOverrides(outcome: TaskOutcome, task: Task, vars: Record<string, unknown>, module: Module<any, any>): TaskOutcome {
    if (outcome.status === 'skipped' || outcome.status === 'unreachable') return outcome;
    if (!task.changedWhen && !task.failedWhen) return outcome;
    const templar = this.env.run.templar;
    const withResult = task.register ? { ...vars, [task.register]: outcome.result } : vars;
    const view = templar.view(withResult);
    const r = outcome.result;
    if (task.changedWhen) {
      r.changed = this.conditionHolds(task.changedWhen, view, task, 'changed_when');
    }
    if (task.failedWhen) {
      // A list of failed_when conditions must all hold, like `when`.
      const failed = this.conditionHolds(task.failedWhen, view, task, 'failed_when');
      r.failed_when_result = failed;
      r.failed = failed;
    }
    void module;
    outcome.status = r.failed ? 'failed' : r.changed ? 'changed' : 'ok';
    return outcome;
  }

  private renderArgs(task: Task, eff: Effective, view: Record<string, unknown>): Record<string, unknown> {
    // Lookups in the arguments find files as Ansible's do: the role's, then the playbook's directories.
    const rendered = this.env.run.templar.render(task.args, view, { searchPaths: this.searchPaths(task, eff) }) as Record<string, unknown>;
    const omit = this.env.run.omit;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rendered)) if (v !== omit) out[k] = v;
    return out;
  }

  private connectionFor(host: string, delegateTo: string | undefined, eff: Effective, view: Record<string, unknown>, timeoutSeconds?: number): Promise<Connection> {
    return this.env.run.connect(delegateTo ?? host, timeoutSeconds).then((inner) => {
      const become = this.becomeFor(eff, view);
      const environment = this.environmentFor(eff, view);
      if (!become && Object.keys(environment).length === 0) return inner;
      return new TaskConnection(inner, { become, environment });
    });
  }

  private becomeFor(eff: Effective, view: Record<string, unknown>): BecomeSpec | undefined {
    const opts = this.env.run.options;
    const on = this.boolSetting(eff.become, view, opts.become || toBoolean(view.ansible_become) === true);
    if (!on) return undefined;
    const templar = this.env.run.templar;
    const user = String(templar.render(eff.becomeUser ?? opts.becomeUser ?? view.ansible_become_user ?? 'root', view));
    const method = String(templar.render(eff.becomeMethod ?? opts.becomeMethod ?? view.ansible_become_method ?? 'sudo', view));
    if (method !== 'sudo' && method !== 'su') throw new ModuleFailure(`Invalid become method specified, could not find matching plugin: '${method}'`);
    const password = opts.becomePassword ?? (view.ansible_become_password ?? view.ansible_become_pass) as string | undefined;
    return { method, user, password: password === undefined ? undefined : String(templar.render(password, view)), flags: eff.becomeFlags };
  }

  private environmentFor(eff: Effective, view: Record<string, unknown>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const level of eff.environment) {
      const rendered = this.env.run.templar.render('__template__' in level ? level.__template__ : level, view);
      if (rendered && typeof rendered === 'object') {
        for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
      }
    }
    return env;
  }

  private searchPaths(task: Task, eff: Effective, source?: string): string[] {
    // They depend on the role, the task's file and the template source only:
    // made once for all the tasks, hosts and items that share those.
    const key = `${eff.role?.dir ?? ''}\0${task.origin.fileDir}\0${source ?? ''}`;
    let dirs = this.knownSearchPaths.get(key);
    if (!dirs) {
      dirs = this.searchPathsFrom(task, eff, source);
      this.knownSearchPaths.set(key, dirs);
    }
    return dirs;
  }

  private searchPathsFrom(task: Task, eff: Effective, source?: string): string[] {
    const dirs: string[] = [];
    if (source) dirs.push(join(source, '..'));
    if (eff.role) dirs.push(join(eff.role.dir, 'files'), join(eff.role.dir, 'templates'), join(eff.role.dir, 'tasks'), eff.role.dir);
    dirs.push(task.origin.fileDir, join(this.env.playbookDir, 'files'), join(this.env.playbookDir, 'templates'), this.env.playbookDir);
    return dirs;
  }

  private findFile(kind: 'files' | 'templates' | 'vars', name: string, task: Task, eff: Effective): string {
    if (isAbsolute(name)) {
      if (existsSync(name)) return name;
      throw new ModuleFailure(`Could not find or access '${name}' on the Ansible Controller.`);
    }
    const dirs: string[] = [];
    if (eff.role) dirs.push(join(eff.role.dir, kind), join(eff.role.dir, 'tasks'), eff.role.dir);
    dirs.push(join(task.origin.fileDir, kind), task.origin.fileDir, join(this.env.playbookDir, kind), this.env.playbookDir);
    for (const d of dirs) {
      const p = join(d, name);
      if (existsSync(p)) return p;
    }
    const msg = `Could not find or access '${name}'\nSearched in:\n${dirs.map((d) => `\t${join(d, name)}`).join('\n')} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`;
    throw new ModuleFailure(msg, { exception: `ansible.errors.AnsibleFileNotFound: ${msg}` });
  }
}

function noConnection(host: string) {
  return {
    host,
    exec: () => Promise.reject(new Error('this module runs on the controller only')),
    close: async () => undefined,
  };
}

/** An error of a task that ends the whole run (ERROR!), not only the host. */
class TaskAbort extends TsplayError {}
