// etcdctl invocations for the etcdctl module: the global flags (endpoints, TLS,
// etcdctl's own time limits), the API version in the environment, and the
// secrets (user, password) and the value passed on stdin, so that neither is
// ever a word of a command line (ps, sudo's argv, a failure's `cmd`).
import type { Connection, ExecResult } from '../connection/connection.js';
import { commandFailure, probe, type HostCommand, type Step } from '../host/run.js';
import { quoteArgv, raw } from '../host/shell.js';
import { ModuleFailure } from '../module-api/module-types.js';

export interface EtcdTarget {
  api: 'v2' | 'v3';
  endpoints: string[];
  cacert?: string;
  cert?: string;
  cert_key?: string;
  user?: string;
  password?: string;
  etcdctl_path: string;
  /** Seconds etcdctl waits to connect and for an answer. */
  timeout: number;
}

/** A step whose secrets and value travel on stdin; `argv` is what the user reads as its command. */
export interface EtcdStep extends Step {
  argv: string[];
  stdin?: string;
}

function globalFlags(t: EtcdTarget): string[] {
  const v3 = t.api === 'v3';
  const tls: [string | undefined, string, string][] = [
    [t.cacert, 'cacert', 'ca-file'],
    [t.cert, 'cert', 'cert-file'],
    [t.cert_key, 'key', 'key-file'],
  ];
  return [
    `--endpoints=${t.endpoints.join(',')}`,
    ...tls.filter(([path]) => path).map(([path, f3, f2]) => `--${v3 ? f3 : f2}=${path}`),
    ...(v3 ? [`--dial-timeout=${t.timeout}s`, `--command-timeout=${t.timeout}s`] : [`--timeout=${t.timeout}s`, `--total-timeout=${t.timeout}s`]),
  ];
}

/** The variables etcdctl reads the credentials from, and their values (one line each on stdin). */
function secrets(t: EtcdTarget): [string, string][] {
  if (t.user === undefined) return [];
  const values = [t.user, t.password ?? ''];
  if (values.some((v) => /[\n\r]/.test(v))) throw new ModuleFailure('user and password must not contain line breaks');
  return t.api === 'v3' ? [['ETCDCTL_USER', t.user], ['ETCDCTL_PASSWORD', t.password ?? '']] : [['ETCDCTL_USERNAME', values.join(':')]];
}

/**
 * One or more etcdctl runs (`args` after the global flags) as a host command:
 * the credentials are read from stdin into the environment first; `input`
 * (a value for put/set/mk) follows them on stdin. Several runs are joined by
 * `join`, a trusted shell fragment (e.g. a separator echo).
 */
export function etcdStep(t: EtcdTarget, summary: string, runs: string[][], input?: string, join = '; '): EtcdStep {
  const argvs = runs.map((args) => [t.etcdctl_path, ...globalFlags(t), ...args]);
  const creds = secrets(t);
  const reads = creds.map(([name]) => `IFS= read -r ${name} && export ${name} && `).join('');
  const body = argvs.map((argv) => quoteArgv(argv)).join(join);
  const command: HostCommand = reads ? raw(`${reads}{ ${body}; }`) : runs.length === 1 ? argvs[0]! : raw(body);
  const stdin = creds.map(([, v]) => `${v}\n`).join('') + (input ?? '');
  return {
    summary,
    argv: argvs[0]!,
    command,
    env: { ETCDCTL_API: t.api === 'v3' ? '3' : '2' },
    // etcdctl's own limits come first (dial, then the command), with room to spare.
    timeout: t.timeout * 2 * runs.length + 15,
    ...(stdin ? { stdin } : {}),
  };
}

/** etcdctl's own message: its `Error:` line (after v3's JSON log lines), else what it printed. */
export function etcdMessage(res: ExecResult): string {
  const line = res.stderr.split('\n').find((l) => l.startsWith('Error:'));
  return (line ?? (res.stderr.trim() || res.stdout.trim() || `etcdctl exit code ${res.rc}`)).trim();
}

/** Runs a step and returns its output; a non-zero exit fails the task with etcdctl's message, unless `mayFail`. */
export async function runEtcd(conn: Connection, step: EtcdStep, mayFail = false): Promise<ExecResult> {
  const res = await probe(conn, step.command, { env: step.env, timeout: step.timeout, stdin: step.stdin });
  if (res.rc !== 0 && !mayFail) throw commandFailure(step.argv, res, etcdMessage(res));
  return res;
}
