// The host agent: one long-lived Python process per host (on its own channel,
// next to the framed shell) that probes and writes files with system calls.
// A file task through the shell starts several programs on the host (stat,
// sha1sum, mktemp, chmod, mv: about 1 ms each, most of a task's cost); through
// the agent it costs one request and no process start. Hosts without Python
// simply have no agent, and every file operation goes through the shell.
// Set TSPLAY_HOST_AGENT=0 to never start it.
import type { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { agentProgramText } from './host-agent-program.js';

/** Ownership, size and time of a file: the same on the wire and in RemoteFileState. */
export interface FileOwnership {
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
}

/** A probed path as the agent sends it (remote-files.ts turns it into a RemoteFileState). */
export interface AgentFileState extends FileOwnership {
  type: 'absent' | 'file' | 'directory' | 'link' | 'other';
  /** Octal digits as stat %a prints them, e.g. "644". */
  mode?: string;
  target?: string;
  sha1?: string;
  content?: string;
}

export interface AgentProbeRequest {
  op: 'probe';
  paths: readonly string[];
  follow?: boolean;
  checksum?: boolean;
  content?: boolean;
}

export interface AgentWriteRequest {
  op: 'write';
  path: string;
  /** The content, base64. */
  data: string;
  /** Octal digits only (symbolic modes go through the shell). */
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  /** Create missing parent directories first (as mkdir -p). */
  parents?: boolean;
  probeAfter?: { follow?: boolean; checksum?: boolean; content?: boolean };
}

/** Probe dest and its parent, then write dest where the plan would (see the agent program). */
export interface AgentPutRequest extends Omit<AgentWriteRequest, 'op' | 'path'> {
  op: 'put';
  paths: readonly [dest: string, parent: string];
  /** Also return the content of dest as it was (for a diff). */
  content?: boolean;
  /** Describe what a symlink points to (default); false: a link is not a file, and is never written. */
  follow?: boolean;
  /** SHA-1 of data: dest already holding it is left alone. */
  unlessSha1?: string;
  /** Write only if dest is still the regular file with this SHA-1. */
  ifSha1?: string;
}

/** A detailed stat (remote-stat.ts), answered with the fields its shell script prints. */
export interface AgentStatRequest {
  op: 'stat';
  requests: ReadonlyArray<{ path: string; follow?: boolean; checksum?: string }>;
}

export interface AgentStatReply {
  stats: Array<Record<string, string>>;
}

export interface AgentProbeReply {
  states: AgentFileState[];
}

export interface AgentWriteReply {
  backup?: string;
  after?: AgentFileState;
}

export interface AgentPutReply extends AgentWriteReply {
  /** dest and its parent before anything was written. */
  states: [AgentFileState, AgentFileState];
  wrote: boolean;
}

/** The agent went away (its channel closed): callers fall back to the shell. */
export class AgentGoneError extends Error {}

/** The agent answered with an error (e.g. permission denied). */
export class AgentRequestError extends Error {}

/**
 * Where the agent runs: its stdin and stdout, and what emits 'close' when it
 * ends (an SSH channel is all three; a child process has two streams and itself).
 */
export interface AgentStreams {
  input: Writable;
  output: Readable;
  ended: EventEmitter;
}

interface Waiting {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export class HostAgent {
  private readonly waiting: Waiting[] = [];
  private partial = '';
  private goneReason: string | undefined;

  private constructor(private readonly input: Writable) {}

  /**
   * Send the program and wait for its greeting. Resolves undefined when the
   * host has no usable Python or does not answer within timeoutMs.
   */
  static start(streams: AgentStreams, timeoutMs: number): Promise<HostAgent | undefined> {
    const agent = new HostAgent(streams.input);
    streams.input.on('error', (e: Error) => agent.gone(e.message));
    streams.output.on('data', (d: Buffer) => agent.receive(d));
    streams.ended.on('close', () => agent.gone('the host agent exited'));
    const hello = agent.next();
    streams.input.write(agentProgramText());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    return Promise.race([hello.then((h) => (h.hello === 1 ? agent : undefined)), timeout])
      .catch(() => undefined)
      .then((ready) => {
        clearTimeout(timer);
        if (!ready) agent.close('the host agent did not start');
        return ready;
      });
  }

  /** Bytes from the agent's stdout. */
  receive(chunk: Buffer): void {
    // The agent writes ASCII only (json.dumps escapes everything else).
    this.partial += chunk.toString('latin1');
    let nl: number;
    while ((nl = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      const waiter = this.waiting.shift();
      if (!waiter) continue;
      try {
        waiter.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        waiter.reject(new AgentGoneError(`the host agent sent an unreadable answer: ${line.slice(0, 200)}`));
      }
    }
  }

  /** The transport closed or failed: every waiting and later request fails. */
  gone(reason: string): void {
    if (this.goneReason !== undefined) return;
    this.goneReason = reason;
    for (const w of this.waiting.splice(0)) w.reject(new AgentGoneError(reason));
  }

  get alive(): boolean {
    return this.goneReason === undefined;
  }

  /** `endInput: false`: its transport is closing anyway (no end of input of its own). */
  close(reason = 'the host agent was closed', endInput = true): void {
    this.gone(reason);
    if (endInput) this.input.end();
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.goneReason !== undefined) return Promise.reject(new AgentGoneError(this.goneReason));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** The reply to `req`, of the shape its op answers with. */
  private async request<Reply>(req: AgentProbeRequest | AgentWriteRequest | AgentPutRequest | AgentStatRequest): Promise<Reply> {
    const answer = this.next();
    this.input.write(`${JSON.stringify(req)}\n`);
    const reply = await answer;
    if (typeof reply.error === 'string') throw new AgentRequestError(reply.error);
    return reply as Reply;
  }

  // Not async functions: each would add two promises to every request.
  probe(req: Omit<AgentProbeRequest, 'op'>): Promise<AgentProbeReply> {
    return this.request({ op: 'probe', ...req });
  }

  write(req: Omit<AgentWriteRequest, 'op'>): Promise<AgentWriteReply> {
    return this.request({ op: 'write', ...req });
  }

  put(req: Omit<AgentPutRequest, 'op'>): Promise<AgentPutReply> {
    return this.request({ op: 'put', ...req });
  }

  stat(req: Omit<AgentStatRequest, 'op'>): Promise<AgentStatReply> {
    return this.request({ op: 'stat', ...req });
  }
}

/** False when the user switched the agent off (TSPLAY_HOST_AGENT=0). */
export function agentWanted(): boolean {
  const v = process.env.TSPLAY_HOST_AGENT;
  return !(v !== undefined && /^(0|false|no|off)$/i.test(v));
}
