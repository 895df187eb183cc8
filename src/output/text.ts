// Ansible-shaped text output: PLAY/TASK banners, one line per host result,
// unified diffs, and the recap. On a terminal a spinner shows a task that keeps
// the user waiting (task-spinner.ts); off a terminal, plain lines only.
import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../module-api/module-types.js';
import type { HostResult, Reporter, RunEvent } from './events.js';
import type { HostStats } from '../executor/stats.js';
import { pyStr } from '../templating/python-repr.js';
import { pythonJson } from './python-json.js';
import type { TaskSpinner } from './task-spinner.js';
import { plain, type ColorName, type Paint } from './color.js';
import { errorText, warningText } from './textwrap.js';

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/**
 * The width Ansible draws to: one column less than stdout's terminal, and
 * never under 79 (also when stdout is no terminal, or one of unknown width).
 */
export function displayColumns(terminalColumns: number | undefined): number {
  return Math.max(79, (terminalColumns ?? 0) - 1);
}

/** `TITLE ****`: stars up to the display width (3 at least), after a blank line. */
export function banner(title: string, columns = displayColumns(undefined)): string {
  return `\n${title} ${'*'.repeat(Math.max(3, columns - title.length))}`;
}

function pad(label: string, n: number): string {
  return `${label}=${String(n).padEnd(4)}`;
}

/**
 * A diff from renderDiff in colour as Ansible's callback paints it: each
 * difflib line (with its "\\ No newline" note) wrapped with its newline, so a
 * painted line ends with an empty painted segment; context lines as they are.
 */
export function paintDiff(text: string, paint: Paint): string {
  if (paint === plain || !text.endsWith('\n')) return text;
  const groups: string[][] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('\\') && groups.length > 0) groups[groups.length - 1]!.push(line);
    else groups.push([line]);
  }
  const color = (line: string): ColorName | undefined =>
    line.startsWith('+') ? 'diffAdd' : line.startsWith('-') ? 'diffRemove' : line.startsWith('@@') ? 'diffLines' : undefined;
  return groups
    .map((g) => {
      const c = color(g[0]!);
      const lines = `${g.join('\n')}\n`;
      return c ? paint(lines, c) : lines;
    })
    .join('');
}

/**
 * A file diff as Ansible's callback prints it: difflib's unified format (a
 * range of one line is its start alone), then a blank line; nothing at all
 * when the two sides are equal. A module's prepared text is printed as is.
 */
export function renderDiff(d: FileDiff): string {
  if (d.prepared !== undefined) return d.prepared;
  const patch = createTwoFilesPatch(
    `before: ${d.before_header ?? ''}`.trimEnd().replace(/:$/, ''),
    `after: ${d.after_header ?? ''}`.trimEnd().replace(/:$/, ''),
    d.before,
    d.after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "Index"/"====" lines the library adds; Ansible starts at ---.
  const lines = patch
    .split('\n')
    .filter((l) => !l.startsWith('===') && !l.startsWith('Index'))
    .map((l) => l.replace(/\t$/, '').replace(/^@@ -(\d+),1 /, '@@ -$1 ').replace(/ \+(\d+),1 @@/, ' +$1 @@'));
  if (!lines.some((l) => l.startsWith('@@'))) return '';
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The result as Ansible's callback shows it: without the keys it keeps for
 * itself (diff, invocation, failed, skipped); under no_log, the censored
 * note and the keys no_log preserves.
 */
function shownResult(e: HostResult): Record<string, unknown> {
  if (e.noLog) {
    const censored: Record<string, unknown> = { censored: NO_LOG_MSG, changed: e.result.changed ?? false };
    for (const k of ['attempts', 'retries']) if (e.result[k] !== undefined) censored[k] = e.result[k];
    return censored;
  }
  const { diff: _diff, invocation: _inv, failed: _failed, skipped: _skipped, ...rest } = e.result;
  return rest;
}

/** What a debug result may show besides `msg` (Ansible's default callback). */
const DEBUG_WITH_MSG = new Set(['msg', 'exception', 'warnings', 'deprecations']);

/**
 * debug shows its own keys only, as Ansible's default callback does: `msg`
 * alone (not even a loop's item), or the variable without the task's status.
 */
function cleanDebug(body: Record<string, unknown>): void {
  if ('msg' in body) {
    for (const k of Object.keys(body)) if (!DEBUG_WITH_MSG.has(k) && !k.startsWith('_')) delete body[k];
  } else {
    for (const k of ['changed', 'failed', 'skipped', 'invocation', 'skip_reason']) delete body[k];
  }
}

/** A result's lines, each painted as Ansible's callback paints it. */
function hostLine(e: HostResult, verbosity: number, paint: Paint): string[] {
  // As Ansible's host_label: a task delegated to its own host names no other; a skip names only the host.
  const delegated = e.delegatedTo !== undefined && e.delegatedTo !== e.host && e.status !== 'skipped';
  const host = delegated ? `${e.host} -> ${e.delegatedTo}${e.delegatedAddress ? `(${e.delegatedAddress})` : ''}` : e.host;
  // The loop item as Ansible's default callback prints it: Python's str() of it.
  const item = e.item !== undefined ? ` (item=${e.noLog ? 'None' : pyStr(e.item)})` : '';
  // debug and assert ask for their result to be shown, indented, without -v
  // (Ansible's _ansible_verbose_always); no_log takes that away. Otherwise a
  // result is shown at -v, on one line (indented from -vvv).
  // A failed debug (its arguments could not be templated) is not shown that way.
  const always = e.shown !== undefined && !e.noLog && e.status !== 'skipped' && !(e.shown === 'debug' && e.status === 'failed');
  const indent = always || verbosity > 2 ? 4 : undefined;
  const body = (): Record<string, unknown> => {
    const shown = shownResult(e);
    if (e.shown === 'debug' || e.debugFailure) cleanDebug(shown);
    return shown;
  };
  const out: string[] = [];
  if (e.status === 'failed') {
    // A failure that carries an exception: its last line first, then the result without it (Ansible's callback).
    const shown = body();
    if (typeof shown.exception === 'string' && !e.noLog) {
      const last = shown.exception.trim().split('\n').pop();
      out.push(paint(`An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${last}`, 'error'));
      delete shown.exception;
    }
    out.push(paint(`${e.item !== undefined ? 'failed' : 'fatal'}: [${host}]${e.item !== undefined ? item : ': FAILED!'} => ${pythonJson(shown, indent)}`, 'error'));
    if (e.ignored) out.push(paint('...ignoring', 'skip'));
    return out;
  }
  if (e.status === 'unreachable') {
    return [paint(`fatal: [${host}]: UNREACHABLE! => ${pythonJson(shownResult(e), indent)}`, 'unreachable')];
  }
  const word = e.status === 'skipped' ? 'skipping' : e.status;
  const color: ColorName = e.status === 'skipped' ? 'skip' : e.status === 'changed' ? 'changed' : 'ok';
  // Ansible ends a skipped item's line with a space.
  const itemText = item ? ` =>${item}${e.status === 'skipped' ? ' ' : ''}` : '';
  if (!e.verbose && !always) out.push(paint(`${word}: [${host}]${itemText}`, color));
  else out.push(paint(`${word}: [${host}]${itemText} => ${pythonJson(body(), indent)}`, color));
  // A loop whose failed items were ignored: after its last item, whatever that item's status.
  if (e.ignored) out.push(paint('...ignoring', 'skip'));
  return out;
}

/**
 * A host's recap line. In colour (as Ansible's callback): the name in its
 * worst state's colour, padded with the colour codes counted in, and each
 * count that is not zero in its own colour.
 */
function recapLine(host: string, s: HostStats, paint: Paint): string {
  const count = (label: string, n: number, color: ColorName) => (n === 0 ? pad(label, n) : paint(pad(label, n), color));
  const worst: ColorName = s.failed > 0 || s.unreachable > 0 ? 'error' : s.changed > 0 ? 'changed' : 'ok';
  const name = paint === plain ? host.padEnd(26) : paint(host, worst).padEnd(37);
  return [
    `${name} :`,
    count('ok', s.ok, 'ok'),
    count('changed', s.changed, 'changed'),
    count('unreachable', s.unreachable, 'unreachable'),
    count('failed', s.failed, 'error'),
    count('skipped', s.skipped, 'skip'),
    count('rescued', s.rescued, 'ok'),
    count('ignored', s.ignored, 'warn'),
  ].join(' ');
}

export class TextReporter implements Reporter {
  private pendingTask: { name: string; remaining: number } | undefined;

  constructor(
    private readonly write: (text: string) => void,
    /**
     * `spinner` only on a terminal; `writeError`: where warnings go (stderr, as Ansible's do);
     * `flush`: writes out what `write` holds back; `paint`: colour (color.ts), none by default;
     * `columns`: the width banners are drawn to (displayColumns), 79 by default.
     */
    private readonly options: {
      spinner?: TaskSpinner;
      diff: boolean;
      verbosity?: number;
      writeError?: (text: string) => void;
      flush?: () => void;
      paint?: Paint;
      columns?: number;
    },
  ) {}

  private get paint(): Paint {
    return this.options.paint ?? plain;
  }

  private banner(title: string): string {
    return banner(title, this.options.columns);
  }

  private print(text: string, to: (text: string) => void = this.write): void {
    const { spinner } = this.options;
    if (spinner) spinner.around(() => to(text + '\n'));
    else to(text + '\n');
  }

  private showSpinner(): void {
    const task = this.pendingTask;
    if (!this.options.spinner || !task) return;
    if (task.remaining <= 0) return this.options.spinner.hide();
    this.options.spinner.show(`${task.name} (${task.remaining} host${task.remaining === 1 ? '' : 's'} running)`);
  }

  private readonly renderers: { [K in RunEvent['kind']]: (e: Extract<RunEvent, { kind: K }>) => void } = {
    play_start: (e) => this.print(this.banner(`PLAY [${e.name}]`)),
    task_start: (e) => {
      this.print(this.banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`));
      this.pendingTask = { name: e.name, remaining: e.hosts };
      this.showSpinner();
    },
    host_result: (e) => {
      if (this.pendingTask && e.item === undefined) this.pendingTask.remaining--;
      // A result carries diffs only where the task's diff setting (--diff, or its `diff:` keyword) asked for them.
      if (!e.noLog) {
        for (const d of e.diff) {
          const text = renderDiff(d);
          if (text) this.print(d.prepared === undefined ? paintDiff(text, this.paint) : text);
        }
      }
      for (const line of hostLine(e, this.options.verbosity ?? 0, this.paint)) this.print(line);
      this.showSpinner();
    },
    included: (e) =>
      this.print(this.paint(`included: ${e.file} for ${e.hosts.join(', ')}${e.item === undefined ? '' : ` => (item=${pyStr(e.item)})`}`, 'skip')),
    warning: (e) => {
      // What `write` holds back goes first: the two streams keep their order.
      this.options.flush?.();
      const width = this.options.columns ?? displayColumns(undefined);
      this.print(e.error ? this.paint(errorText(e.message, width), 'error') : this.paint(warningText(e.message, width), 'warn'), this.options.writeError);
    },
    display: (e) => {
      // A prompt waits for the user: no spinner over it, and everything written out.
      this.options.spinner?.hide();
      this.print(e.text);
      this.options.flush?.();
    },
    retry: (e) => this.print(this.paint(`FAILED - RETRYING: [${e.host}]: ${e.task} (${e.retriesLeft} retries left).`, 'debug')),
    no_hosts: () => this.print(this.paint('skipping: no hosts matched', 'skip')),
    no_hosts_left: () => this.print(this.banner('NO MORE HOSTS LEFT')),
    list: (e) => this.print(`${e.title}\n${e.lines.map((l) => `    ${l}`).join('\n')}`),
    plan_summary: (e) => {
      this.print(this.banner('PLAN SUMMARY'));
      for (const [host, p] of e.hosts) {
        this.print(`${host}: ${p.changed} change${p.changed === 1 ? '' : 's'}`);
        for (const [what, list] of [['files', p.files], ['packages', p.packages], ['services', p.services]] as const) {
          if (list.length > 0) this.print(`    ${what}: ${list.join(', ')}`);
        }
      }
      this.print('');
    },
    recap: (e) => {
      this.print(this.banner('PLAY RECAP'));
      for (const [host, s] of e.stats) this.print(recapLine(host, s, this.paint));
      this.print('');
      // Out at once: closing the connections comes next.
      this.options.flush?.();
    },
  };

  emit(event: RunEvent): void {
    (this.renderers[event.kind] as (e: RunEvent) => void)(event);
  }

  close(): void {
    this.options.spinner?.hide();
  }

  pause(): void {
    this.options.spinner?.hide();
    this.options.flush?.();
  }
}
