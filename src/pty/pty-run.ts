// Running a program in a pseudo-terminal on the host and answering what it
// asks (expect), without Python's pexpect: a small python3 program (its pty
// module) drives it as pexpect.run does: the command split as a shell would
// (no shell), answers sent when a pattern (a Python regex) matches the output
// not yet matched, the earliest match first; `timeout` seconds between
// matches. The command and the answers (secrets) go on stdin, never on a
// command line.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { quote } from '../host/shell.js';

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
spec = json.load(sys.stdin)
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

/** Runs the program in a pty on the host; needs python3 there. */
export async function ptyRun(conn: Connection, spec: PtyRunSpec): Promise<PtyRunResult> {
  const cd = spec.chdir ? `cd ${quote(spec.chdir)} || exit 1; ` : '';
  const line = `${cd}if command -v python3 >/dev/null 2>&1; then exec python3 -c ${quote(PROGRAM)}; else echo ${quote('@@no-python3@@')}; fi`;
  const res = await conn.exec(line, { stdin: JSON.stringify(spec) });
  if (res.stdout.includes('@@no-python3@@')) {
    throw new ModuleFailure('expect needs python3 on the host: tsplay drives the program in a pseudo-terminal with python3\'s pty module (pexpect is not needed)');
  }
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
