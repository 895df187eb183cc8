// Wraps a host's connection with what one task asks for: `environment` and
// `become`. Modules stay unaware of both.
import { quote, quoteArgv } from '../host/shell.js';
import type { BecomeSpec, Connection, ExecOptions, ExecResult } from './connection.js';
import type { HostAgent } from './host-agent.js';

export interface TaskExecSettings {
  environment?: Record<string, string>;
  become?: BecomeSpec;
}

export function wrapCommand(command: string, settings: TaskExecSettings): { command: string; stdinPrefix: string } {
  let cmd = command;
  const env = settings.environment ?? {};
  const names = Object.keys(env);
  if (names.length > 0) {
    const assignments = names.map((k) => `${k}=${quote(env[k]!)}`).join(' ');
    cmd = `export ${assignments}; ${cmd}`;
  }
  let stdinPrefix = '';
  const become = settings.become;
  if (become) {
    if (become.method === 'sudo') {
      const flags = become.flags ?? '-H -S -n';
      const hasPassword = become.password !== undefined;
      // With a password: -S reads it from stdin (never the command line), -p '' keeps the prompt silent.
      const sudoFlags = hasPassword ? flags.replace(/(^|\s)-n(\s|$)/, ' ').trim() : flags;
      cmd = `sudo ${sudoFlags} ${hasPassword ? "-p '' " : ''}-u ${quote(become.user)} /bin/sh -c ${quote(cmd)}`;
      if (hasPassword) stdinPrefix = `${become.password}\n`;
    } else {
      cmd = `su ${quote(become.user)} -c ${quote(quoteArgv(['/bin/sh', '-c', cmd]))}`;
    }
  }
  return { command: cmd, stdinPrefix };
}

export class TaskConnection implements Connection {
  constructor(
    private readonly inner: Connection,
    private readonly settings: TaskExecSettings,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  get local(): boolean | undefined {
    return this.inner.local;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { command: wrapped, stdinPrefix } = wrapCommand(command, this.settings);
    const stdin = stdinPrefix
      ? Buffer.concat([Buffer.from(stdinPrefix), Buffer.from(options.stdin ?? '')])
      : options.stdin;
    return this.inner.exec(wrapped, { ...options, stdin });
  }

  /** The agent runs as the connection's user: a task with become uses the shell. */
  async agent(): Promise<HostAgent | undefined> {
    if (this.settings.become || !this.inner.agent) return undefined;
    return this.inner.agent();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
