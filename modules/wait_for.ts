// wait_for: wait on the host, without Python, until a TCP port answers (and
// sends a match for search_regex), stops answering or has no active
// connections left (state=drained, from the kernel's connection tables), or a
// file appears (holding a match for search_regex) or goes away; fail after
// `timeout` seconds. A shell loop on the host does the waiting: one round trip
// however long it takes.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';
import { CONNECTION_STATES, drainedTest, resolveScript } from '../src/net/tcp-connections.js';
import { pathInfo, pathInfoScript } from '../src/accounts/known-hosts-file.js';

interface WaitForArgs {
  host: string;
  timeout: number;
  connect_timeout: number;
  delay: number;
  port?: number;
  path?: string;
  state: 'started' | 'stopped' | 'present' | 'absent' | 'drained';
  search_regex?: string;
  active_connection_states: string[];
  exclude_hosts?: string[];
  sleep: number;
  msg?: string;
}

/** Python's traceback of a module that crashed, as Ansible reports it. */
const crash = (exception: string): ModuleFailure =>
  new ModuleFailure('MODULE FAILURE\nSee stdout/stderr for the exact error', { exception, module_stdout: '', module_stderr: exception, rc: 1 });

/** The checks wait_for makes when it runs (a failed task, not a load error). */
function refusal(a: WaitForArgs): string | undefined {
  if (a.path !== undefined && (a.state === 'stopped' || a.state === 'drained')) {
    return `state=${a.state} should only be used for checking a port in the wait_for module`;
  }
  if (a.exclude_hosts !== undefined && a.state !== 'drained') return 'exclude_hosts should only be with state=drained';
  const unknown = a.active_connection_states.find((s) => !(s in CONNECTION_STATES));
  return unknown === undefined ? undefined : `unknown active_connection_state (${unknown}) defined`;
}

/** bash connecting to host:port (words given as arguments, never as code). */
const connect = (a: WaitForArgs, seconds: string, then = ''): string =>
  `timeout ${seconds} bash -c ${quote(`exec 3<>"/dev/tcp/$1/$2"${then}`)} wait_for ${quote(a.host)} ${a.port} 2>/dev/null`;

/** A shell test that holds when the awaited condition does. */
function condition(a: WaitForArgs): string {
  if (a.state === 'drained') return drainedTest(a.port!, a.active_connection_states);
  if (a.port !== undefined) {
    if (a.state === 'stopped' || a.state === 'absent') return `! ${connect(a, String(a.connect_timeout))}`;
    // Connecting may take what is left of the wait, at most connect_timeout; a search reads until the end.
    if (a.search_regex !== undefined) return `${connect(a, '$left', ' && grep "$4" -q -e "$3" <&3')} ${quote(a.search_regex)} "$re"`;
    return `{ ct=${a.connect_timeout}; [ "$left" -lt "$ct" ] && ct=$left; ${connect(a, '$ct')}; }`;
  }
  const path = quote(a.path!);
  if (a.state === 'absent') return `[ ! -e ${path} ]`;
  if (a.search_regex !== undefined) return `m=$(grep "$re" -o -m 1 -e ${quote(a.search_regex)} -- ${path} 2>/dev/null)`;
  return `[ -e ${path} ]`;
}

/** The groups of Python's match, from the text the host's grep matched (none where JavaScript reads the regex otherwise). */
function matchGroups(regex: string, text: string): { match_groups?: (string | null)[]; match_groupdict?: Record<string, string | null> } {
  let m: RegExpExecArray | null = null;
  try {
    m = new RegExp(regex.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'), 'm').exec(text);
  } catch {
    return {};
  }
  if (!m) return {};
  const orNull = (v: string | undefined): string | null => v ?? null;
  const named = Object.entries(m.groups ?? {}).map(([k, v]) => [k, orNull(v)] as const);
  return {
    ...(m.length > 1 ? { match_groups: m.slice(1).map(orNull) } : {}),
    ...(named.length ? { match_groupdict: Object.fromEntries(named) } : {}),
  };
}

/** Ansible's words when the wait ran out. */
function timeoutMessage(a: WaitForArgs): string {
  if (a.msg) return a.msg;
  const where = a.port !== undefined ? `${a.host}:${a.port}` : a.path;
  if (a.state === 'drained') return `Timeout when waiting for ${where} to drain`;
  if (a.port !== undefined && (a.state === 'stopped' || a.state === 'absent')) return `Timeout when waiting for ${where} to stop.`;
  if (a.state === 'absent') return `Timeout when waiting for ${where} to be absent.`;
  if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${where}`;
  return a.port !== undefined ? `Timeout when waiting for ${where}` : `Timeout when waiting for file ${where}`;
}

/** The loop: the deadline counts from before the delay; the condition is tried while time is left. */
function waitScript(a: WaitForArgs): string {
  const elapsed = 'echo "elapsed=$(( ($(ms) - start) / 1000 ))"';
  // A result naming a path tells what is there (Ansible's add_path_info).
  const stat = a.path !== undefined ? `; echo "stat=$(${pathInfoScript(quote(a.path))} 2>/dev/null)"` : '';
  // The text the search matched in a file goes last: the result's groups come from it (a port's search has none).
  const found = a.search_regex !== undefined && a.path !== undefined ? `${stat}; printf 'match=%s\\n' "$m" | head -n 1` : stat;
  return [
    'ms() { date +%s%3N; }',
    // Perl regexes are nearer Python's (\d, (?P<name>...)) where grep has them.
    ...(a.search_regex !== undefined ? ["if echo | grep -Pq '' 2>/dev/null; then re=-P; else re=-E; fi"] : []),
    'start=$(ms)',
    `sleep ${a.delay}`,
    `end=$((start + ${a.timeout} * 1000))`,
    ...(a.state === 'drained' ? [resolveScript(a.host, a.exclude_hosts ?? [])] : []),
    'while [ "$(ms)" -lt "$end" ]; do',
    '  left=$(( (end - $(ms) + 999) / 1000 ))',
    `  if ${condition(a)}; then ${elapsed}${found}; exit 0; fi`,
    `  sleep ${a.sleep}`,
    'done',
    `${elapsed}; exit 3`,
  ].join('\n');
}

const waitFor: Module<WaitForArgs, undefined> = {
  name: 'wait_for',
  summary: 'Waits for a condition before continuing',
  // As in Ansible: waiting predicts nothing, so check mode skips it.
  supportsCheckMode: false,
  schema: {
    type: 'object',
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'A resolvable hostname or IP address to wait for.' },
      timeout: { type: 'integer', default: 300, description: 'Maximum number of seconds to wait for.' },
      connect_timeout: { type: 'integer', default: 5, description: 'Maximum number of seconds to wait for a connection to happen before closing and retrying.' },
      delay: { type: 'integer', default: 0, description: 'Number of seconds to wait before starting to poll.' },
      port: { type: 'integer', description: 'Port number to poll.' },
      path: { type: 'string', description: 'Path to a file on the filesystem that must exist before continuing.' },
      state: {
        type: 'string',
        enum: ['started', 'stopped', 'present', 'absent', 'drained'],
        default: 'started',
        description: 'Either present, started, or stopped, absent, or drained.',
      },
      search_regex: { type: 'string', description: 'Can be used to match a string in either a file or a socket connection.' },
      active_connection_states: {
        type: 'array',
        items: { type: 'string' },
        default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
        description: 'The list of TCP connection states which are counted as active connections (state=drained).',
      },
      exclude_hosts: { type: 'array', items: { type: 'string' }, description: 'Hosts or IPs to ignore when looking for active TCP connections (state=drained).' },
      sleep: { type: 'integer', default: 1, description: 'Number of seconds to sleep between checks.' },
      msg: { type: 'string', description: 'This overrides the normal error message from a failure to meet the required conditions.' },
    },
  },
  rules: { mutuallyExclusive: [['port', 'path']] },
  async plan(ctx) {
    const a = ctx.args;
    if (ctx.check) return { changed: false, unpredictable: 'remote module (wait_for) does not support check mode' };
    const refused = refusal(a);
    if (refused) throw new ModuleFailure(refused, { elapsed: 0 });
    if (a.state === 'drained' && a.port === undefined) {
      throw crash("Traceback (most recent call last):\nTypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'\n");
    }
    // A wait on nothing is a plain sleep of `timeout` seconds, as in Ansible.
    const waitsOnNothing = a.port === undefined && a.path === undefined;
    const body = waitsOnNothing ? `sleep ${a.delay}; sleep ${a.timeout}; echo elapsed=${a.delay + a.timeout}` : waitScript(a);
    const res = await probe(ctx.conn, raw(body), { timeout: a.delay + a.timeout + a.connect_timeout + 30 });
    if (res.rc === 4) {
      throw crash('Traceback (most recent call last):\nsocket.gaierror: [Errno -2] Name or service not known\n');
    }
    const elapsed = Number(/elapsed=(\d+)/.exec(res.stdout)?.[1] ?? 0);
    if (res.rc !== 0) throw new ModuleFailure(timeoutMessage(a), { elapsed });
    const stat = /^stat=(.*)$/m.exec(res.stdout)?.[1];
    const matched = res.stdout.indexOf('\nmatch=');
    const groups = matched >= 0 ? matchGroups(a.search_regex!, res.stdout.slice(matched + 7).replace(/\n$/, '')) : {};
    const result = {
      changed: false,
      elapsed,
      state: a.state,
      port: a.port ?? null,
      path: a.path ?? null,
      search_regex: a.search_regex ?? null,
      match_groups: [],
      match_groupdict: {},
      ...groups,
      ...(a.path !== undefined ? { state: 'absent', ...pathInfo(stat) } : {}),
    };
    return { changed: false, result };
  },
};

export default waitFor;
