// What command and shell share: creates/removes decide in the plan whether the
// command runs; the command itself can only run in apply.
import { globMatches, runUserCommand } from '../src/host/command-run.js';
import { ModuleFailure, type Applied, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { sh } from '../src/host/shell.js';

async function isDirectory(ctx: ModuleContext<CommandArgs>, dir: string): Promise<boolean> {
  return (await ctx.conn.exec(sh`[ -d ${dir} ]`)).rc === 0;
}

export interface CommandArgs {
  _raw_params?: string;
  cmd?: string;
  argv?: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
  executable?: string;
}

export const commandOptions = {
  _raw_params: { type: 'string' },
  cmd: { type: 'string' },
  chdir: { type: 'string' },
  creates: { type: 'string' },
  removes: { type: 'string' },
  stdin: { type: 'string' },
  stdin_add_newline: { type: 'boolean', default: true },
  strip_empty_ends: { type: 'boolean', default: true },
};

/** Free-form words Ansible lifts out of `command: ...`/`shell: ...` text (`warn` too, which 2.14's command then refuses). */
export const COMMAND_FREE_FORM_KEYS = ['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];

export interface CommandState {
  command: string;
  shown: unknown;
}

/** Plan a command: skipped by creates/removes, else it would run (and change). */
export async function planCommand(
  ctx: ModuleContext<CommandArgs>,
  build: () => CommandState,
): Promise<Plan<CommandState>> {
  const { creates, removes, chdir } = ctx.args;
  const state = build();
  if (chdir && !(await isDirectory(ctx, chdir))) {
    // Ansible's words and result shape (its Python names the path as bytes).
    throw new ModuleFailure(`Unable to change directory before execution: [Errno 2] No such file or directory: b'${chdir}'`, {
      cmd: state.shown, rc: null, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null,
    });
  }
  const verb = ctx.check ? 'Would' : 'Did';
  if (creates && (await globMatches(ctx.conn, creates, chdir))) {
    return {
      changed: false,
      result: { cmd: state.shown, rc: 0, stdout: `skipped, since ${creates} exists`, stdout_lines: [`skipped, since ${creates} exists`], stderr: '', stderr_lines: [], msg: `${verb} not run command since '${creates}' exists` },
    };
  }
  if (removes && !(await globMatches(ctx.conn, removes, chdir))) {
    return {
      changed: false,
      result: { cmd: state.shown, rc: 0, stdout: `skipped, since ${removes} does not exist`, stdout_lines: [`skipped, since ${removes} does not exist`], stderr: '', stderr_lines: [], msg: `${verb} not run command since '${removes}' does not exist` },
    };
  }
  const decidedByFiles = creates !== undefined || removes !== undefined;
  return {
    changed: true,
    state,
    // The shape Ansible registers for a command that check mode did not run.
    result: {
      cmd: state.shown, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [],
      start: null, end: null, delta: null, msg: 'Command would have run if not in check mode',
    },
    unpredictable: decidedByFiles ? undefined : 'Command would have run if not in check mode',
  };
}

export async function applyCommand(ctx: ModuleContext<CommandArgs>, plan: Plan<CommandState>): Promise<Applied> {
  const { chdir, stdin, stdin_add_newline, strip_empty_ends } = ctx.args;
  const input = stdin === undefined ? undefined : stdin_add_newline ? `${stdin}\n` : stdin;
  const result = await runUserCommand(ctx.conn, plan.state!.command, plan.state!.shown, {
    chdir,
    stdin: input,
    stripEmptyEnds: strip_empty_ends,
  });
  return { result };
}
