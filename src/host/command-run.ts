// Running a user's command on a host and shaping the result as Ansible's
// command/shell/raw modules return it.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure, type ModuleResult } from '../module-api/module-types.js';
import { sh } from './shell.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Python's str(datetime): 2026-11-26 17:30:00.123456 */
export function pythonTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
}

/** Python's str(timedelta) for short durations: 0:00:00.003456 */
export function pythonDelta(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const [whole, frac = ''] = s.toFixed(6).split('.');
  return `${h}:${pad(m)}:${whole!.padStart(2, '0')}.${frac}`;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

export interface RunOptions {
  chdir?: string;
  stdin?: string;
  stripEmptyEnds?: boolean;
}

/** Run `command` (a complete sh command line) and return Ansible's result shape. */
export async function runUserCommand(
  conn: Connection,
  command: string,
  shownCmd: unknown,
  options: RunOptions = {},
): Promise<ModuleResult> {
  const full = options.chdir ? `${sh`cd ${options.chdir}`} || exit 1\n${command}` : command;
  const start = new Date();
  const res = await conn.exec(full, { stdin: options.stdin });
  const end = new Date();
  const strip = options.stripEmptyEnds ?? true;
  const stdout = strip ? res.stdout.replace(/\n+$/, '') : res.stdout;
  const stderr = strip ? res.stderr.replace(/\n+$/, '') : res.stderr;
  const result: ModuleResult = {
    changed: true,
    cmd: shownCmd,
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: pythonTime(start),
    end: pythonTime(end),
    delta: pythonDelta(end.getTime() - start.getTime()),
    msg: '',
  };
  if (res.rc !== 0) throw new ModuleFailure('non-zero return code', result);
  return result;
}

/**
 * `creates`/`removes`: does any path match the glob on the host? The pattern
 * is expanded by the shell's globbing only (an unquoted variable with IFS
 * empty), never evaluated as shell syntax.
 */
export async function globMatches(conn: Connection, pattern: string, chdir?: string): Promise<boolean> {
  const cd = chdir ? `${sh`cd ${chdir}`} 2>/dev/null; ` : '';
  const script = `${cd}${sh`p=${pattern}`}; IFS=''; for f in $p; do if [ -e "$f" ] || [ -L "$f" ]; then exit 0; fi; done; exit 1`;
  const res = await conn.exec(script);
  return res.rc === 0;
}
