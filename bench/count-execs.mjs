// Diagnostic, not timed against anything: runs tsplay in this process with
// SshConnection.exec wrapped to count the remote commands (round trips) it sends,
// the bytes, and how long each took. Prints on stderr one line
// `COUNT {"code","execs","stdinBytes","commandBytes","startupMs","spanMs","inExecMs","exitMs"}`:
// startupMs = process start to the first command; spanMs = first command to the
// last answer (mean over hosts); inExecMs = time a host had a command in flight
// (mean over hosts); exitMs = last answer to the end of main().
// With BENCH_EXEC_LOG=<file>, writes every command as a JSON line {host, command, stdin}.
// Usage: node bench/count-execs.mjs <tsplay run arguments...>
import { appendFileSync, writeSync } from 'node:fs';
import { SshConnection } from '../dist/src/connection/ssh.js';
import { main } from '../dist/src/cli.js';

const t0 = performance.timeOrigin;
let execs = 0;
let stdinBytes = 0;
let commandBytes = 0;
const perHost = new Map();
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
  const h = perHost.get(this.host) ?? { first: Infinity, last: 0, busy: 0 };
  perHost.set(this.host, h);
  const start = performance.now();
  h.first = Math.min(h.first, start);
  try {
    return await orig.call(this, command, options);
  } finally {
    const end = performance.now();
    h.busy += end - start;
    h.last = Math.max(h.last, end);
  }
};
const code = await main(['node', 'tsplay', ...process.argv.slice(2)]);
const end = performance.now();
const hs = [...perHost.values()];
const mean = (f) => (hs.length ? hs.reduce((a, h) => a + f(h), 0) / hs.length : NaN);
const first = Math.min(...hs.map((h) => h.first));
const last = Math.max(...hs.map((h) => h.last));
const out = { code, execs, stdinBytes, commandBytes, startupMs: first, spanMs: mean((h) => h.last - h.first), inExecMs: mean((h) => h.busy), exitMs: end - last, t0 };
writeSync(2, `\nCOUNT ${JSON.stringify(out)}\n`);
process.exit(code);
