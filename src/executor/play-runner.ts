// Running one play: choose its hosts, split them into serial batches, gather
// facts, walk each host through pre_tasks, roles and tasks, post_tasks (with
// handlers flushed after each), and report every result.
import PQueue from 'p-queue';
import { gatherFacts } from '../facts/gather.js';
import type { DynamicInclude, Handler, Item, Play, RoleInstance, Task } from '../playbook/types.js';
import { UnreachableError } from '../connection/connection.js';
import { ParseError, TsplayError, type SourceLocation } from '../errors.js';
import { UndefinedVariableError } from '../templating/templar.js';
import { hostState, type RunContext } from './context.js';
import { Scheduler } from './lockstep.js';
import { effectiveIn, type Scope } from './scope.js';
import { tagsSelected } from './tags.js';
import { applyEffects, TaskRunner, type ItemOutcome, type TaskOutcome } from './task-runner.js';
import { ControllerFiles } from './controller-files.js';
import { VarsBuilder } from './vars.js';
import { PlayVarsFiles } from './vars-files.js';
import { taskTitle } from './task-title.js';
import { loopItems } from './loops.js';
import { batches } from './serial.js';
import { IncludeLoader } from './include-loader.js';
import { OutcomeReporter } from './outcome-reporter.js';
import { RunningHosts } from './running-hosts.js';
import { handlersFor } from './handlers.js';
import { splitPatterns } from '../inventory/index.js';
import { LOOKUP_LOOPS } from '../playbook/keywords.js';
import { findModule } from '../../modules/index.js';
import { roleArgumentCheckOf, runRoleArgumentCheck } from '../playbook/role-arguments.js';
import { findStart } from './start-at-task.js';
import { runDefaults } from '../config/run-defaults.js';

/** `pos` is the step's place in the play's task tree; linear runs the lowest first. */
type Step = { pos: number[] } & (
  | { kind: 'facts' }
  | { kind: 'task'; task: Task; chain: Scope[]; rescuable: boolean }
  | { kind: 'include'; include: DynamicInclude; chain: Scope[] }
  | { kind: 'flush'; section: number }
);

interface IncludeRun {
  items: Item[];
  /** Shared by every host that included the same file with the same item and vars. */
  scope: Scope;
  /** Where it runs among this include's files: in the order they were included, one after another (Ansible's included files). */
  order: number;
}

type StepResult =
  | { kind: 'task'; outcome: TaskOutcome }
  | { kind: 'include'; runs: IncludeRun[]; failed: boolean }
  | { kind: 'none' };

type WalkEnd = 'ok' | 'failed' | 'ended';

interface PlayHost {
  name: string;
  /** The task that failed last, for ansible_failed_task/result in rescue. */
  lastFailure?: { task: Task; result: Record<string, unknown> };
  failed: boolean;
  ended: boolean;
  notified: Set<Handler>;
}

export class PlayRunner {
  private readonly hosts = new Map<string, PlayHost>();
  private readonly running = new RunningHosts();
  private readonly vars: VarsBuilder;
  private readonly tasks: TaskRunner;
  private readonly queue: PQueue;
  private readonly playScope: Scope;
  private readonly varsFiles: PlayVarsFiles;
  private batch: string[] = [];
  private allHosts: string[] = [];
  /** Hosts that have reached --start-at-task's task (start-at-task.ts). */
  private readonly started = new Set<string>();
  /** The item this play starts at, when --start-at-task found it here. */
  private startAt: Item | undefined;
  private readonly includes: IncludeLoader;
  private readonly outcomes: OutcomeReporter;

  constructor(
    private readonly run: RunContext,
    private readonly play: Play,
    private readonly startState: { startAtTaskFound: boolean },
  ) {
    this.varsFiles = new PlayVarsFiles(play, run.templar);
    this.vars = new VarsBuilder(run, {
      play,
      varsFiles: this.varsFiles,
      // Made again only when a host failed or ended (running-hosts.ts), not for every host and task.
      playHosts: this.running.list(() => this.allHosts, (h) => this.hosts.get(h)),
      batchHosts: this.running.list(() => this.batch, (h) => this.hosts.get(h)),
      allPlayHosts: [],
    });
    this.playScope = {
      inherited: {
        when: [],
        tags: play.tags,
        vars: {},
        environment: play.environment,
        become: play.become,
        becomeUser: play.becomeUser,
        becomeMethod: play.becomeMethod,
        becomeFlags: play.becomeFlags,
        checkMode: play.checkMode,
        diff: play.diff,
        noLog: play.noLog,
        ignoreErrors: play.ignoreErrors,
        anyErrorsFatal: play.anyErrorsFatal,
      },
    };
    this.tasks = new TaskRunner({ run, vars: this.vars, playbookDir: play.playbookDir, playScope: this.playScope });
    this.queue = new PQueue({ concurrency: Math.max(1, run.options.forks) });
    this.includes = new IncludeLoader(play);
    this.outcomes = new OutcomeReporter(run);
  }

  /** `at`: where the task is written (for --output json). */
  private report(host: string, o: TaskOutcome, rescuable: boolean, at?: SourceLocation): void {
    if (this.outcomes.report(host, o, rescuable, at) === 'unreachable') this.hosts.get(host)!.ended = true;
  }

  /** Hosts of the play, after --limit (hosts failed in earlier plays stay: see execute). */
  selectHosts(exclude: Set<string> = new Set()): string[] {
    for (const part of splitPatterns(this.play.hosts)) {
      const name = part.replace(/^[&!]/, '');
      if (this.run.inventory.selectHosts(name).length === 0) {
        this.run.reporter.emit({ kind: 'warning', message: `Could not match supplied host pattern, ignoring: ${name}` });
      }
    }
    const selected = this.run.inventory.selectHosts(this.play.hosts, this.run.options.limit).filter((h) => !exclude.has(h));
    switch (this.play.order) {
      case 'reverse_inventory':
        return selected.reverse();
      case 'sorted':
        return [...selected].sort();
      case 'reverse_sorted':
        return [...selected].sort().reverse();
      case 'shuffle':
        return [...selected].sort(() => Math.random() - 0.5);
      default:
        return selected;
    }
  }

  /**
   * Run the play on `hosts`; returns the hosts that failed or became unreachable.
   * As in Ansible, hosts `dropped` by earlier plays stay in the play's hosts
   * (ansible_play_hosts_all) and its serial batches, but run nothing.
   */
  async execute(hosts: string[], dropped: ReadonlySet<string> = new Set()): Promise<Set<string>> {
    const name = this.vars.playName();
    this.allHosts = hosts;
    (this.vars as unknown as { ctx: { allPlayHosts: string[] } }).ctx.allPlayHosts = hosts;
    for (const h of hosts) {
      const state = this.running.state(h, { notified: new Set<Handler>() });
      if (dropped.has(h)) state.failed = true;
      this.hosts.set(h, state);
    }
    if (hosts.length === 0) {
      this.run.reporter.emit({ kind: 'play_start', name, hosts });
      this.run.reporter.emit({ kind: 'no_hosts', pattern: this.play.hosts.join(',') });
      return new Set();
    }
    const { startAtTask, tags, skipTags } = this.run.options;
    if (startAtTask !== undefined && !this.startState.startAtTaskFound) {
      this.startAt = findStart(this.play, startAtTask, tags, skipTags);
      if (!this.startAt) {
        // A play before the task runs nothing (not even facts): its banner only, as ansible-playbook.
        for (const batch of batches(hosts, this.play.serial)) this.run.reporter.emit({ kind: 'play_start', name, hosts: batch.filter((h) => !dropped.has(h)) });
        return new Set();
      }
      this.startState.startAtTaskFound = true;
    }
    this.varsFiles.preload();
    // Start connecting to every host now, in parallel; tasks await the same
    // connection, and an unreachable host is reported by the first task that needs it.
    for (const h of hosts) void this.run.connect(h).catch(() => undefined);
    for (const all of batches(hosts, this.play.serial)) {
      const batch = all.filter((h) => !dropped.has(h));
      // ansible-playbook announces the play again for every serial batch, even one with no host left.
      this.run.reporter.emit({ kind: 'play_start', name, hosts: batch });
      if (batch.length === 0) continue;
      this.batch = batch;
      await this.runBatch(batch);
      // As ansible-playbook: when every host of a batch failed or became
      // unreachable, the play ends, and so does the run (no later play starts).
      const lost = batch.filter((h) => this.hosts.get(h)!.failed || hostState(this.run, h).unreachable).length;
      if (lost > 0 && lost === batch.length) {
        this.aborted = true;
        break;
      }
      if (this.stopPlay) break;
    }
    return new Set(hosts.filter((h) => this.hosts.get(h)!.failed || hostState(this.run, h).unreachable));
  }

  private stopPlay = false;

  /** The scopes of included files (IncludeRun.scope): a task in one runs with the hosts that included the same. */
  private readonly includeScopes = new WeakSet<Scope>();
  private readonly stepKeys = new WeakMap<object, WeakMap<object, object>>();

  /**
   * What steps run together: the same task (or include) reached through the
   * same included file and item. Hosts that included a file with other items
   * or vars run its tasks separately, as Ansible runs each included file.
   */
  private stepKey(what: object, chain: readonly Scope[]): object {
    let scope: object = this.play;
    for (let i = chain.length - 1; i >= 0; i--) {
      if (this.includeScopes.has(chain[i]!)) {
        scope = chain[i]!;
        break;
      }
    }
    let keys = this.stepKeys.get(scope);
    if (!keys) this.stepKeys.set(scope, (keys = new WeakMap()));
    let key = keys.get(what);
    if (!key) keys.set(what, (key = {}));
    return key;
  }

  private async runBatch(batch: string[]): Promise<void> {
    const scheduler = new Scheduler<Step, StepResult>(
      batch,
      {
        keyOf: (s) => (s.kind === 'task' ? this.stepKey(s.task, s.chain) : s.kind === 'include' ? this.stepKey(s.include, s.chain) : s.kind === 'flush' ? `flush${s.section}` : 'facts'),
        positionOf: (s) => s.pos,
      },
      (step, hosts) => this.dispatch(step, hosts),
      this.play.strategy === 'linear',
    );
    await Promise.all(
      batch.map(async (host) => {
        try {
          await this.walkPlay(host, scheduler);
        } finally {
          scheduler.done(host);
        }
      }),
    );
  }

  private async walkPlay(host: string, scheduler: Scheduler<Step, StepResult>): Promise<void> {
    const h = this.hosts.get(host)!;
    const factsWanted = this.gatherWanted(host);
    if (factsWanted) {
      await scheduler.step(host, { kind: 'facts', pos: [-1] });
      if (h.ended) return;
    }
    for (let section = 0; section < this.play.sections.length; section++) {
      const end = await this.walk(host, this.play.sections[section]!, [], false, scheduler, [section]);
      if (end !== 'ok' && !(h.failed && this.play.forceHandlers)) return;
      await scheduler.step(host, { kind: 'flush', section, pos: [section, Number.MAX_SAFE_INTEGER] });
      if (h.ended || h.failed) return;
    }
  }

  private gatherWanted(host: string): boolean {
    // gathering=smart (ansible.cfg): a host whose facts an earlier play gathered is not asked again.
    if (runDefaults.gathering === 'smart' && Object.keys(hostState(this.run, host).facts).length > 0) return false;
    const g = this.play.gatherFacts;
    if (typeof g === 'boolean') return g;
    return Boolean(this.run.templar.isTrue(g, this.run.templar.view(this.vars.build(host))));
  }

  private async walk(
    host: string,
    items: readonly Item[],
    chain: Scope[],
    rescuable: boolean,
    scheduler: Scheduler<Step, StepResult>,
    pos: number[],
  ): Promise<WalkEnd> {
    const h = this.hosts.get(host)!;
    for (const [index, item] of items.entries()) {
      const here = [...pos, index];
      if (h.ended) return 'ended';
      if (item.kind === 'block') {
        const scope: Scope = { inherited: item, role: item.origin.role };
        const inner = [...chain, scope];
        let end = await this.walk(host, item.block, inner, rescuable || item.rescue.length > 0, scheduler, [...here, 0]);
        if (end === 'failed' && item.rescue.length > 0) {
          h.failed = false;
          if (h.lastFailure) {
            const { task, result } = h.lastFailure;
            Object.assign(hostState(this.run, host).setFacts, {
              ansible_failed_task: { name: task.name ?? task.action, action: task.action, args: task.args },
              ansible_failed_result: result,
            });
          }
          end = await this.walk(host, item.rescue, inner, rescuable, scheduler, [...here, 1]);
        }
        if (item.always.length > 0 && end !== 'ended') {
          const wasFailed = end === 'failed';
          if (wasFailed) h.failed = false;
          const after = await this.walk(host, item.always, inner, rescuable, scheduler, [...here, 2]);
          end = after !== 'ok' ? after : end;
          if (end === 'failed') h.failed = true;
        }
        if (end !== 'ok') return end;
        continue;
      }
      const eff = effectiveIn(this.playScope, chain, item);
      if (!tagsSelected(eff.tags, this.run.options.tags, this.run.options.skipTags)) continue;
      if (this.startAt && !this.started.has(host)) {
        if (item !== this.startAt) continue;
        this.started.add(host);
      }
      if (item.kind === 'include') {
        const res = await scheduler.step(host, { kind: 'include', include: item, chain, pos: here });
        if (res.kind !== 'include') continue;
        if (res.failed) {
          if (rescuable) return 'failed';
          h.failed = true;
          return 'failed';
        }
        for (const run of res.runs) {
          const end = await this.walk(host, run.items, [...chain, run.scope], rescuable, scheduler, [...here, run.order]);
          if (end !== 'ok') return end;
        }
        continue;
      }
      const res = await scheduler.step(host, { kind: 'task', task: item, chain, rescuable, pos: here });
      if (h.ended) return 'ended';
      if (res.kind === 'task') {
        const o = res.outcome;
        if (o.status === 'unreachable') return 'ended';
        if (o.status === 'failed' && !o.ignored) {
          h.failed = true;
          h.lastFailure = { task: item, result: o.result };
          return 'failed';
        }
      }
    }
    return 'ok';
  }

  private async dispatch(step: Step, hosts: string[]): Promise<Map<string, StepResult>> {
    switch (step.kind) {
      case 'facts':
        return this.dispatchFacts(hosts);
      case 'task':
        return this.dispatchTask(step.task, step.chain, hosts, step.rescuable);
      case 'include':
        return this.dispatchInclude(step.include, step.chain, hosts);
      case 'flush':
        await this.flushHandlers(hosts);
        return new Map(hosts.map((h) => [h, { kind: 'none' } as StepResult]));
    }
  }

  /**
   * Resolves templated vars_files for `hosts` before a task's banner, as
   * Ansible does: an entry that names an undefined variable once a host has
   * facts stops the run here, not half-way through the task.
   */
  private resolveVarsFiles(hosts: string[]): void {
    if (this.varsFiles.templated) for (const host of hosts) this.vars.build(host);
  }

  private async dispatchFacts(hosts: string[]): Promise<Map<string, StepResult>> {
    this.resolveVarsFiles(hosts);
    this.run.reporter.emit({ kind: 'task_start', name: 'Gathering Facts', handler: false, hosts: hosts.length, location: this.play.location });
    const out = new Map<string, StepResult>();
    await Promise.all(
      hosts.map((host) =>
        this.queue.add(async () => {
          try {
            const conn = await this.run.connect(host);
            hostState(this.run, host).addFacts(await gatherFacts(conn, { subset: this.play.gatherSubset }));
            this.report(host, { status: 'ok', ignored: false, result: { changed: false }, diff: [], noLog: false }, false, this.play.location);
          } catch (e) {
            const unreachable = e instanceof UnreachableError;
            const outcome: TaskOutcome = {
              status: unreachable ? 'unreachable' : 'failed',
              ignored: false,
              result: { changed: false, msg: (e as Error).message, ...(unreachable ? { unreachable: true } : { failed: true }) },
              diff: [],
              noLog: false,
            };
            this.report(host, outcome, false, this.play.location);
          }
          out.set(host, { kind: 'none' });
        }),
      ),
    );
    return out;
  }

  /** The task's name in its TASK banner, rendered with `host`'s variables. */
  private taskTitle(task: Task, host: string, chain: Scope[]): string {
    const templar = this.run.templar;
    const render = (name: string) => templar.render(name, templar.view(this.vars.build(host, effectiveIn(this.playScope, chain, task))));
    return taskTitle(task, render, true);
  }

  /**
   * A templated action (`action: "{{ pkg_mgr }}"`) rendered before the task's
   * banner, as Ansible's strategy renders it: one that does not render ends
   * the run with no banner.
   */
  private renderActionFirst(task: Task, host: string, chain: Scope[]): void {
    if (!task.action.includes('{{')) return;
    const templar = this.run.templar;
    try {
      templar.render(task.action, templar.view(this.vars.build(host, effectiveIn(this.playScope, chain, task))));
    } catch (e) {
      throw new TsplayError(e instanceof UndefinedVariableError ? `${e.message}. ${e.message}` : (e as Error).message, task.origin.location);
    }
  }

  /** `chainOf`: a host's own chain, where hosts run the task in different scopes (handlers of included roles). */
  private async dispatchTask(task: Task, chain: Scope[], hosts: string[], rescuable: boolean, chainOf?: (host: string) => Scope[]): Promise<Map<string, StepResult>> {
    const out = new Map<string, StepResult>();
    if (task.action === 'meta') return this.dispatchMeta(task, chain, hosts);
    this.resolveVarsFiles(hosts);
    const eff = effectiveIn(this.playScope, chain, task);
    const runOnce = eff.runOnce === true || eff.runOnce === 'true' || eff.runOnce === 'yes';
    // Actions that bypass the host loop (add_host, pause) run on the first host alone, and count there only.
    const targets = runOnce || findModule(task.action)?.bypassHostLoop ? hosts.slice(0, 1) : hosts;
    this.renderActionFirst(task, hosts[0]!, chain);
    this.run.reporter.emit({ kind: 'task_start', name: this.taskTitle(task, hosts[0]!, chain), handler: task.isHandler, hosts: targets.length, location: task.origin.location });
    const files = new ControllerFiles();
    // Results are reported in host order, each as soon as the hosts before it
    // are done, so that reporting overlaps the hosts still at work.
    let reported = 0;
    const reportReady = (): void => {
      for (; reported < targets.length && out.has(targets[reported]!); reported++) {
        const host = targets[reported]!;
        const res = out.get(host)!;
        if (res.kind !== 'task') continue;
        this.report(host, res.outcome, rescuable, task.origin.location);
        this.notify(host, task, res.outcome);
      }
    };
    const job = (host: string): Promise<void> =>
      this.runTask(host, task, chainOf?.(host) ?? chain, files).then((outcome) => {
        out.set(host, { kind: 'task', outcome });
        if (!runOnce) reportReady();
      });
    // The linear strategy dispatches one task at a time: when its hosts fit
    // in the forks they all start at once, so the queue's bookkeeping is skipped.
    const direct = this.play.strategy === 'linear' && targets.length <= this.queue.concurrency;
    await Promise.all(targets.map((host) => (direct ? job(host) : this.queue.add(() => job(host)))));
    if (runOnce) {
      const first = out.get(hosts[0]!)!;
      for (const host of hosts.slice(1)) {
        out.set(host, first);
        if (first.kind !== 'task') continue;
        const state = hostState(this.run, host);
        if (task.register) state.setFacts[task.register] = { ...first.outcome.result };
        // run_once facts and included vars apply to every host of the play, as in
        // Ansible, unless delegate_facts gave them to the delegated host alone.
        if (!first.outcome.factsDelegated) applyEffects(state, first.outcome);
      }
      for (const host of hosts) {
        const res = out.get(host)!;
        if (res.kind !== 'task') continue;
        // A run_once result counts for the host that ran it only, as in Ansible.
        if (host === hosts[0]) this.report(host, res.outcome, rescuable, task.origin.location);
        this.notify(host, task, res.outcome);
      }
    }
    for (const host of hosts) if (!out.has(host)) out.set(host, { kind: 'none' });
    this.checkFailureLimits(task, chain, hosts, out);
    return out;
  }

  /** A task on one host; a role's argument check runs here, on the controller (role-arguments.ts). */
  private runTask(host: string, task: Task, chain: Scope[], files: ControllerFiles): Promise<TaskOutcome> {
    const argumentCheck = roleArgumentCheckOf(task);
    if (!argumentCheck) return this.tasks.run(host, task, chain, files);
    const eff = effectiveIn(this.playScope, chain, task);
    return Promise.resolve(runRoleArgumentCheck(argumentCheck, eff, this.vars.build(host, eff), this.run.templar));
  }

  private checkFailureLimits(task: Task, chain: Scope[], hosts: string[], out: Map<string, StepResult>): void {
    const failedNow = hosts.filter((h) => {
      const r = out.get(h);
      return r?.kind === 'task' && r.outcome.status === 'failed' && !r.outcome.ignored;
    });
    if (failedNow.length === 0) return;
    const eff = effectiveIn(this.playScope, chain, task);
    if (eff.anyErrorsFatal) {
      this.endAll();
      return;
    }
    const pct = this.play.maxFailPercentage;
    if (pct !== undefined) {
      const failed = this.batch.filter((h) => this.hosts.get(h)!.failed || failedNow.includes(h)).length;
      if ((failed / this.batch.length) * 100 > pct) this.endAll();
    }
  }

  /** any_errors_fatal / max_fail_percentage: stop this play and the rest of the run. */
  private endAll(): void {
    this.run.reporter.emit({ kind: 'no_hosts_left' });
    for (const h of this.hosts.values()) h.ended = true;
    this.stopPlay = true;
    this.aborted = true;
  }

  /** Set when a failure ended the whole run (any_errors_fatal, max_fail_percentage, a batch that all failed). */
  aborted = false;

  private async dispatchMeta(task: Task, chain: Scope[], hosts: string[]): Promise<Map<string, StepResult>> {
    const out = new Map<string, StepResult>();
    const action = String(task.args._raw_params ?? '');
    const eff = effectiveIn(this.playScope, chain, task);
    // Like Ansible's linear strategy, only these meta actions are per host; the
    // others run once, with `when` judged on the first host.
    const perHost = ['noop', 'reset_connection', 'end_host', 'role_complete', 'flush_handlers'].includes(action);
    const judged = perHost ? hosts : hosts.slice(0, 1);
    const applies = judged.filter((host) => {
      try {
        return eff.when.every((c) => this.run.templar.isTrue(c, this.run.templar.view(this.vars.build(host, eff))));
      } catch {
        return false;
      }
    });
    // What ansible-playbook prints for a meta task: its header once for each
    // host it is judged on, and "skipping" where `when` is false (not counted).
    for (const host of judged) {
      this.run.reporter.emit({ kind: 'task_start', name: this.taskTitle(task, host, chain), handler: task.isHandler, hosts: 1, location: task.origin.location });
      if (!applies.includes(host)) {
        this.run.reporter.emit({ kind: 'host_result', host, status: 'skipped', ignored: false, result: { changed: false, skip_reason: 'Conditional result was False', skipped: true }, diff: [], verbose: this.run.options.verbosity > 0, noLog: false, location: task.origin.location });
      }
    }
    const ok: TaskOutcome = { status: 'ok', ignored: false, result: { changed: false }, diff: [], noLog: false };
    for (const host of hosts) out.set(host, { kind: 'task', outcome: ok });
    switch (action) {
      case 'flush_handlers':
        if (task.isHandler) throw new TsplayError('flush_handlers cannot be used as a handler');
        await this.flushHandlers(applies);
        break;
      case 'end_play':
      case 'end_batch':
        if (applies.length > 0) {
          for (const h of this.hosts.values()) if (this.batch.includes(h.name)) h.ended = true;
          if (action === 'end_play') this.stopPlay = true;
        }
        break;
      case 'end_host':
        for (const h of applies) this.hosts.get(h)!.ended = true;
        break;
      case 'clear_facts':
        for (const h of applies) {
          hostState(this.run, h).clearFacts();
          hostState(this.run, h).setFacts = {};
        }
        break;
      case 'clear_host_errors':
        for (const h of applies) this.hosts.get(h)!.failed = false;
        break;
      case 'reset_connection':
        // The next task opens a new connection (new login, new sessions).
        await Promise.all(applies.map((h) => this.run.resetConnection(h)));
        break;
      default:
        break;
    }
    return out;
  }

  /** `chainOf`: a host's own chain, as for dispatchTask (handlers of included roles). */
  private async dispatchInclude(inc: DynamicInclude, chain: Scope[], hosts: string[], chainOf?: (host: string) => Scope[]): Promise<Map<string, StepResult>> {
    const out = new Map<string, StepResult>();
    // Ansible's included files: one per file, loop item and vars, naming its hosts, in the order first included.
    const included = new Map<string, { file?: string; item?: unknown; hosts: string[]; scope: Scope; order: number }>();
    this.run.reporter.emit({ kind: 'task_start', name: includeTitle(inc), handler: inc.isHandler === true, hosts: hosts.length, location: inc.origin.location });
    const templar = this.run.templar;
    const loopVar = inc.loop?.control.loopVar ?? 'item';
    const indexVar = inc.loop?.control.indexVar;
    for (const host of hosts) {
      const eff = effectiveIn(this.playScope, chainOf?.(host) ?? chain, inc);
      const vars = this.vars.build(host, eff);
      try {
        const view = templar.view(vars);
        // Without a loop, `when` decides for the whole include; with one, for each item (it may read the item).
        if (!inc.loop && !eff.when.every((c) => templar.isTrue(c, view))) {
          this.report(host, { status: 'skipped', ignored: false, result: { changed: false, skip_reason: 'Conditional result was False' }, diff: [], noLog: false }, false, inc.origin.location);
          out.set(host, { kind: 'include', runs: [], failed: false });
          continue;
        }
        const items = inc.loop ? this.includeItems(inc.loop.kind, templar.render(inc.loop.items, view), view, inc.origin.fileDir) : [undefined];
        if (items.length === 0) {
          const result = { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
          this.report(host, { status: 'skipped', ignored: false, result, diff: [], noLog: false }, false, inc.origin.location);
          out.set(host, { kind: 'include', runs: [], failed: false });
          continue;
        }
        const runs: IncludeRun[] = [];
        const skipped: ItemOutcome[] = [];
        for (const [index, item] of items.entries()) {
          const loopVars = inc.loop ? { [loopVar]: item, ansible_loop_var: loopVar, ...(indexVar ? { [indexVar]: index, ansible_index_var: indexVar } : {}) } : {};
          const itemView = templar.view({ ...vars, ...loopVars });
          if (inc.loop && !eff.when.every((c) => templar.isTrue(c, itemView))) {
            const result = { changed: false, skip_reason: 'Conditional result was False', skipped: true, ...loopVars };
            skipped.push({ item, label: item, status: 'skipped', result, diff: [] });
            continue;
          }
          const target = String(templar.render(inc.target, itemView));
          const params = templar.render(inc.params, itemView) as Record<string, unknown>;
          const loaded = inc.what === 'tasks' ? this.includes.tasks(target, inc) : this.includes.role(target, inc);
          // The include's own vars are include params too (above role params and set_fact), as in Ansible.
          const scopeParams = { ...params, ...inc.vars, ...loopVars, ...parentRoles(inc, eff.params) };
          const key = includedKey(loaded.file, scopeParams, `${host}\0${index}`);
          let entry = included.get(key);
          if (!entry) {
            const scope: Scope = { inherited: { when: [], tags: [], vars: inc.vars, environment: [] }, role: loaded.role, params: scopeParams };
            this.includeScopes.add(scope);
            entry = { file: inc.what === 'tasks' ? loaded.file : undefined, item, hosts: [], scope, order: included.size };
            included.set(key, entry);
          }
          entry.hosts.push(host);
          runs.push({ items: loaded.items, scope: entry.scope, order: entry.order });
          if (inc.what === 'role' && loaded.role) this.bindRoleHandlers(host, loaded.role, [...chain, entry.scope]);
        }
        if (skipped.length > 0) this.reportSkippedItems(host, skipped, runs.length === 0, inc);
        out.set(host, { kind: 'include', runs, failed: false });
        // Each file included (per loop item) counts as ok, as Ansible counts it.
        if (inc.what === 'tasks') this.run.stats.add(host, 'ok', runs.length);
      } catch (e) {
        // A role that cannot be read (a missing tasks_from/vars_from file), or a handlers file, ends the run, as in Ansible.
        if ((inc.what === 'role' || inc.isHandler) && e instanceof ParseError) throw e;
        const outcome: TaskOutcome = { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: (e as Error).message }, diff: [], noLog: false };
        this.report(host, outcome, false, inc.origin.location);
        out.set(host, { kind: 'include', runs: [], failed: true });
      }
    }
    for (const e of included.values()) if (e.file !== undefined) this.run.reporter.emit({ kind: 'included', file: e.file, hosts: e.hosts, item: e.item });
    return out;
  }

  /** The chain each host's handlers of an included role run in (the include's vars), by host. */
  private readonly handlerChains = new Map<string, Map<Handler, Scope[]>>();

  private bindRoleHandlers(host: string, role: RoleInstance, chain: Scope[]): void {
    const roles = new Set<RoleInstance>();
    const visit = (r: RoleInstance) => {
      roles.add(r);
      r.dependencies.forEach(visit);
    };
    visit(role);
    let chains = this.handlerChains.get(host);
    if (!chains) this.handlerChains.set(host, (chains = new Map()));
    for (const h of this.play.handlers) if (h.origin.role && roles.has(h.origin.role)) chains.set(h, chain);
  }

  /**
   * An include loop's items that `when` skipped: a line each; when it skipped
   * them all, the host's own skipping line too, as for a task's loop.
   */
  private reportSkippedItems(host: string, skipped: ItemOutcome[], all: boolean, inc: DynamicInclude): void {
    if (all) {
      const result = { changed: false, skipped: true, msg: 'All items skipped', results: skipped.map((s) => s.result) };
      this.report(host, { status: 'skipped', ignored: false, result, diff: [], noLog: false, items: skipped }, false, inc.origin.location);
      return;
    }
    const verbose = this.run.options.verbosity > 0;
    for (const s of skipped) {
      this.run.reporter.emit({ kind: 'host_result', host, status: 'skipped', ignored: false, result: s.result, item: s.label, diff: [], verbose, noLog: false, location: inc.origin.location });
    }
  }

  /** The items of an include's loop: a with_<lookup> loop's from its lookup, searched for beside the including file. */
  private includeItems(kind: string, value: unknown, view: Record<string, unknown>, fileDir: string): unknown[] {
    if (!LOOKUP_LOOPS.has(kind)) return loopItems(kind, value, (patterns) => this.run.inventory.selectHosts(patterns));
    const searchPaths = [...new Set([fileDir, this.play.playbookDir])];
    return this.run.templar.query(kind.slice('with_'.length), Array.isArray(value) ? value : [value], view, { subdir: 'files' }, { searchPaths });
  }

  private notify(host: string, task: Task, outcome: TaskOutcome): void {
    if (task.notify.length === 0 || outcome.result.changed !== true || outcome.status === 'failed') return;
    const h = this.hosts.get(host)!;
    for (const name of task.notify) {
      const matches = handlersFor(this.play.handlers, name);
      if (matches.length === 0) {
        this.run.reporter.emit({ kind: 'warning', message: `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list` });
      }
      for (const m of matches) h.notified.add(m);
    }
  }

  /**
   * The notified handlers, in their order, in one pass: a handler notified by
   * one after it runs at the next flush (after the play's last, never), as in
   * ansible-playbook 2.14.
   */
  private async flushHandlers(hosts: string[]): Promise<void> {
    for (const handler of this.play.handlers) {
      const targets = hosts.filter((host) => this.hosts.get(host)!.notified.has(handler) && this.mayRunHandlers(host));
      if (targets.length === 0) continue;
      for (const t of targets) this.hosts.get(t)!.notified.delete(handler);
      // A handler of an included role runs in the include's scope (its vars), each host in its own.
      await this.runHandler(handler, targets, (host) => this.handlerChains.get(host)?.get(handler) ?? []);
    }
  }

  private mayRunHandlers(host: string): boolean {
    const h = this.hosts.get(host)!;
    return !h.ended && (!h.failed || this.play.forceHandlers);
  }

  private async runHandler(handler: Handler, targets: string[], chainOf: (host: string) => Scope[]): Promise<void> {
    if (handler.kind === 'include') return this.runHandlerInclude(handler, targets, chainOf);
    const results = await this.dispatchTask(handler, chainOf(targets[0]!), targets, false, chainOf);
    for (const [host, r] of results) {
      if (r.kind === 'task' && r.outcome.status === 'failed' && !r.outcome.ignored) this.hosts.get(host)!.failed = true;
      if (r.kind === 'task' && r.outcome.status === 'unreachable') this.hosts.get(host)!.ended = true;
    }
  }

  /** An include_tasks handler: every task of the file it includes runs next (no notify needed), for the hosts that included it. */
  private async runHandlerInclude(inc: DynamicInclude, targets: string[], chainOf: (host: string) => Scope[]): Promise<void> {
    const results = await this.dispatchInclude(inc, chainOf(targets[0]!), targets, chainOf);
    const runs = new Map<Scope, { items: Item[]; order: number; hosts: string[] }>();
    for (const [host, r] of results) {
      if (r.kind !== 'include') continue;
      if (r.failed) this.hosts.get(host)!.failed = true;
      for (const run of r.runs) {
        let entry = runs.get(run.scope);
        if (!entry) runs.set(run.scope, (entry = { items: run.items, order: run.order, hosts: [] }));
        entry.hosts.push(host);
      }
    }
    for (const [scope, { items, hosts }] of [...runs].sort((a, b) => a[1].order - b[1].order)) {
      for (const item of items) {
        const alive = hosts.filter((h) => this.mayRunHandlers(h));
        if (alive.length === 0) break;
        // Handler files hold no blocks (include-loader.ts flattens them).
        if (item.kind !== 'block') await this.runHandler(item, alive, (host) => [...chainOf(host), scope]);
      }
    }
  }
}

/** What include_role inside a role tells the included role of its parents (ansible_parent_role_names/paths). */
function parentRoles(inc: DynamicInclude, outer: Record<string, unknown>): Record<string, unknown> {
  const parent = inc.what === 'role' ? inc.origin.role : undefined;
  if (!parent) return {};
  const earlier = (key: string): unknown[] => (Array.isArray(outer[key]) ? (outer[key] as unknown[]) : []);
  return {
    ansible_parent_role_names: [parent.name, ...earlier('ansible_parent_role_names')],
    ansible_parent_role_paths: [parent.dir, ...earlier('ansible_parent_role_paths')],
  };
}

/** What makes two hosts' included files the same one: the file and its vars (a value JSON cannot write keeps it the host's own). */
function includedKey(file: string, vars: Record<string, unknown>, own: string): string {
  try {
    return JSON.stringify([file, vars]) ?? own;
  } catch {
    return own;
  }
}

/**
 * An include's TASK banner as ansible-playbook 2.14 titles it: include_tasks
 * like any task ("role : name", "role : include_tasks"); include_role by its
 * name alone, or "include_role : ROLE" (never the enclosing role).
 */
function includeTitle(inc: DynamicInclude): string {
  if (inc.what === 'role') return inc.name ?? `include_role : ${inc.target}`;
  return `${inc.origin.role ? `${inc.origin.role.name} : ` : ''}${inc.name ?? 'include_tasks'}`;
}
