// Running a program in a pseudo-terminal on the host and answering what it
// asks (expect), without Python's pexpect: a small python3 program (its pty
// module) drives it as pexpect.run does: the command split as a shell would
// (no shell), answers sent when a pattern (a Python regex) matches the output
// not yet matched, the earliest match first; `timeout` seconds between
// matches. A host without python3 but with the Tcl `expect` program is driven
// the same way by expect-tcl.ts; the host picks, in the same round trip. The
// command and the answers (secrets) go on stdin, never on a command line.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { quote, splitArgs } from '../host/shell.js';
import { parseTclOutput, pyBytesRepr, tclInput, TCL_RUNNER } from './expect-tcl.js';

export interface PtyRunSpec {
  command: string;
  /** Pattern and its answers in turn (one answer: given every time). */
  responses: Array<[string, string | string[]]>;
  /** Seconds to wait for the next match or the end; null: no limit. */
  timeout: number | null;
  /** Let the terminal echo what is typed (the answers appear in the output). */
  echo: boolean;
  chdir?: string;
}

export interface PtyRunResult {
  /** Everything the program wrote to its terminal. */
  output: string;
  /** Exit status; null when it timed out or was killed by a signal (as pexpect reports it). */
  rc: number | null;
  start: string;
  end: string;
  delta: string;
  /** A list of answers ran out: Ansible's message. */
  error?: string;
}

const PROGRAM = String.raw`
import base64, datetime, fcntl, json, os, pty, re, select, shlex, shutil, signal, struct, sys, termios, time
spec = json.loads(sys.stdin.readline())
argv = shlex.split(spec["command"])
prog = argv[0] if "/" in argv[0] else shutil.which(argv[0])
if not prog or not os.access(prog, os.X_OK) or os.path.isdir(prog):
    print(json.dumps({"fail": "The command was not found or was not executable: %s." % argv[0]}))
    sys.exit(0)
pats = [(re.compile(k.encode()), v) for k, v in spec["responses"]]
used = [0] * len(pats)
start = datetime.datetime.now()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    if not spec["echo"]:
        a = termios.tcgetattr(0)
        a[3] &= ~termios.ECHO
        termios.tcsetattr(0, termios.TCSANOW, a)
    os.execv(prog, argv)
out, buf, error, timedout = bytearray(), b"", None, False
limit = spec["timeout"]
deadline = None if limit is None else time.time() + limit
while True:
    best = None
    for i, (rx, _) in enumerate(pats):
        m = rx.search(buf)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, i)
    if best:
        m, i = best
        seen, buf = buf[:m.end()], buf[m.end():]
        answers = pats[i][1]
        if isinstance(answers, list):
            if used[i] >= len(answers):
                error = "No remaining responses for '%s', output was '%s'" % (spec["responses"][i][0], seen)
                break
            answer = answers[used[i]]
            used[i] += 1
        else:
            answer = answers
        os.write(fd, answer.rstrip("\n").encode() + b"\n")
        deadline = None if limit is None else time.time() + limit
        continue
    wait = None if deadline is None else max(0, deadline - time.time())
    ready = select.select([fd], [], [], wait)[0]
    if not ready:
        timedout = True
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        data = b""
    if not data:
        break
    out += data
    buf += data
if timedout or error:
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
        time.sleep(0.1)
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
    else:
        os.waitpid(pid, 0)
    rc = None
else:
    status = os.waitpid(pid, 0)[1]
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
end = datetime.datetime.now()
print(json.dumps({"out": base64.b64encode(bytes(out)).decode(), "rc": rc, "error": error,
                  "start": str(start), "end": str(end), "delta": str(end - start)}))
`;

const NO_RUNNER = '@@tsplay-no-pty-runner@@';
const TCL = '@@tsplay-expect-tcl@@';

/** Runs the program in a pty on the host: with python3, else with the Tcl `expect` program. */
export async function ptyRun(conn: Connection, spec: PtyRunSpec): Promise<PtyRunResult> {
  const cd = spec.chdir ? `cd ${quote(spec.chdir)} || exit 1; ` : '';
  const line =
    `${cd}if command -v python3 >/dev/null 2>&1; then exec python3 -c ${quote(PROGRAM)}; ` +
    `elif command -v expect >/dev/null 2>&1; then echo ${TCL}; exec expect -c ${quote(TCL_RUNNER)}; ` +
    `else echo ${NO_RUNNER}; fi`;
  // One line for the python runner, then the Tcl runner's fields: the host reads what its runner needs.
  let stdin = `${JSON.stringify(spec)}\n`;
  try {
    stdin += tclInput(splitArgs(spec.command), spec.responses, spec.timeout, spec.echo);
  } catch {
    // A command shlex cannot split: python3 reports it; the Tcl runner gets no command.
    stdin += tclInput([''], spec.responses, spec.timeout, spec.echo);
  }
  const res = await conn.exec(line, { stdin });
  if (res.stdout.includes(NO_RUNNER)) {
    throw new ModuleFailure(
      'expect needs python3 or the expect program (Tcl) on the host, and it has neither: tsplay drives the command in a pseudo-terminal with one of them (pexpect is not needed)',
    );
  }
  if (res.stdout.startsWith(TCL)) return tclResult(spec, res.stdout, res.stderr, res.rc);
  let parsed: { out?: string; rc: number | null; error?: string | null; fail?: string; start: string; end: string; delta: string };
  try {
    parsed = JSON.parse(res.stdout.trim().split('\n').pop() ?? '');
  } catch {
    throw new ModuleFailure(`expect: the pty runner failed: ${res.stderr.trim() || res.stdout.trim() || `exit ${res.rc}`}`);
  }
  // Ansible's result carries pexpect's exception (its callback prints the last line).
  if (parsed.fail) throw new ModuleFailure(parsed.fail, { exception: `pexpect.exceptions.ExceptionPexpect: ${parsed.fail}\n` });
  return {
    output: Buffer.from(parsed.out ?? '', 'base64').toString('utf8'),
    rc: parsed.rc,
    start: parsed.start,
    end: parsed.end,
    delta: parsed.delta,
    ...(parsed.error ? { error: parsed.error } : {}),
  };
}

function tclResult(spec: PtyRunSpec, stdout: string, stderr: string, rc: number): PtyRunResult {
  const run = parseTclOutput(stdout);
  if (!run) throw new ModuleFailure(`expect: the expect (Tcl) runner failed: ${stderr.trim() || stdout.trim() || `exit ${rc}`}`);
  if (run.fail !== undefined) {
    const msg = `The command was not found or was not executable: ${run.fail}.`;
    throw new ModuleFailure(msg, { exception: `pexpect.exceptions.ExceptionPexpect: ${msg}\n` });
  }
  const error = run.nomore && `No remaining responses for '${spec.responses[run.nomore.index]![0]}', output was '${pyBytesRepr(run.nomore.seen)}'`;
  return { output: run.out.toString('utf8'), rc: run.rc, start: run.start, end: run.end, delta: run.delta, ...(error ? { error } : {}) };
}
