// A simulated SELinux host for module tests (this machine's kernel has none).
import type { Connection, ExecOptions, ExecResult } from '../../src/connection/connection.js';
import { LocalConnection } from '../../src/connection/local.js';

/**
 * The local machine as an SELinux host: the SELinux probe answers `probe` (with
 * the real current context of the path replaced by `contexts`), chcon is
 * recorded and updates `contexts`; everything else runs here. No agent, so file
 * probes go through the shell too.
 */
export class SelinuxHost implements Connection {
  readonly chcon: string[] = [];
  readonly sent: string[] = [];
  private readonly machine = new LocalConnection('localhost');
  readonly host = 'localhost';
  constructor(
    readonly contexts: Map<string, string>,
    readonly defaultContext = 'system_u:object_r:etc_t:s0',
    /** Whether the policy is MLS (contexts then have a level). */
    readonly mls = true,
  ) {}
  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    this.sent.push(command);
    if (command.includes('selinux=enabled')) {
      const path = /\np=(\S+)\n/.exec(command)![1]!;
      const current = this.contexts.get(path);
      const mls = this.mls ? 'mls=1\n' : '';
      return { rc: 0, stdout: `selinux=enabled\n${mls}${current ? `current=${current}\n` : ''}default=${this.defaultContext}\n`, stderr: '' };
    }
    // chcon (alone, or a step among others): recorded, and run as `true`.
    const rest = command.replace(/chcon (?:-h )?-- (\S+) ([^\s']+)/g, (_all, context: string, path: string) => {
      this.chcon.push(`${context} ${path}`);
      this.contexts.set(path, context);
      return 'true';
    });
    if (rest.includes('chcon')) throw new Error(`unexpected chcon: ${command}`);
    command = rest;
    return this.machine.exec(command, options);
  }
  async close(): Promise<void> {}
}
