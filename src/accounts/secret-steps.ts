// Steps in one round trip whose secrets (a password hash, a key passphrase)
// travel on stdin, never in the command text: the script reads them into
// exported variables first, and the steps refer to them ("$TSPLAY_PW").
import type { Connection, ExecResult } from '../connection/connection.js';
import { ModuleFailure, type ModuleResult } from '../module-api/module-types.js';
import { wrapped, type Step } from '../host/run.js';

export interface Secrets {
  password?: string;
  passphrase?: string;
}

const MARK = '@@tsplay-step@@';

/** Runs the steps in order, stopping at the first failure, which fails the task with `failed` and the command's error. */
export async function runSecretSteps(conn: Connection, steps: readonly Step[], secrets: Secrets, failed: ModuleResult = {}): Promise<ExecResult[]> {
  if (steps.length === 0) return [];
  if (/[\n\r]/.test(`${secrets.password ?? ''}${secrets.passphrase ?? ''}`)) throw new ModuleFailure('a password or passphrase may not hold a line break', failed);
  const script = [
    'IFS= read -r TSPLAY_PW; IFS= read -r TSPLAY_PP; export TSPLAY_PW TSPLAY_PP',
    ...steps.map((s) => `printf '%s\\n' ${MARK}; printf '%s\\n' ${MARK} >&2; ${wrapped(s.command, s)} </dev/null || exit $?`),
  ].join('\n');
  const res = await conn.exec(script, { stdin: `${secrets.password ?? ''}\n${secrets.passphrase ?? ''}\n` });
  const outs = res.stdout.split(`${MARK}\n`).slice(1);
  const errs = res.stderr.split(`${MARK}\n`).slice(1);
  const results = outs.map((stdout, i) => ({ rc: 0, stdout, stderr: errs[i] ?? '' }));
  if (res.rc !== 0) {
    const last = results[results.length - 1] ?? { stdout: res.stdout, stderr: res.stderr };
    throw new ModuleFailure(last.stderr.trim() !== '' ? last.stderr : last.stdout.trim() || `exit code ${res.rc}`, { ...failed, rc: res.rc });
  }
  return results;
}
