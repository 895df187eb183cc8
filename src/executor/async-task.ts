// A task with `async`: its module runs in the background while tsplay checks
// on it every `poll` seconds, or (poll: 0) the task returns the job's id at
// once and async_status reads its results file later. The job's status is kept
// where Ansible keeps it, ~/.ansible_async/<jid> on the host, so that
// async_status (modules/async_status.ts) works from the file alone.
// command and shell run as a detached job on the host (src/host/async-job.ts),
// as Ansible runs them; other modules run from tsplay in the background.
import { randomInt } from 'node:crypto';
import type { Connection } from '../connection/connection.js';
import type { Module, ModuleContext, ModuleResult } from '../module-api/module-types.js';
import { sh } from '../host/shell.js';
import { jobStatus, readJob, startJob, type JobCommand } from '../host/async-job.js';
import type { RunContext } from './context.js';
import type { TaskOutcome } from './task-runner.js';

export interface AsyncTask {
  run: RunContext;
  host: string;
  conn: Connection;
  /** The longest the job may take. */
  seconds: number;
  /** How often to check on it; 0: do not wait. */
  poll: number;
  /** The module's work. */
  work: () => Promise<TaskOutcome>;
  /** The command to run as a job on the host, when the module is one that can (command, shell). */
  job?: () => Promise<JobCommand | undefined>;
}

/** command/shell's command line for a job on the host; none when creates/removes say it would not run. */
export async function hostJob(module: Module<any, any>, ctx: ModuleContext<Record<string, unknown>>): Promise<JobCommand | undefined> {
  if (module.name !== 'command' && module.name !== 'shell') return undefined;
  const plan = await module.plan(ctx);
  const state = plan.state as { command: string; shown: unknown } | undefined;
  if (!plan.changed || !state) return undefined;
  const { chdir, stdin, stdin_add_newline: newline, strip_empty_ends: strip } = ctx.args;
  return {
    command: chdir ? `${sh`cd ${String(chdir)}`} || exit 1\n${state.command}` : state.command,
    shown: state.shown,
    stdin: stdin === undefined ? undefined : newline === false ? String(stdin) : `${String(stdin)}\n`,
    stripEmptyEnds: strip !== false,
  };
}

/** The job's status file: written whole under a temporary name, then renamed. */
async function writeStatus(conn: Connection, jid: string, status: Record<string, unknown>): Promise<string> {
  const res = await conn.exec(
    sh`d="$HOME/.ansible_async" && mkdir -p "$d" && cat > "$d/"${jid}.tmp && mv -f "$d/"${jid}.tmp "$d/"${jid} && printf %s "$d/"${jid}`,
    { stdin: JSON.stringify(status) },
  );
  if (res.rc !== 0) throw new Error(`could not write the async job's status: ${res.stderr.trim()}`);
  return res.stdout;
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

const newJid = () => `j${randomInt(1e11, 1e12 - 1)}.${process.pid}`;

export async function runAsync(t: AsyncTask): Promise<TaskOutcome> {
  const hostCommand = await t.job?.();
  if (hostCommand) return runHostJob(t, hostCommand);
  const jid = newJid();
  const resultsFile = await writeStatus(t.conn, jid, { started: 1, finished: 0, ansible_job_id: jid });
  let outcome: TaskOutcome | undefined;
  const limit = new Promise<TaskOutcome>((resolve) => {
    const timer = setTimeout(
      () => resolve({ status: 'failed', ignored: false, diff: [], noLog: false, result: { failed: 1, finished: 1, msg: `Job reached maximum time limit of ${t.seconds} seconds.` } as unknown as ModuleResult }),
      t.seconds * 1000,
    );
    timer.unref();
  });
  const job = Promise.race([t.work(), limit]).then(async (o) => {
    await writeStatus(t.conn, jid, o.result).catch(() => undefined);
    outcome = o;
  });
  job.catch(() => undefined);
  const started = { ansible_job_id: jid, started: 1, results_file: resultsFile };
  if (t.poll <= 0) {
    return { status: 'changed', ignored: false, diff: [], noLog: false, result: { ...started, finished: 0, changed: true, failed: 0 } as unknown as ModuleResult };
  }
  // As Ansible: sleep `poll` seconds, then look; a look that finds it running is reported.
  for (let left = t.seconds; left > 0; left -= t.poll) {
    await sleep(t.poll);
    if (outcome) break;
    t.run.reporter.emit({ kind: 'display', text: `ASYNC POLL on ${t.host}: jid=${jid} started=1 finished=0`, asyncProgress: true });
  }
  if (!outcome) {
    t.run.reporter.emit({ kind: 'display', text: `ASYNC FAILED on ${t.host}: jid=${jid}`, asyncProgress: true });
    const invocation = { module_args: { _async_dir: resultsFile.slice(0, resultsFile.lastIndexOf('/')), jid, mode: 'status' } };
    const status = { ...started, finished: 0, invocation, stderr: '', stderr_lines: [], stdout: '', stdout_lines: [] };
    return {
      status: 'failed',
      ignored: false,
      diff: [],
      noLog: false,
      result: { async_result: status, changed: false, failed: true, msg: `async task did not complete within the requested time - ${t.seconds}s` },
    };
  }
  await t.conn.exec(sh`rm -f ${resultsFile}`).catch(() => undefined);
  t.run.reporter.emit({ kind: 'display', text: `ASYNC ${outcome.status === 'failed' ? 'FAILED' : 'OK'} on ${t.host}: jid=${jid}`, asyncProgress: true });
  return { ...outcome, result: { ...outcome.result, ...started, finished: 1 } };
}

/** A job on the host: started detached, then (poll > 0) its status file read every `poll` seconds, as Ansible does. */
async function runHostJob(t: AsyncTask, job: JobCommand): Promise<TaskOutcome> {
  const jid = newJid();
  const resultsFile = await startJob(t.conn, jid, t.seconds, job);
  const started = { ansible_job_id: jid, started: 1, results_file: resultsFile };
  if (t.poll <= 0) {
    return { status: 'changed', ignored: false, diff: [], noLog: false, result: { ...started, finished: 0, changed: true, failed: 0 } as unknown as ModuleResult };
  }
  let status: Record<string, unknown> = { ...started, finished: 0 };
  for (let left = t.seconds; left > 0; ) {
    await sleep(t.poll);
    const read = await readJob(t.conn, jid);
    try {
      status = { ...started, ...jobStatus(jid, JSON.parse(read.text ?? '') as Record<string, unknown>) };
    } catch {
      // Not readable yet (being written): still running.
    }
    if (status.finished === 1 || 'failed' in status) break;
    left -= t.poll;
    t.run.reporter.emit({ kind: 'display', text: `ASYNC POLL on ${t.host}: jid=${jid} started=1 finished=0`, asyncProgress: true });
  }
  if (status.finished !== 1) {
    t.run.reporter.emit({ kind: 'display', text: `ASYNC FAILED on ${t.host}: jid=${jid}`, asyncProgress: true });
    const invocation = { module_args: { _async_dir: resultsFile.slice(0, resultsFile.lastIndexOf('/')), jid, mode: 'status' } };
    const asyncResult = { ...started, finished: 0, invocation, stderr: '', stderr_lines: [], stdout: '', stdout_lines: [] };
    return {
      status: 'failed',
      ignored: false,
      diff: [],
      noLog: false,
      result: { async_result: asyncResult, changed: false, failed: true, msg: `async task did not complete within the requested time - ${t.seconds}s` },
    };
  }
  await readJob(t.conn, jid, true).catch(() => undefined);
  const failed = status.failed === true || status.failed === 1;
  t.run.reporter.emit({ kind: 'display', text: `ASYNC ${failed ? 'FAILED' : 'OK'} on ${t.host}: jid=${jid}`, asyncProgress: true });
  const result = status as ModuleResult;
  return { status: failed ? 'failed' : result.changed === true ? 'changed' : 'ok', ignored: false, diff: [], noLog: false, result };
}
