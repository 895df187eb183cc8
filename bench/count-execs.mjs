// Diagnostic, not timed against anything: runs tsplay in this process with
// SshConnection.exec wrapped to count the remote commands (round trips) it sends,
// the bytes, and how long each took. Prints on stderr one line
// `COUNT {"code","execs","agentRequests","stdinBytes","commandBytes","startupMs","spanMs","inExecMs","exitMs"}`:
// requests to the host agent (HostAgent probe/write/put/stat) are round trips too, counted
// and timed alike.
// startupMs = process start to the first command; spanMs = first command to the
// last answer (mean over hosts); inExecMs = time a host had a command in flight
// (mean over hosts); exitMs = last answer to the end of main().
// With BENCH_EXEC_LOG=<file>, writes every command as a JSON line {host, command, stdin}.
// Usage: node bench/count-execs.mjs <tsplay run arguments...>
import { appendFileSync, writeSync } from 'node:fs';
import { SshConnection } from '../dist/src/connection/ssh.js';
import { HostAgent } from '../dist/src/connection/host-agent.js';
import { main } from '../dist/src/cli.js';

const t0 = performance.timeOrigin;
let execs = 0;
let stdinBytes = 0;
let commandBytes = 0;
const perHost = new Map();
let agentRequests = 0;
/** Time one remote round trip of `host` (a shell command or an agent request). */
async function timed(host, run) {
  const h = perHost.get(host) ?? { first: Infinity, last: 0, busy: 0 };
  perHost.set(host, h);
  const start = performance.now();
  h.first = Math.min(h.first, start);
  try {
    return await run();
  } finally {
    const end = performance.now();
    h.busy += end - start;
    h.last = Math.max(h.last, end);
  }
}
// Agent requests are remote round trips too; the agent does not know its host, so
// each agent is tagged with its connection's host when the connection hands it out.
const origAgent = SshConnection.prototype.agent;
SshConnection.prototype.agent = async function () {
  const agent = await origAgent.call(this);
  if (agent) agent.benchHost = this.host;
  return agent;
};
for (const op of ['probe', 'write', 'put', 'stat']) {
  const orig = HostAgent.prototype[op];
  HostAgent.prototype[op] = function (req) {
    agentRequests++;
    return timed(this.benchHost ?? '?', () => orig.call(this, req));
  };
}
const logFile = process.env.BENCH_EXEC_LOG;
const orig = SshConnection.prototype.exec;
SshConnection.prototype.exec = async function (command, options) {
  execs++;
  commandBytes += Buffer.byteLength(command);
  if (options?.stdin !== undefined) stdinBytes += Buffer.byteLength(options.stdin);
  if (logFile) {
    const stdin = options?.stdin === undefined ? undefined : Buffer.from(options.stdin).toString('base64');
    appendFileSync(logFile, JSON.stringify({ host: this.host, command, stdin }) + '\n');
  }
  return timed(this.host, () => orig.call(this, command, options));
};
const code = await main(['node', 'tsplay', ...process.argv.slice(2)]);
const end = performance.now();
const hs = [...perHost.values()];
const mean = (f) => (hs.length ? hs.reduce((a, h) => a + f(h), 0) / hs.length : NaN);
const first = Math.min(...hs.map((h) => h.first));
const last = Math.max(...hs.map((h) => h.last));
const out = { code, execs, agentRequests, stdinBytes, commandBytes, startupMs: first, spanMs: mean((h) => h.last - h.first), inExecMs: mean((h) => h.busy), exitMs: end - last, t0 };
writeSync(2, `\nCOUNT ${JSON.stringify(out)}\n`);
process.exit(code);
