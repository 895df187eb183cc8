// debug: print a message or the value of a variable.
import type { Module } from '../src/module-api/module-types.js';

interface DebugArgs {
  msg?: unknown;
  var?: string;
  verbosity: number;
}

const debug: Module<DebugArgs> = {
  name: 'debug',
  summary: 'Print statements during execution',
  supportsCheckMode: true,
  shown: 'debug',
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer', default: 0 } },
  },
  async plan(ctx) {
    if (ctx.args.verbosity > Number(ctx.vars.ansible_verbosity ?? 0)) {
      return { changed: false, result: { skipped: true, skipped_reason: 'Verbosity threshold not met.' } };
    }
    if (ctx.args.var !== undefined) {
      let value: unknown;
      try {
        value = ctx.evaluate(ctx.args.var);
      } catch (e) {
        if ((e as Error).name !== 'UndefinedVariableError') throw e;
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, result: { [ctx.args.var]: value === undefined ? 'VARIABLE IS NOT DEFINED!' : value } };
    }
    return { changed: false, result: { msg: ctx.args.msg ?? 'Hello world!' } };
  },
};

export default debug;
