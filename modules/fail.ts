// fail: fail the task with a message.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';

const fail: Module<{ msg: unknown }> = {
  name: 'fail',
  summary: 'Fail with custom message',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: { type: 'object', properties: { msg: { default: 'Failed as requested from task' } } },
  async plan(ctx) {
    throw new ModuleFailure(typeof ctx.args.msg === 'string' ? ctx.args.msg : JSON.stringify(ctx.args.msg));
  },
};

export default fail;
