// async_status: what became of a task started with `async` (src/executor/async-task.ts),
// read from its status file on the host, ~/.ansible_async/<jid>; mode=cleanup removes it.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { jobStatus, readJob } from '../src/host/async-job.js';

interface AsyncStatusArgs {
  jid: string;
  mode: 'status' | 'cleanup';
}

const asyncStatus: Module<AsyncStatusArgs> = {
  name: 'async_status',
  summary: 'Obtain status of asynchronous task',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      jid: { type: 'string', description: 'Job or task identifier' },
      mode: { type: 'string', enum: ['status', 'cleanup'], default: 'status', description: 'If status, obtain the status. If cleanup, clean up the async job cache.' },
    },
    required: ['jid'],
  },
  async plan(ctx) {
    const { jid, mode } = ctx.args;
    // One round trip: the file's path, whether it is there, and its content (or its removal).
    const job = await readJob(ctx.conn, jid, mode === 'cleanup');
    const base: ModuleResult = { ansible_job_id: jid, started: 0, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };
    if (job.rc === 3) throw new ModuleFailure('could not find job', { ...base, results_file: job.path, started: 1, finished: 1 });
    if (job.rc !== 0) throw new ModuleFailure(job.stderr.trim() || `async_status failed (rc=${job.rc})`, base);
    if (mode === 'cleanup') return { changed: false, result: { ...base, erased: job.path } };
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(job.text ?? '') as Record<string, unknown>;
    } catch {
      // Not written yet: still running.
      return { changed: false, result: { ...base, results_file: job.path, started: 1 } };
    }
    const result: ModuleResult = { ...base, results_file: job.path, started: 1, ...jobStatus(jid, data) };
    return { changed: result.changed === true, result };
  },
};

export default asyncStatus;
