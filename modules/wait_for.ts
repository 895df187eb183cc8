// wait_for: wait on the host, without Python, until a TCP port answers (or
// stops answering, or has no connections left), or a file appears (holding a
// match for search_regex) or goes away; fail after `timeout` seconds. A shell
// loop on the host does the waiting: one round trip however long it takes.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';

interface WaitForArgs {
  host: string;
  timeout: number;
  connect_timeout: number;
  delay: number;
  port?: number;
  path?: string;
  state: 'started' | 'stopped' | 'present' | 'absent' | 'drained';
  search_regex?: string;
  sleep: number;
  msg?: string;
}

/** A shell test that holds when the awaited condition does. */
function condition(a: WaitForArgs): string {
  if (a.port !== undefined) {
    const connect = `timeout ${a.connect_timeout} bash -c ${quote(`exec 3<>/dev/tcp/${a.host}/${a.port}`)} 2>/dev/null`;
    if (a.state === 'started' || a.state === 'present') return connect;
    if (a.state === 'stopped' || a.state === 'absent') return `! ${connect}`;
    return `[ -z "$(ss -Htn state established ${quote(`( sport = :${a.port} )`)} 2>/dev/null)" ]`;
  }
  const path = quote(a.path!);
  if (a.state === 'absent' || a.state === 'stopped') return `[ ! -e ${path} ]`;
  if (a.search_regex !== undefined) return `grep -Eq -- ${quote(a.search_regex)} ${path} 2>/dev/null`;
  return `[ -e ${path} ]`;
}

/** Ansible's words when the wait ran out. */
function timeoutMessage(a: WaitForArgs): string {
  if (a.msg) return a.msg;
  if (a.port !== undefined) {
    const where = `${a.host}:${a.port}`;
    if (a.state === 'stopped' || a.state === 'absent') return `Timeout when waiting for ${where} to stop.`;
    if (a.state === 'drained') return `Timeout when waiting for ${where} to drain`;
    return `Timeout when waiting for ${where}`;
  }
  if (a.state === 'absent' || a.state === 'stopped') return `Timeout when waiting for ${a.path} to be absent.`;
  if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${a.path}`;
  return `Timeout when waiting for file ${a.path}`;
}

const waitFor: Module<WaitForArgs, undefined> = {
  name: 'wait_for',
  summary: 'Waits for a condition before continuing',
  // As in Ansible: waiting predicts nothing, so check mode skips it.
  supportsCheckMode: false,
  schema: {
    type: 'object',
    properties: {
      host: { type: 'string', default: '127.0.0.1' },
      timeout: { type: 'integer', default: 300 },
      connect_timeout: { type: 'integer', default: 5 },
      delay: { type: 'integer', default: 0 },
      port: { type: 'integer' },
      path: { type: 'string' },
      state: { type: 'string', enum: ['started', 'stopped', 'present', 'absent', 'drained'], default: 'started' },
      search_regex: { type: 'string' },
      sleep: { type: 'integer', default: 1 },
      msg: { type: 'string' },
    },
  },
  rules: { mutuallyExclusive: [['port', 'path']] },
  async plan(ctx) {
    const a = ctx.args;
    if (ctx.check) return { changed: false, unpredictable: 'remote module (wait_for) does not support check mode' };
    if (a.port !== undefined && a.search_regex !== undefined) throw new ModuleFailure('search_regex with port is not supported by tsplay');
    if (a.path === undefined && a.state === 'drained') throw new ModuleFailure('state=drained should only be used for checking a port in the started state');
    const waitsOnNothing = a.port === undefined && a.path === undefined;
    const script = [
      'start=$(date +%s)',
      `sleep ${a.delay}`,
      `end=$((start + ${a.timeout}))`,
      'while :; do',
      `  if ${waitsOnNothing ? 'true' : condition(a)}; then echo "elapsed=$(( $(date +%s) - start ))"; exit 0; fi`,
      `  if [ "$(date +%s)" -ge "$end" ]; then echo "elapsed=$(( $(date +%s) - start ))"; exit 3; fi`,
      `  sleep ${a.sleep}`,
      'done',
    ].join('\n');
    // A wait on nothing is a plain sleep of `timeout` seconds, as in Ansible.
    const body = waitsOnNothing ? `sleep ${a.delay}; sleep ${a.timeout}; echo elapsed=${a.delay + a.timeout}` : script;
    const res = await probe(ctx.conn, raw(body), { timeout: a.delay + a.timeout + a.connect_timeout + 30 });
    const elapsed = Number(/elapsed=(\d+)/.exec(res.stdout)?.[1] ?? 0);
    const target = a.port !== undefined ? { port: a.port } : a.path !== undefined ? { path: a.path } : {};
    if (res.rc !== 0) throw new ModuleFailure(timeoutMessage(a), { elapsed, ...target });
    const found = a.search_regex !== undefined ? { search_regex: a.search_regex, match_groups: [], match_groupdict: {} } : {};
    return { changed: false, result: { changed: false, elapsed, state: a.state, ...target, ...found } };
  },
};

export default waitFor;
