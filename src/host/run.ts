// Running commands on a host, the one way modules do it: a probe (its result is
// returned, whatever its exit code) or a must-run (a non-zero exit fails the
// task with cmd, rc, stdout and stderr). Both run under the host's `timeout`,
// so a hung program (an unreachable etcd, a locked package database) fails the
// task after its time instead of holding the play, and the session stays usable.
// Several steps can go in one round trip (runSteps), stopping at the first failure.
import type { Connection, ExecResult } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { quoteArgv, type RawShell } from './shell.js';

/** An argv (each word quoted) or a trusted shell fragment (raw(...)). */
export type HostCommand = readonly string[] | RawShell;

export interface RunOptions {
  stdin?: string | Buffer;
  /** Seconds before the host kills the command (TERM, then KILL 5 s later). Default: DEFAULT_TIMEOUT. */
  timeout?: number;
  /** Variables set for the command (names must be shell names). */
  env?: Record<string, string>;
}

/** Long enough for a package transaction, short enough that a hang ends. */
export const DEFAULT_TIMEOUT = 600;
/** The exit code of `timeout` when it had to stop the command. */
const TIMED_OUT = 124;

/** The command as the user reads it in a result's `cmd` (argv words, or the script). */
export function commandText(command: HostCommand): string {
  return Array.isArray(command) ? (command as string[]).join(' ') : (command as RawShell).text;
}

function shellOf(command: HostCommand): string {
  return Array.isArray(command) ? quoteArgv(command as string[]) : (command as RawShell).text;
}

/** `command` under the host's timeout, with `env` exported, as one sh line. */
export function wrapped(command: HostCommand, options: RunOptions = {}): string {
  const env = Object.entries(options.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ModuleFailure(`invalid environment variable name: ${k}`);
    return `${k}=${quoteArgv([v])} `;
  });
  const seconds = Math.max(1, Math.ceil(options.timeout ?? DEFAULT_TIMEOUT));
  return `${env.join('')}timeout -k 5 ${seconds} /bin/sh -c ${quoteArgv([shellOf(command)])}`;
}

function timedOut(command: HostCommand, options: RunOptions, res: ExecResult): ModuleFailure {
  const seconds = Math.ceil(options.timeout ?? DEFAULT_TIMEOUT);
  return new ModuleFailure(`${commandText(command)}: timed out after ${seconds} seconds`, {
    cmd: commandText(command),
    rc: res.rc,
    stdout: res.stdout,
    stderr: res.stderr,
  });
}

/** Runs a read-only check; its exit code is the answer. Fails only when it times out. */
export async function probe(conn: Connection, command: HostCommand, options: RunOptions = {}): Promise<ExecResult> {
  const res = await conn.exec(wrapped(command, options), { stdin: options.stdin });
  if (res.rc === TIMED_OUT) throw timedOut(command, options, res);
  return res;
}

/** Runs a command that must succeed: a non-zero exit fails the task with what it printed. */
export async function mustRun(conn: Connection, command: HostCommand, options: RunOptions = {}): Promise<ExecResult> {
  const res = await probe(conn, command, options);
  if (res.rc !== 0) throw commandFailure(command, res);
  return res;
}

/** The failure of a command: its own error text (stderr, else stdout) with cmd, rc, stdout, stderr. */
export function commandFailure(command: HostCommand, res: ExecResult, message?: string): ModuleFailure {
  const said = res.stderr.trim() || res.stdout.trim() || `exit code ${res.rc}`;
  return new ModuleFailure(message ?? said, {
    cmd: commandText(command),
    rc: res.rc,
    stdout: res.stdout,
    stderr: res.stderr,
    stdout_lines: res.stdout.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1),
    stderr_lines: res.stderr.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1),
  });
}

/** A step of a plan: the command that makes one change, and the line that names it (check mode, -v). */
export interface Step {
  summary: string;
  command: HostCommand;
  timeout?: number;
  env?: Record<string, string>;
  /** The task's message when the step fails (default: what the command printed). */
  failure?: (res: ExecResult) => string;
}

const STEP_MARK = '@@tsplay-step@@';

/**
 * Runs steps in order in one round trip, stopping at the first that fails
 * (which then fails the task with its own output). Returns each step's output.
 */
export async function runSteps(conn: Connection, steps: readonly Step[]): Promise<ExecResult[]> {
  if (steps.length === 0) return [];
  const script = steps
    .map((s) => `printf '%s\\n' ${STEP_MARK}; printf '%s\\n' ${STEP_MARK} >&2; ${wrapped(s.command, s)} || exit $?`)
    .join('\n');
  const res = await conn.exec(script);
  const outs = res.stdout.split(`${STEP_MARK}\n`).slice(1);
  const errs = res.stderr.split(`${STEP_MARK}\n`).slice(1);
  const results = outs.map((stdout, i) => ({ rc: 0, stdout, stderr: errs[i] ?? '' }));
  if (res.rc !== 0) {
    const failed = Math.max(0, results.length - 1);
    const step = steps[failed]!;
    const last = { rc: res.rc, stdout: results[failed]?.stdout ?? res.stdout, stderr: results[failed]?.stderr ?? res.stderr };
    if (res.rc === TIMED_OUT) throw timedOut(step.command, step, last);
    throw commandFailure(step.command, last, step.failure?.(last));
  }
  return results;
}
