// The `local` connection: commands run on the controller through /bin/sh.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult } from './connection.js';

export class LocalConnection implements Connection {
  /** Commands still running, ended by close() (e.g. on Ctrl-C). */
  private readonly running = new Set<ChildProcess>();

  constructor(readonly host: string) {}

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
