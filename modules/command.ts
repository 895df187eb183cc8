// command: run a program with arguments, no shell features.
import { ModuleFailure, type Module } from '../src/module-types.js';
import { quoteArgv, splitArgs } from '../src/shell.js';
import { applyCommand, commandOptions, planCommand, type CommandArgs, type CommandState } from './command-family.js';

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

const command: Module<CommandArgs, CommandState> = {
  name: 'command',
  freeForm: '_raw_params',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: { ...commandOptions, argv: { type: 'array', items: { type: 'string' } }, expand_argument_vars: { type: 'boolean' } },
  },
  plan: (ctx) =>
    planCommand(ctx, () => {
      const argv = argvOf(ctx.args);
      return { command: quoteArgv(argv), shown: argv };
    }),
  apply: applyCommand,
};

export default command;
