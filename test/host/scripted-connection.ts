// A scripted fake Connection for data-driven module tests: each command the
// module sends is matched, in order, against the script's expectations and
// answered with canned output; what was sent is kept for the test to check.
// The proof that a module works stays a run on a real host (test/integration).
import type { Connection, ExecOptions, ExecResult } from '../../src/connection/connection.js';

export interface Expectation {
  /** A substring or pattern the command must contain. */
  match: string | RegExp;
  reply: Partial<ExecResult>;
}

export class ScriptedConnection implements Connection {
  readonly sent: string[] = [];
  private next = 0;

  constructor(
    private readonly script: Expectation[],
    readonly host = 'scripted',
  ) {}

  async exec(command: string, _options?: ExecOptions): Promise<ExecResult> {
    this.sent.push(command);
    const expected = this.script[this.next++];
    if (!expected) throw new Error(`unexpected command #${this.sent.length}: ${command}`);
    const ok = typeof expected.match === 'string' ? command.includes(expected.match) : expected.match.test(command);
    if (!ok) throw new Error(`command #${this.sent.length} does not match ${String(expected.match)}: ${command}`);
    return { rc: 0, stdout: '', stderr: '', ...expected.reply };
  }

  /** Every expectation was used. */
  get done(): boolean {
    return this.next === this.script.length;
  }

  async close(): Promise<void> {}
}
