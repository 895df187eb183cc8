// The `local` connection: commands run on the controller through /bin/sh.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult } from './connection.js';
import { agentWanted, HostAgent } from './host-agent.js';
import { agentCommand } from './host-agent-program.js';

export class LocalConnection implements Connection {
  readonly local = true;
  /** Commands still running, ended by close() (e.g. on Ctrl-C). */
  private readonly running = new Set<ChildProcess>();

  private hostAgent: Promise<HostAgent | undefined> | undefined;

  constructor(
    readonly host: string,
    private readonly pythonInterpreter?: string,
  ) {}

  /** The agent is started by the first file operation that asks for it. */
  async agent(): Promise<HostAgent | undefined> {
    if (!agentWanted()) return undefined;
    this.hostAgent ??= this.startAgent();
    const agent = await this.hostAgent;
    return agent?.alive ? agent : undefined;
  }

  private startAgent(): Promise<HostAgent | undefined> {
    const child = spawn('/bin/sh', ['-c', agentCommand(this.pythonInterpreter)], { stdio: ['pipe', 'pipe', 'ignore'] });
    child.on('error', () => undefined);
    return HostAgent.start({ input: child.stdin, output: child.stdout, ended: child }, 10_000);
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      this.running.add(child);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.running.delete(child);
        resolve({
          rc: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      // A command that does not read its stdin must not make us fail.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {
    void this.hostAgent?.then((a) => a?.close());
    for (const child of this.running) {
      // The command runs in its own process group: end it and whatever it started.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
