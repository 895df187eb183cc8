// shell: run a command line through a shell (pipes, redirections, variables).
import { ModuleFailure, type Module } from '../src/module-types.js';
import { quote } from '../src/shell.js';
import { applyCommand, commandOptions, planCommand, type CommandArgs, type CommandState } from './command-family.js';

const shell: Module<CommandArgs, CommandState> = {
  name: 'shell',
  freeForm: '_raw_params',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: { ...commandOptions, executable: { type: 'string' } },
  },
  plan: (ctx) =>
    planCommand(ctx, () => {
      const text = ctx.args.cmd ?? ctx.args._raw_params ?? '';
      if (text.trim() === '') throw new ModuleFailure('no command given', { rc: 256 });
      const executable = ctx.args.executable ?? '/bin/sh';
      // The user's text is shell by intent; it is handed to the shell as one quoted word.
      return { command: `${quote(executable)} -c ${quote(text)}`, shown: text };
    }),
  apply: applyCommand,
};

export default shell;
