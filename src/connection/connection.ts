// How the engine reaches a host. Modules only ever see `Connection`: a way to run
// one shell command (with stdin) and get its output. Files, stat and checksums are
// built on top of it (src/remote-files.ts), so every transport (local, SSH) gets
// them for free and a task costs as few round trips as the module asks for.
import type { Socket } from 'node:net';
import type { HostAgent } from './host-agent.js';

export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string | Buffer;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface Connection {
  /** Inventory name of the host. */
  readonly host: string;
  /** The controller itself (the `local` connection): reboot refuses to run there. */
  readonly local?: boolean;
  /** Run one POSIX sh command line (already quoted) on the host. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * The host's file agent, when the transport has one running (see
   * host-agent.ts); file operations use it instead of shell commands.
   */
  agent?(): Promise<HostAgent | undefined>;
  close(): Promise<void>;
  /** The open TCP connection under it, for a process about to exit to hand over (exit-closer.ts). */
  tcpSocket?(): Socket | undefined;
}

/** Privilege escalation for one task, as the play/task asked for it. */
export interface BecomeSpec {
  method: 'sudo' | 'su';
  user: string;
  password?: string;
  flags?: string;
}

/** The host cannot be reached (connect failed or dropped): "unreachable". */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}
