// Jobs started on a host by `async` command/shell (src/host/async-job.ts): run
// detached from the connection, their result written as Ansible's status JSON,
// killed with what they started once past their limit.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { jobStatus, readJob, startJob } from '../../src/host/async-job.js';

const home = mkdtempSync(join(tmpdir(), 'tsplay-job-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A connection whose commands run with HOME in a scratch dir: the status files land there. */
function connect() {
  const conn = new LocalConnection('localhost');
  return { host: 'localhost', exec: (c: string, o?: { stdin?: string | Buffer }) => conn.exec(`HOME=${home}; export HOME; ${c}`, o), close: () => conn.close() };
}

async function finished(jid: string, tries = 200): Promise<Record<string, unknown>> {
  const conn = connect();
  try {
    for (let i = 0; i < tries; i++) {
      const job = await readJob(conn, jid);
      const data = jobStatus(jid, JSON.parse(job.text!) as Record<string, unknown>);
      if (data.finished === 1) return data;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jid} did not finish`);
  } finally {
    await conn.close();
  }
}

describe('async jobs on the host', () => {
  it('a job outlives its connection and leaves its result as JSON (escaped, trailing newlines stripped, stdin given)', async () => {
    const conn = connect();
    const path = await startJob(conn, 'j1.1', 30, {
      command: `cat; printf 'a"b\\\\c\\t\\001\\n\\n'; echo err >&2; exit 4`,
      shown: ['x', 'y "z"'],
      stdin: 'from stdin\n',
      stripEmptyEnds: true,
    });
    await conn.close();
    expect(path).toBe(join(home, '.ansible_async', 'j1.1'));
    const data = await finished('j1.1');
    expect(data).toMatchObject({
      changed: true, failed: true, rc: 4, msg: 'non-zero return code', cmd: ['x', 'y "z"'], finished: 1, ansible_job_id: 'j1.1',
      stdout: 'from stdin\na"b\\c\t\u0001', stdout_lines: ['from stdin', 'a"b\\c\t\u0001'], stderr: 'err', stderr_lines: ['err'],
    });
    expect(String(data.delta)).toMatch(/^0:00:00\.\d{6}$/);
    expect(String(data.start)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(existsSync(`${path}.job`)).toBe(false);
  }, 60_000);

  it('a job past its limit is killed with what it started, as Ansible reports it', async () => {
    const marker = join(home, 'too-late');
    const conn = connect();
    // A limit of 1s is enforced at Ansible's first look past it: after 10 seconds.
    await startJob(conn, 'j2.1', 1, { command: `sleep 12; touch ${marker}`, shown: 'slow', stripEmptyEnds: true });
    await conn.close();
    const data = await finished('j2.1', 300);
    expect(data).toMatchObject({ failed: true, msg: 'Timeout exceeded', finished: 1, ansible_job_id: 'j2.1' });
    expect(typeof data.child_pid).toBe('number');
    await new Promise((r) => setTimeout(r, 4000));
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
