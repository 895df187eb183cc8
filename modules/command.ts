// command: run a program with arguments, no shell features.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { quoteArgv, splitArgs } from '../src/host/shell.js';
import { applyCommand, COMMAND_FREE_FORM_KEYS, commandOptions, planCommand, type CommandArgs, type CommandState } from './command-family.js';

function argvOf(args: CommandArgs): string[] {
  if (args.argv && args.argv.length > 0) {
    if (args._raw_params || args.cmd) throw new ModuleFailure('only command or argv can be given, not both');
    return args.argv.map(String);
  }
  const text = args.cmd ?? args._raw_params ?? '';
  let words: string[];
  try {
    words = splitArgs(text);
  } catch (e) {
    throw new ModuleFailure(`could not parse command: ${(e as Error).message}`);
  }
  if (words.length === 0) throw new ModuleFailure('no command given', { rc: 256 });
  return words;
}

/**
 * A program that is not there: Ansible's failure (its Python could not start
 * it) instead of the shell's `not found` and status 127.
 */
function missingProgram(e: unknown, argv: string[]): ModuleFailure | undefined {
  if (!(e instanceof ModuleFailure) || e.result.rc !== 127) return undefined;
  const stderr = String(e.result.stderr ?? '');
  if (stderr.includes('\n') || !stderr.includes(argv[0]!) || !/\bnot found$/.test(stderr)) return undefined;
  return new ModuleFailure(`[Errno 2] No such file or directory: b'${argv[0]}'`, {
    changed: false, cmd: argv.join(' '), rc: 2, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [],
  });
}

const command: Module<CommandArgs, CommandState> = {
  name: 'command',
  summary: 'Execute commands on targets',
  freeForm: '_raw_params',
  freeFormKeys: COMMAND_FREE_FORM_KEYS,
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: { ...commandOptions, argv: { type: 'array', items: { type: 'string' } } },
  },
  plan: (ctx) =>
    planCommand(ctx, () => {
      const argv = argvOf(ctx.args);
      // `exec`, as Ansible starts the program itself: never a shell builtin in
      // its place (`echo -e`, `cd`), and one process on the host instead of two.
      return { command: `exec ${quoteArgv(argv)}`, shown: argv };
    }),
  apply: async (ctx, plan) => {
    try {
      return await applyCommand(ctx, plan);
    } catch (e) {
      throw missingProgram(e, plan.state!.shown as string[]) ?? e;
    }
  },
};

export default command;
