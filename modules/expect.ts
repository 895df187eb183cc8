// expect: run a command in a pseudo-terminal on the host and answer its
// questions (responses: a Python regex -> an answer, or answers in turn).
// Ansible needs pexpect on the host; tsplay needs python3, or else the Tcl
// `expect` program (src/pty), and fails naming both when the host has neither.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { sh } from '../src/host/shell.js';
import { ptyRun } from '../src/pty/pty-run.js';

interface ExpectArgs {
  command: string;
  responses: Record<string, unknown>;
  chdir?: string;
  creates?: string;
  removes?: string;
  timeout: number | null;
  echo: boolean;
}

/** Python's str() of an answer, as Ansible's to_bytes gives it. */
const answer = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : v === null ? 'None' : String(v));

const lines = (text: string): string[] => text.split(/\r\n|\r|\n/).filter((l, i, a) => l !== '' || i < a.length - 1);

const expect: Module<ExpectArgs, undefined> = {
  name: 'expect',
  summary: 'Executes a command and responds to prompts',
  // As Ansible: the command cannot be predicted; check mode skips it.
  supportsCheckMode: false,
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command to run (split as a shell would, but no shell: use sh -c for pipes).' },
      responses: { type: 'object', description: 'Expected string/regex -> the answer, or a list of answers for successive matches.' },
      chdir: { type: 'string', description: 'Change into this directory before running the command.' },
      creates: { type: 'string', description: 'A filename; when it already exists, the command is not run.' },
      removes: { type: 'string', description: 'A filename; when it does not exist, the command is not run.' },
      timeout: { type: ['integer', 'null'], default: 30, description: 'Seconds to wait for the expected strings; null: no limit.' },
      echo: { type: 'boolean', default: false, description: 'Whether or not to echo out your response strings.' },
    },
    required: ['command', 'responses'],
  },
  async plan(ctx) {
    if (ctx.check) return { changed: false, unpredictable: 'remote module (expect) does not support check mode' };
    const a = ctx.args;
    if (a.command.trim() === '') throw new ModuleFailure('no command given', { rc: 256 });
    if (a.creates !== undefined || a.removes !== undefined) {
      const cd = a.chdir ? sh`cd ${a.chdir} && ` : '';
      const test = a.creates !== undefined ? sh`[ -e ${a.creates} ]` : sh`[ ! -e ${a.removes!} ]`;
      if ((await ctx.conn.exec(`${cd}${test}`)).rc === 0) {
        const stdout = a.creates !== undefined ? `skipped, since ${a.creates} exists` : `skipped, since ${a.removes} does not exist`;
        return { changed: false, result: { changed: false, cmd: a.command, stdout, stdout_lines: [stdout], rc: 0 } };
      }
    }
    const responses = Object.entries(a.responses).map(([k, v]): [string, string | string[]] => [k, Array.isArray(v) ? v.map(answer) : answer(v)]);
    const run = await ptyRun(ctx.conn, { command: a.command, responses, timeout: a.timeout, echo: a.echo, chdir: a.chdir });
    if (run.error) throw new ModuleFailure(run.error);
    const stdout = run.output.replace(/[\r\n]+$/, '');
    const result: ModuleResult = {
      cmd: a.command,
      stdout,
      stdout_lines: lines(stdout),
      rc: run.rc,
      start: run.start,
      end: run.end,
      delta: run.delta,
      changed: true,
    };
    if (run.rc === null) throw new ModuleFailure('command exceeded timeout', result);
    if (run.rc !== 0) throw new ModuleFailure('non-zero return code', result);
    return { changed: true, result };
  },
};

export default expect;
