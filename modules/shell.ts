// shell: run a command line through a shell (pipes, redirections, variables).
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { quote } from '../src/host/shell.js';
import { applyCommand, COMMAND_FREE_FORM_KEYS, commandOptions, planCommand, type CommandArgs, type CommandState } from './command-family.js';

const shell: Module<CommandArgs, CommandState> = {
  name: 'shell',
  summary: 'Execute shell commands on targets',
  freeForm: '_raw_params',
  freeFormKeys: COMMAND_FREE_FORM_KEYS,
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
