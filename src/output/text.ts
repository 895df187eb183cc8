// Ansible-shaped text output: PLAY/TASK banners, one line per host result,
// unified diffs, and the recap. On a terminal a spinner shows a task that keeps
// the user waiting (task-spinner.ts); off a terminal, plain lines only.
import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../module-api/module-types.js';
import type { HostResult, Reporter, RunEvent } from './events.js';
import { pyStr } from '../templating/python-repr.js';
import { pythonJson } from './python-json.js';
import type { TaskSpinner } from './task-spinner.js';

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const WIDTH = 80;

function banner(title: string): string {
  return `\n${title} ${'*'.repeat(Math.max(3, WIDTH - title.length - 1))}`;
}

function pad(label: string, n: number): string {
  return `${label}=${String(n).padEnd(4)}`;
}

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
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('===') && !l.startsWith('Index'))
    .join('\n')
    .replace(/\t$/gm, '')
    .trimEnd();
}

function shownResult(e: HostResult): Record<string, unknown> {
  if (e.noLog) return { censored: NO_LOG_MSG, changed: e.result.changed ?? false };
  const { diff: _diff, invocation: _inv, failed: _failed, ...rest } = e.result;
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

function hostLine(e: HostResult): string[] {
  const host = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
  // The loop item as Ansible's default callback prints it: Python's str() of it.
  const item = e.item !== undefined ? ` (item=${e.noLog ? 'None' : pyStr(e.item)})` : '';
  const out: string[] = [];
  if (e.status === 'failed') {
    // A failure that carries an exception: its last line first, then the result without it (Ansible's callback).
    const shown = shownResult(e);
    if (typeof shown.exception === 'string' && !e.noLog) {
      const last = shown.exception.trim().split('\n').pop();
      out.push(`An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${last}`);
      delete shown.exception;
    }
    // debug's and assert's results are always printed indented, failures too.
    out.push(`${e.item !== undefined ? 'failed' : 'fatal'}: [${host}]${e.item !== undefined ? item : ': FAILED!'} => ${pythonJson(shown, e.shown ? 4 : undefined)}`);
    if (e.ignored) out.push('...ignoring');
    return out;
  }
  if (e.status === 'unreachable') {
    return [`fatal: [${host}]: UNREACHABLE! => ${pythonJson(shownResult(e))}`];
  }
  const word = e.status === 'skipped' ? 'skipping' : e.status;
  const showBody = e.verbose || (e.shown !== undefined && e.status !== 'skipped');
  // Ansible ends a skipped item's line with a space.
  const itemText = item ? ` =>${item}${e.status === 'skipped' ? ' ' : ''}` : '';
  if (!showBody) {
    out.push(`${word}: [${host}]${itemText}`);
    return out;
  }
  const body = { ...shownResult(e) };
  if (e.shown === 'debug' && !e.noLog) cleanDebug(body);
  out.push(`${word}: [${host}]${itemText} => ${pythonJson(body, 4)}`);
  return out;
}

export class TextReporter implements Reporter {
  private pendingTask: { name: string; remaining: number } | undefined;

  constructor(
    private readonly write: (text: string) => void,
    /**
     * `spinner` only on a terminal; `writeError`: where warnings go (stderr, as Ansible's do);
     * `flush`: writes out what `write` holds back.
     */
    private readonly options: { spinner?: TaskSpinner; diff: boolean; writeError?: (text: string) => void; flush?: () => void },
  ) {}

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
    play_start: (e) => this.print(banner(`PLAY [${e.name}]`)),
    task_start: (e) => {
      this.print(banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`));
      this.pendingTask = { name: e.name, remaining: e.hosts };
      this.showSpinner();
    },
    host_result: (e) => {
      if (this.pendingTask && e.item === undefined) this.pendingTask.remaining--;
      if (this.options.diff && !e.noLog) for (const d of e.diff) this.print(renderDiff(d));
      for (const line of hostLine(e)) this.print(line);
      this.showSpinner();
    },
    included: (e) =>
      this.print(`included: ${e.file} for ${e.hosts.join(', ')}${e.item === undefined ? '' : ` => (item=${pyStr(e.item)})`}`),
    warning: (e) => {
      // What `write` holds back goes first: the two streams keep their order.
      this.options.flush?.();
      this.print(`[WARNING]: ${e.message}`, this.options.writeError);
    },
    retry: (e) => this.print(`FAILED - RETRYING: [${e.host}]: ${e.task} (${e.retriesLeft} retries left).`),
    no_hosts: () => this.print('skipping: no hosts matched'),
    no_hosts_left: () => this.print(banner('NO MORE HOSTS LEFT')),
    list: (e) => this.print(`${e.title}\n${e.lines.map((l) => `    ${l}`).join('\n')}`),
    plan_summary: (e) => {
      this.print(banner('PLAN SUMMARY'));
      for (const [host, p] of e.hosts) {
        this.print(`${host}: ${p.changed} change${p.changed === 1 ? '' : 's'}`);
        for (const [what, list] of [['files', p.files], ['packages', p.packages], ['services', p.services]] as const) {
          if (list.length > 0) this.print(`    ${what}: ${list.join(', ')}`);
        }
      }
      this.print('');
    },
    recap: (e) => {
      this.print(banner('PLAY RECAP'));
      for (const [host, s] of e.stats) {
        this.print(
          `${host.padEnd(26)} : ${pad('ok', s.ok)} ${pad('changed', s.changed)} ${pad('unreachable', s.unreachable)} ${pad('failed', s.failed)} ${pad('skipped', s.skipped)} ${pad('rescued', s.rescued)} ${pad('ignored', s.ignored)}`,
        );
      }
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
}
