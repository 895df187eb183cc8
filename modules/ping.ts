// ping: prove the host answers (a round trip through the connection) and
// return `data` as `ping`; data=crash fails as Ansible's module does, with its exception.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';

interface PingArgs {
  data: string;
}

const TRACEBACK = 'Traceback (most recent call last):\n  File "ping.py", in main\nException: boom\n';

const ping: Module<PingArgs, undefined> = {
  name: 'ping',
  summary: 'Try to connect to host, verify a usable shell and return pong on success',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      data: { type: 'string', default: 'pong', description: 'Data to return for the ping return value; crash raises an exception.' },
    },
  },
  async plan(ctx) {
    const res = await ctx.conn.exec('true');
    if (res.rc !== 0) throw new ModuleFailure(`the host did not answer: ${res.stderr.trim() || `exit ${res.rc}`}`);
    if (ctx.args.data === 'crash') {
      throw new ModuleFailure('MODULE FAILURE\nSee stdout/stderr for the exact error', {
        exception: TRACEBACK,
        module_stderr: TRACEBACK,
        module_stdout: '',
        rc: 1,
      });
    }
    return { changed: false, result: { changed: false, ping: ctx.args.data } };
  },
};

export default ping;
