// The run helper (src/host/run.ts): commands under the host's timeout, with
// quoted words; probes return, must-runs fail with what the command said;
// steps go in one round trip and stop at the first failure. Real sh here (the
// local connection), the scripted fake for the command text.
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { ModuleFailure } from '../../src/module-api/module-types.js';
import { mustRun, probe, runSteps, wrapped } from '../../src/host/run.js';
import { raw } from '../../src/host/shell.js';
import { ScriptedConnection } from './scripted-connection.js';

const local = new LocalConnection('localhost');

describe('run helper', () => {
  it('quotes every word and runs under timeout', async () => {
    const conn = new ScriptedConnection([{ match: 'timeout -k 5 7 /bin/sh -c', reply: { stdout: 'x' } }]);
    await probe(conn, ['echo', "it's; rm -rf /"], { timeout: 7 });
    expect(conn.sent[0]).toMatch(/^timeout -k 5 7 \/bin\/sh -c '/);
    expect((await probe(local, ['printf', '%s', "it's; echo injected"])).stdout).toBe("it's; echo injected");
  });

  it('returns a probe whatever its exit code, and fails a must-run with cmd, rc, stdout, stderr', async () => {
    expect((await probe(local, raw('echo out; echo err >&2; exit 3'))).rc).toBe(3);
    const e = await mustRun(local, raw('echo out; echo err >&2; exit 3')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModuleFailure);
    expect((e as ModuleFailure).message).toBe('err');
    expect((e as ModuleFailure).result).toMatchObject({ rc: 3, stdout: 'out\n', stderr: 'err\n', cmd: 'echo out; echo err >&2; exit 3' });
  });

  it('fails a command that runs past its timeout, and the session goes on', async () => {
    const e = await probe(local, ['sleep', '30'], { timeout: 1 }).catch((x: unknown) => x);
    expect((e as ModuleFailure).message).toBe('sleep 30: timed out after 1 seconds');
    expect((await probe(local, ['echo', 'next'])).stdout).toBe('next\n');
  });

  it('passes environment variables quoted, and refuses a bad name', async () => {
    expect((await probe(local, raw('printf %s "$V"'), { env: { V: '$(echo no)' } })).stdout).toBe('$(echo no)');
    expect(() => wrapped(['true'], { env: { 'A;B': 'x' } })).toThrow(/invalid environment variable name/);
  });

  it('runs steps in one round trip, each with its own output, and stops at the first failure', async () => {
    const conn = new ScriptedConnection([{ match: 'one', reply: { stdout: '@@tsplay-step@@\n1\n@@tsplay-step@@\n2\n' } }]);
    const outs = await runSteps(conn, [
      { summary: 'one', command: ['echo', 'one'] },
      { summary: 'two', command: ['echo', 'two'] },
    ]);
    expect(conn.sent).toHaveLength(1);
    expect(outs.map((o) => o.stdout)).toEqual(['1\n', '2\n']);
    const e = await runSteps(local, [
      { summary: 'a', command: raw('echo a') },
      { summary: 'b', command: raw('echo b-failed >&2; exit 4'), failure: (r) => `step b: ${r.stderr.trim()}` },
      { summary: 'c', command: raw('echo never') },
    ]).catch((x: unknown) => x);
    expect((e as ModuleFailure).message).toBe('step b: b-failed');
    expect((e as ModuleFailure).result).toMatchObject({ rc: 4, stdout: '' });
  });
});
