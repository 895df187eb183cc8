// wait_for_connection: log in to the host afresh until a command runs there,
// for up to `timeout` seconds (after a reboot, or while sshd is down). The
// engine does not connect first (connectsItself): a host that is down when the
// task starts is waited for, not unreachable.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { retryUntil, sleep, within } from '../src/host/retry-until.js';

interface WaitForConnectionArgs {
  connect_timeout: number;
  delay: number;
  sleep: number;
  timeout: number;
}

const waitForConnection: Module<WaitForConnectionArgs, undefined> = {
  name: 'wait_for_connection',
  summary: 'Waits until remote system is reachable/usable',
  supportsCheckMode: true,
  connectsItself: true,
  schema: {
    type: 'object',
    properties: {
      connect_timeout: { type: 'integer', default: 5, description: 'Maximum number of seconds to wait for a connection to happen before closing and retrying.' },
      delay: { type: 'integer', default: 0, description: 'Number of seconds to wait before starting to poll.' },
      sleep: { type: 'integer', default: 1, description: 'Number of seconds to sleep between checks.' },
      timeout: { type: 'integer', default: 600, description: 'Maximum number of seconds to wait for.' },
    },
  },
  async plan(ctx) {
    // As Ansible: check mode does not wait, the task is skipped.
    if (ctx.check) return { changed: false, result: { changed: false, skipped: true } };
    const a = ctx.args;
    const started = Date.now();
    await sleep(a.delay * 1000);
    const outcome = await retryUntil(
      Date.now() + a.timeout * 1000,
      async () => {
        // A new login each time, as Ansible resets the connection between tries.
        const conn = await ctx.reconnect!(a.connect_timeout);
        const res = await within(conn.exec('echo pong'), (a.connect_timeout + 30) * 1000, 'ping');
        if (res.rc !== 0 || res.stdout.trim() !== 'pong') throw new Error('ping test failed');
      },
      () => a.sleep * 1000,
    );
    const elapsed = Math.floor((Date.now() - started) / 1000);
    if ('error' in outcome) {
      const said = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new ModuleFailure(`timed out waiting for ping module test: ${said}`, { elapsed });
    }
    return { changed: false, result: { changed: false, elapsed } };
  },
};

export default waitForConnection;
