// The framed shell protocol: one long-lived `/bin/sh` on an SSH exec channel,
// reused for every command of a host (a new channel per command costs 130-170 ms,
// a framed command on an open shell about 1 ms; see PERF.md).
//
// For each command we write this to the shell's stdin (TOKEN: 64 random bits and a counter,
// fresh per command):
//
//   __tsp_c='<command, single-quoted>'
//   ( eval "$__tsp_c" ) </dev/null                      # without stdin, or
//   base64 -d <<'__TSPLAY_IN_TOKEN' | ( eval "$__tsp_c" )  # with stdin
//   <stdin as base64, 76 columns>
//   __TSPLAY_IN_TOKEN
//   __tsp_rc=$?
//   printf '%s' '__TSPLAY_ERR_TOKEN__' >&2; printf '%s%s\n' '__TSPLAY_OUT_TOKEN__' "$__tsp_rc"
//
// - The command only ever reaches the shell as one single-quoted word, so any
//   text (unbalanced quotes, `;`, `$()`, newlines, syntax errors) is parsed by
//   `eval` inside the subshell, never by the session shell.
// - The subshell isolates `exit`, `cd`, variables and `exec` redirections: the
//   session survives them.
// - The command's stdin is /dev/null or a pipe fed from a here-doc, never the
//   session's stdin, so a command that reads stdin cannot eat the next command.
//   Stdin bytes (file contents, sudo passwords) travel base64-encoded inside the
//   channel, never on a command line visible in `ps`; `_` in the here-doc
//   delimiter cannot occur in base64, so the data cannot end it early.
// - stdout and stderr stay on the channel's two streams; each ends where its own
//   marker appears, and the stdout marker carries the exit status. Output is
//   kept as Buffer chunks and decoded once, so large outputs are cheap.
//
// Limits: output written by a background process after its command finished
// lands between markers and is discarded (or, if still running, in a later
// command's output). The host needs `base64` (coreutils/busybox) for stdin.
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { UnreachableError, type ExecResult } from './connection.js';

/** Default cap on one command's stdout (and, separately, stderr). */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Single-quote a word for sh, always (even when it looks safe). */
function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\n');
}

export interface FramedCommand {
  script: string;
  outMarker: Buffer;
  errMarker: Buffer;
}

// Markers must not turn up in a command's output by chance: 64 random bits
// drawn once a process, and a counter, make every command's token new.
const TOKEN_PREFIX = randomBytes(8).toString('hex');
let tokenCount = 0;

/** Build what is written to the shell for one command (exported for tests). */
export function frameCommand(command: string, stdin?: Buffer): FramedCommand {
  if (command.includes('\0')) throw new Error('A command cannot contain a NUL byte');
  const token = `${TOKEN_PREFIX}${(tokenCount++).toString(16)}`;
  const out = `__TSPLAY_OUT_${token}__`;
  const err = `__TSPLAY_ERR_${token}__`;
  const lines = [`__tsp_c=${singleQuote(command)}`];
  if (stdin && stdin.length > 0) {
    const eof = `__TSPLAY_IN_${token}`;
    lines.push(`base64 -d <<'${eof}' | ( eval "$__tsp_c" )`, base64Lines(stdin), eof);
  } else {
    lines.push(`( eval "$__tsp_c" ) </dev/null`);
  }
  lines.push('__tsp_rc=$?');
  lines.push(`printf '%s' '${err}' >&2; printf '%s%s\\n' '${out}' "$__tsp_rc"`);
  return { script: `${lines.join('\n')}\n`, outMarker: Buffer.from(out), errMarker: Buffer.from(err) };
}

/**
 * Collects one stream of one command up to its marker. Bytes are committed only
 * once they cannot be the start of the marker; a small tail is held back.
 */
export class MarkerCollector {
  private readonly body: Buffer[] = [];
  private bodySize = 0;
  private tail: Buffer = Buffer.alloc(0);
  private after: Buffer[] = [];
  private found = false;
  overflow = false;
  done = false;
  /** Text between the marker and the newline (the exit status), when wanted. */
  trailer = '';

  constructor(
    private readonly marker: Buffer,
    private readonly wantTrailer: boolean,
    private readonly cap: number,
  ) {}

  private commit(chunk: Buffer): void {
    if (chunk.length === 0 || this.overflow) return;
    if (this.bodySize + chunk.length > this.cap) {
      this.overflow = true;
      this.body.length = 0;
      return;
    }
    this.body.push(chunk);
    this.bodySize += chunk.length;
  }

  /** Feed bytes; returns true once the stream is complete. */
  push(chunk: Buffer): boolean {
    if (this.done) return true;
    if (!this.found) {
      const window = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
      const idx = window.indexOf(this.marker);
      if (idx < 0) {
        const keep = Math.min(window.length, this.marker.length - 1);
        this.commit(window.subarray(0, window.length - keep));
        this.tail = Buffer.from(window.subarray(window.length - keep));
        return false;
      }
      this.commit(window.subarray(0, idx));
      this.tail = Buffer.alloc(0);
      this.found = true;
      chunk = window.subarray(idx + this.marker.length);
      if (!this.wantTrailer) {
        this.done = true;
        return true;
      }
    }
    this.after.push(chunk);
    const rest = Buffer.concat(this.after);
    const nl = rest.indexOf(0x0a);
    if (nl < 0) {
      this.after = [rest];
      return false;
    }
    this.trailer = rest.subarray(0, nl).toString('latin1');
    this.done = true;
    return true;
  }

  text(): string {
    return Buffer.concat(this.body, this.bodySize).toString('utf8');
  }

  /** What arrived so far, marker or not (for error messages). */
  peek(max = 500): string {
    const all = Buffer.concat([...this.body, this.tail]);
    return all.subarray(Math.max(0, all.length - max)).toString('utf8');
  }

  get size(): number {
    return this.bodySize;
  }
}

interface Running {
  out: MarkerCollector;
  err: MarkerCollector;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

export interface ShellSessionOptions {
  /** Shown in errors. */
  label: string;
  maxOutputBytes?: number;
}

/**
 * One `/bin/sh` on one channel. Not re-entrant: the caller (SshConnection)
 * queues commands so only one runs at a time.
 */
export class ShellSession {
  private running: Running | undefined;
  private closed = false;
  private closeReason = 'the shell session closed';
  private readonly cap: number;

  private constructor(
    private readonly channel: ClientChannel,
    private readonly options: ShellSessionOptions,
  ) {
    this.cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    channel.on('data', (d: Buffer) => this.onData('out', d));
    channel.stderr.on('data', (d: Buffer) => this.onData('err', d));
    channel.on('exit', (code: number | null, signal?: string) => {
      this.closeReason = signal
        ? `the remote shell was killed by signal ${signal}`
        : `the remote shell exited with status ${code}`;
    });
    channel.on('close', () => this.onClose());
    channel.on('error', (e: Error) => {
      this.closeReason = e.message;
      this.onClose();
    });
  }

  /** Open the channel, start /bin/sh and check it answers a framed command. */
  static open(client: Client, options: ShellSessionOptions, timeoutMs: number): Promise<ShellSession> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new UnreachableError(`${options.label}: timed out after ${timeoutMs} ms starting /bin/sh on the host`));
      }, timeoutMs);
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e instanceof UnreachableError ? e : new UnreachableError(`${options.label}: cannot start /bin/sh: ${e.message}`));
      };
      try {
        client.exec('/bin/sh', (err, channel) => {
          if (err) return fail(err);
          const session = new ShellSession(channel, options);
          // Any noise from the login shell's rc files ends up in this first
          // command's output and is dropped.
          session
            .run('true')
            .then((r) => {
              if (settled) return session.close();
              if (r.rc !== 0) throw new Error(`the shell answered the handshake with status ${r.rc}`);
              settled = true;
              clearTimeout(timer);
              resolve(session);
            })
            .catch((e: Error) => {
              session.close();
              fail(e);
            });
        });
      } catch (e) {
        fail(e as Error);
      }
    });
  }

  get alive(): boolean {
    return !this.closed;
  }

  run(command: string, stdin?: Buffer): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new UnreachableError(`${this.options.label}: ${this.closeReason}`));
    if (this.running) return Promise.reject(new Error('ShellSession.run called while a command is running'));
    let framed: FramedCommand;
    try {
      framed = frameCommand(command, stdin);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<ExecResult>((resolve, reject) => {
      this.running = {
        out: new MarkerCollector(framed.outMarker, true, this.cap),
        err: new MarkerCollector(framed.errMarker, false, this.cap),
        resolve,
        reject,
      };
      this.channel.write(framed.script);
    });
  }

  private onData(stream: 'out' | 'err', data: Buffer): void {
    const r = this.running;
    if (!r) return; // between commands: background noise, dropped
    (stream === 'out' ? r.out : r.err).push(data);
    if (!r.out.done || !r.err.done) return;
    this.running = undefined;
    if (r.out.overflow || r.err.overflow) {
      r.reject(new Error(`${this.options.label}: command output exceeded ${this.cap} bytes`));
      return;
    }
    const rc = Number.parseInt(r.out.trailer, 10);
    r.resolve({ rc: Number.isNaN(rc) ? 1 : rc, stdout: r.out.text(), stderr: r.err.text() });
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    const said = `${r.err.peek()}${r.out.peek()}`.trim();
    r.reject(
      new UnreachableError(
        `${this.options.label}: ${this.closeReason} while running a command${said ? ` (it said: ${said})` : ''}`,
      ),
    );
  }

  /** `endChannel: false`: the whole connection is closing, which ends the channel too (no packet of its own). */
  close(endChannel = true): void {
    if (this.closed) return;
    this.closeReason = 'the shell session was closed';
    try {
      if (endChannel) this.channel.end();
    } catch {
      // already gone
    }
    this.onClose();
  }
}
