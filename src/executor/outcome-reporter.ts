// Counting each task outcome in the recap (as Ansible counts it) and reporting
// it as events: one per host, or one per loop item.
import { hostState, type RunContext } from './context.js';
import type { TaskOutcome } from './task-runner.js';
import type { SourceLocation } from '../errors.js';

export class OutcomeReporter {
  constructor(private readonly run: RunContext) {}

  /** Count one outcome; says when the host turned out unreachable. */
  count(host: string, o: TaskOutcome, rescuable: boolean): 'unreachable' | undefined {
    const stats = this.run.stats;
    switch (o.status) {
      case 'failed':
        if (o.ignored) {
          stats.add(host, 'ok');
          stats.add(host, 'ignored');
          if (o.result.changed === true) stats.add(host, 'changed');
        } else if (rescuable) stats.add(host, 'rescued');
        else stats.add(host, 'failed');
        return undefined;
      case 'unreachable':
        stats.add(host, 'unreachable');
        hostState(this.run, host).unreachable = true;
        return 'unreachable';
      case 'skipped':
        stats.add(host, 'skipped');
        return undefined;
      default:
        stats.add(host, 'ok');
        if (o.result.changed === true) stats.add(host, 'changed');
        return undefined;
    }
  }

  /** `location`: where the task is written, carried by its events (for --output json). */
  report(host: string, o: TaskOutcome, rescuable: boolean, location?: SourceLocation): 'unreachable' | undefined {
    const counted = this.count(host, o, rescuable);
    const verbose = this.run.options.verbosity > 0;
    const emit = this.run.reporter.emit.bind(this.run.reporter);
    if (!o.items) {
      emit({ kind: 'host_result', host, delegatedTo: o.delegatedTo, delegatedAddress: o.delegatedAddress, status: o.status, ignored: o.ignored, result: this.warned(o.result), diff: o.diff, verbose, noLog: o.noLog, shown: o.shown, debugFailure: o.debugFailure, location });
      return counted;
    }
    // ansible-playbook prints the task's own line after the items when no_log
    // hides the loop's results, when the loop skipped every item (or had none),
    // when an error of the task ended the loop, and when a debug loop failed
    // (debug's result, cleaned, keeps its msg and loses its results).
    const debugFailed = o.shown === 'debug' && o.status === 'failed';
    const ownLine = (o.noLog && o.items.length > 0) || o.status === 'skipped' || o.loopAborted === true || debugFailed;
    const anyFailed = o.items.some((it) => it.status === 'failed');
    const last = o.items.length - 1;
    o.items.forEach((it, i) => {
      const status = it.status === 'ok' && it.result.changed ? 'changed' : it.status;
      // "...ignoring" follows the last item, once, or the task's own line.
      const ignored = o.ignored && anyFailed && !ownLine && i === last;
      const delegated = it.delegatedTo ? { delegatedTo: it.delegatedTo, delegatedAddress: it.delegatedAddress } : { delegatedTo: o.delegatedTo, delegatedAddress: o.delegatedAddress };
      emit({ kind: 'host_result', host, ...delegated, status, ignored, result: this.warned(it.result), item: it.label, diff: it.diff, verbose, noLog: o.noLog, shown: o.shown, location });
    });
    if (ownLine) {
      const delegatedTo = o.status === 'skipped' ? undefined : o.delegatedTo;
      // Its items were printed already: the line leaves them out, as Ansible's does.
      const { results: _items, ...result } = o.result;
      emit({ kind: 'host_result', host, delegatedTo, status: o.status, ignored: o.ignored, result, diff: [], verbose, noLog: o.noLog, shown: o.loopAborted ? undefined : o.shown, debugFailure: debugFailed || o.debugFailure, location });
    }
    return counted;
  }

  /**
   * A module's warnings (result.warnings) printed as [WARNING] lines, as
   * Ansible's callback does, and left out of the result it shows (the
   * registered result keeps them).
   */
  private warned(result: TaskOutcome['result']): TaskOutcome['result'] {
    const warnings = result.warnings;
    if (!Array.isArray(warnings) || warnings.length === 0) return result;
    for (const w of warnings) this.run.reporter.emit({ kind: 'warning', message: String(w) });
    const { warnings: _shown, ...rest } = result;
    return rest;
  }
}
