// raw: send the text as is to the host's shell (no module machinery).
import { runUserCommand } from '../src/host/command-run.js';
import type { Module } from '../src/module-api/module-types.js';
import { quote } from '../src/host/shell.js';

interface RawArgs {
  _raw_params: string;
  executable?: string;
}

const raw: Module<RawArgs, undefined> = {
  name: 'raw',
  summary: 'Executes a low-down and dirty command',
  freeForm: '_raw_params',
  supportsCheckMode: false,
  schema: {
    type: 'object',
    properties: { _raw_params: { type: 'string' }, executable: { type: 'string' } },
    required: ['_raw_params'],
  },
  async plan() {
    return { changed: true, unpredictable: 'raw cannot predict its effect in check mode' };
  },
  async apply(ctx) {
    const text = ctx.args._raw_params;
    const command = ctx.args.executable ? `${quote(ctx.args.executable)} -c ${quote(text)}` : text;
    const result = await runUserCommand(ctx.conn, command, text, { stripEmptyEnds: false });
    delete result.cmd;
    delete result.start;
    delete result.end;
    delete result.delta;
    delete result.msg;
    return { result };
  },
};

export default raw;
