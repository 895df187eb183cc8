// reboot: reboot the host, wait until it has booted again (its boot id differs
// from before) and answers a test command over a new connection, then carry on.
// The module reconnects through ctx.reconnect(): later tasks use that new
// connection too. Without Python: the shutdown command is found by `[ -e ]`.
import { UnreachableError, type Connection } from '../src/connection/connection.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';
import { retryUntil, sleep, within } from '../src/host/retry-until.js';
import { pyRepr } from '../src/templating/python-repr.js';

interface RebootArgs {
  pre_reboot_delay: number;
  post_reboot_delay: number;
  reboot_timeout: number;
  connect_timeout?: number;
  test_command: string;
  msg: string;
  search_paths: string[];
  boot_time_command: string;
  reboot_command?: string;
}

const MARK = '@@tsplay-boot-time@@';
const SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];

/** Ansible's growing pause between tries: 2^n seconds and a little, at most 12. */
const backoff = (failures: number): number => (Math.min(2 ** failures, 12) + Math.random()) * 1000;

/** The shutdown program and its (shell-text) arguments, as Ansible builds them for Linux. */
function shutdownCommand(a: RebootArgs): { bin: string; args: string } {
  if (a.reboot_command !== undefined) {
    const space = a.reboot_command.indexOf(' ');
    return space < 0 ? { bin: a.reboot_command, args: '' } : { bin: a.reboot_command.slice(0, space), args: a.reboot_command.slice(space + 1) };
  }
  // Whole minutes: a delay under 60 seconds is none.
  return { bin: 'shutdown', args: `-r ${Math.floor(Math.max(0, a.pre_reboot_delay) / 60)} ${quote(a.msg)}` };
}

/** The boot id now (boot_time_command), and where the shutdown program is: one round trip. */
async function probeBefore(conn: Connection, a: RebootArgs, bin: string): Promise<{ boot: string; path: string | undefined }> {
  const find = bin.startsWith('/')
    ? `echo ${quote(bin)}`
    : `for d in ${a.search_paths.map(quote).join(' ')}; do if [ -e "$d"/${quote(bin)} ]; then echo "$d"/${quote(bin)}; break; fi; done`;
  const res = await probe(conn, raw(`${find}; echo ${MARK}; ${a.boot_time_command}`), { timeout: 60 });
  const [found, boot = ''] = res.stdout.split(`${MARK}\n`);
  const path = found?.trim() || undefined;
  if (res.rc !== 0) {
    throw new ModuleFailure(`reboot: failed to get host boot time info, rc: ${res.rc}, stdout: ${boot}, stderr: ${res.stderr}`, { reboot: false });
  }
  return { boot: boot.trim(), path };
}

const reboot: Module<RebootArgs, undefined> = {
  name: 'reboot',
  summary: 'Reboot a machine',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      pre_reboot_delay: { type: 'integer', default: 0, description: 'Seconds to wait before reboot (whole minutes on Linux: under 60 is none).' },
      post_reboot_delay: { type: 'integer', default: 0, description: 'Seconds to wait after the reboot command before checking the host.' },
      reboot_timeout: { type: 'integer', default: 600, description: 'Maximum seconds to wait for the host to reboot and answer a test command.' },
      connect_timeout: { type: 'integer', description: 'Maximum seconds to wait for a successful connection before trying again.' },
      test_command: { type: 'string', default: 'whoami', description: 'Command run on the rebooted host that must succeed.' },
      msg: { type: 'string', default: 'Reboot initiated by Ansible', description: 'Message to display to users before reboot.' },
      search_paths: {
        type: 'array',
        items: { type: 'string' },
        default: SEARCH_PATHS,
        description: 'Paths to search on the host for the shutdown command.',
      },
      boot_time_command: { type: 'string', default: 'cat /proc/sys/kernel/random/boot_id', description: 'Command that prints something unique to each boot.' },
      reboot_command: { type: 'string', description: 'Command (with arguments) that reboots the host; a relative program is looked for in search_paths.' },
    },
  },
  optionAliases: {
    pre_reboot_delay_sec: 'pre_reboot_delay',
    post_reboot_delay_sec: 'post_reboot_delay',
    reboot_timeout_sec: 'reboot_timeout',
    connect_timeout_sec: 'connect_timeout',
  },
  async plan(ctx) {
    const a = ctx.args;
    if (ctx.conn.local) {
      throw new ModuleFailure('Running reboot with local connection would reboot the control node.', { elapsed: 0, rebooted: false });
    }
    // As Ansible: check mode predicts a reboot without asking the host.
    if (ctx.check) return { changed: true, result: { changed: true, elapsed: 0, rebooted: true } };
    const { bin, args } = shutdownCommand(a);
    const before = await probeBefore(ctx.conn, a, bin);
    if (before.path === undefined) throw new ModuleFailure(`Unable to find command "${bin}" in search paths: ${pyRepr(a.search_paths)}`);
    const command = args ? `${quote(before.path)} ${args}` : quote(before.path);
    let rc = 0;
    let said = { stdout: '', stderr: '' };
    try {
      const res = await within(ctx.conn.exec(command), 60_000, 'the reboot command');
      ({ rc } = res);
      said = res;
    } catch (e) {
      // The host may drop the connection before the command returns: it is rebooting.
      if (!(e instanceof UnreachableError) && !/no answer within/.test((e as Error).message)) throw e;
    }
    const started = Date.now();
    const elapsed = () => Math.floor((Date.now() - started) / 1000);
    if (rc !== 0) {
      throw new ModuleFailure(`Reboot command failed. Error was: '${said.stdout.trim()}, ${said.stderr.trim()}'`, { rebooted: false, elapsed: elapsed() });
    }
    await sleep(Math.max(0, a.post_reboot_delay) * 1000);
    const attemptMs = ((a.connect_timeout ?? 10) + 30) * 1000;
    let conn = ctx.conn;
    // A new login each try: the old connection died with the host's sshd.
    const booted = await retryUntil(
      Date.now() + a.reboot_timeout * 1000,
      async () => {
        conn = await ctx.reconnect!(a.connect_timeout);
        const res = await within(conn.exec(a.boot_time_command), attemptMs, 'boot time check');
        if (res.rc !== 0) throw new Error(`failed to get host boot time info, rc: ${res.rc}`);
        const now = res.stdout.trim();
        if (now === '' || now === before.boot) throw new Error('boot time has not changed');
      },
      backoff,
    );
    if ('error' in booted) {
      throw new ModuleFailure(`Timed out waiting for last boot time check (timeout=${a.reboot_timeout})`, { rebooted: true, elapsed: elapsed() });
    }
    const tested = await retryUntil(
      Date.now() + a.reboot_timeout * 1000,
      async () => {
        let res;
        try {
          res = await within(conn.exec(a.test_command), attemptMs, 'test command');
        } catch (e) {
          // Rebooted again meanwhile: the next try logs in anew.
          conn = await ctx.reconnect!(a.connect_timeout).catch(() => conn);
          throw e;
        }
        if (res.rc !== 0) throw new Error(`Test command failed: ${res.stderr} ${res.stdout}`);
      },
      backoff,
    );
    if ('error' in tested) {
      throw new ModuleFailure(`Timed out waiting for post-reboot test command (timeout=${a.reboot_timeout})`, { rebooted: true, elapsed: elapsed() });
    }
    return { changed: true, result: { changed: true, rebooted: true, elapsed: elapsed() } };
  },
};

export default reboot;
