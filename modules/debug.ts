// debug: print a message or the value of a variable.
import type { Module } from '../src/module-api/module-types.js';
import { PyFloat } from '../src/templating/py-float.js';
import { pyStr } from '../src/templating/python-repr.js';

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
      if (value === undefined) value = 'VARIABLE IS NOT DEFINED!';
      else if (!BARE_NAME.test(ctx.args.var.trim()) && !ctx.args.var.includes('{{')) value = asJinjaText(value);
      return { changed: false, result: { [ctx.args.var]: value } };
    }
    return { changed: false, result: { msg: 'msg' in ctx.args ? ctx.args.msg : 'Hello world!' } };
  },
};

// Ansible templates `var` as "{{ var }}": a bare name keeps its value, but any
// other expression (`r.rc`, `l | length`) comes out as Jinja text, so numbers
// print as strings and None as ''; lists, dicts and booleans are read back.
const BARE_NAME = /^\w*$/;
function asJinjaText(value: unknown): unknown {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat) return pyStr(value);
  return value;
}

export default debug;
