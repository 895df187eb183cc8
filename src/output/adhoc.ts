// `tsplay exec` output as `ansible` prints it: its minimal callback
// (`host | CHANGED => {indented JSON}`, `host | CHANGED | rc=0 >>` then the
// output for command-like modules) or, with -o, its oneline callback (one line
// per host). No banners, no recap.
import { errorText, warningText } from './textwrap.js';
import type { HostResult, Reporter, RunEvent } from './events.js';
import { pythonJson } from './python-json.js';
import { paintDiff, renderDiff } from './text.js';
import { plain, type ColorName, type Paint } from './color.js';

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Modules whose result is printed as text (Ansible's MODULE_NO_JSON). */
const NO_JSON = new Set(['command', 'shell', 'raw', 'win_command', 'win_shell']);

export function isCommandLike(module: string): boolean {
  return NO_JSON.has(module.replace(/^ansible\.(builtin|legacy|windows)\./, ''));
}

export interface AdhocOutputOptions {
  module: string;
  oneLine: boolean;
  diff: boolean;
  verbosity: number;
  write: (text: string) => void;
  writeError: (text: string) => void;
  /** Colour, as `ansible` paints its lines (src/output/color.ts); none by default. */
  paint?: Paint;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export class AdhocReporter implements Reporter {
  private readonly paint: Paint;

  constructor(private readonly o: AdhocOutputOptions) {
    this.paint = o.paint ?? plain;
  }

  /** The result as the callbacks dump it: no internal keys, no invocation or diff below -vvv, no exception. */
  private shown(e: HostResult): Record<string, unknown> {
    if (e.noLog) return { censored: NO_LOG_MSG, changed: e.result.changed ?? false };
    const r: Record<string, unknown> = { ...e.result };
    for (const k of Object.keys(r)) if (k.startsWith('_ansible_')) delete r[k];
    for (const k of ['failed', 'skipped', 'exception', 'warnings', 'deprecations']) delete r[k];
    if (this.o.verbosity < 3) {
      delete r.invocation;
      delete r.diff;
    }
    return r;
  }

  private json(value: unknown): string {
    return this.o.oneLine ? pythonJson(value, 0).replace(/\n/g, '') : pythonJson(value, 4);
  }

  private commandText(host: string, r: Record<string, unknown>, caption: string): string {
    const rc = r.rc ?? -1;
    if (!this.o.oneLine) return `${host} | ${caption} | rc=${rc} >>\n${text(r.stdout)}${text(r.stderr)}${text(r.msg)}\n`;
    const flat = (s: unknown) => text(s).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    const stderr = text(r.stderr) ? ` (stderr) ${flat(r.stderr)}` : '';
    return `${host} | ${caption} | rc=${rc} | (stdout) ${flat(r.stdout)}${stderr}`;
  }

  /** A message as Ansible's display writes it: painted line by line, then its newline. */
  private line(t: string, color?: ColorName): void {
    const body = t.endsWith('\n') ? t.slice(0, -1) : t;
    this.o.write(`${color ? this.paint(body, color) : body}\n`);
  }

  private warn(t: string, color: ColorName): void {
    this.o.writeError(`${this.paint(t, color)}\n`);
  }

  private hostResult(e: HostResult): void {
    const host = e.host;
    for (const w of [e.result.warnings].flat()) if (typeof w === 'string' && w) this.warn(warningText(w), 'warn');
    if (e.status === 'skipped') return this.line(`${host} | SKIPPED`, 'skip');
    if (e.status === 'unreachable') {
      if (this.o.oneLine) return this.line(`${host} | UNREACHABLE!: ${text(e.result.msg)}`, 'unreachable');
      return this.line(`${host} | UNREACHABLE! => ${this.json(this.shown(e))}`, 'unreachable');
    }
    if (this.o.diff && !e.noLog) {
      for (const d of e.diff) {
        const t = renderDiff(d);
        if (t) this.line(d.prepared === undefined ? paintDiff(t, this.paint) : t);
      }
    }
    const r = this.shown(e);
    // A background job's result is dumped whole, whatever the module (as the minimal callback does).
    const commandLike = isCommandLike(this.o.module) && !e.noLog && !('ansible_job_id' in e.result);
    if (e.status === 'failed') {
      const exception = e.noLog ? undefined : e.result.exception;
      const asText = commandLike && !('module_stderr' in e.result);
      const last = typeof exception === 'string' ? exception.trim().split('\n').pop() : undefined;
      const note = `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${last}`;
      if (!this.o.oneLine) {
        if (last !== undefined) this.line(note, 'error');
        return this.line(asText ? this.commandText(host, r, 'FAILED') : `${host} | FAILED! => ${this.json(r)}`, 'error');
      }
      // oneline: a command-like failure with an exception shows its output in place of the note.
      if (last !== undefined) this.line(asText ? this.commandText(host, r, 'FAILED') : note, 'error');
      return this.line(`${host} | FAILED! => ${this.json(r)}`, 'error');
    }
    const state = e.result.changed ? 'CHANGED' : 'SUCCESS';
    const color: ColorName = e.result.changed ? 'changed' : 'ok';
    if (commandLike) return this.line(this.commandText(host, r, state), color);
    this.line(`${host} | ${state} => ${this.json(r)}`, color);
  }

  emit(event: RunEvent): void {
    switch (event.kind) {
      case 'host_result':
        return this.hostResult(event);
      case 'warning':
        return event.error ? this.warn(errorText(event.message), 'error') : this.warn(warningText(event.message), 'warn');
      case 'display':
        return event.asyncProgress ? undefined : this.line(event.text);
      case 'no_hosts':
        return this.warn('[WARNING]: No hosts matched, nothing to do', 'warn');
      default:
        // Banners, the recap, listings: ansible prints none of them for an ad-hoc command.
        return;
    }
  }

  close(): void {}
}
