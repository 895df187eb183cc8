// wait_for: its options are Ansible 2.14's (ansible-doc), and state=drained
// reads this machine's connection tables as Ansible's Linux code does: loopback
// connections held open by the test (IPv4, IPv6 and IPv4-mapped), counted or not
// by host, exclude_hosts and active_connection_states.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import waitFor from '../../modules/wait_for.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { ModuleFailure } from '../../src/module-api/module-types.js';
import { expectOptions, hasAnsibleDoc, installedOptions, type AnsibleOption } from './ansible-options.js';
import { runModule } from './module-harness.js';

/** ansible-doc --json -t module wait_for (ansible-core 2.14): name, type, default, choices. */
const ANSIBLE_OPTIONS: Record<string, AnsibleOption> = {
  active_connection_states: { type: 'list', default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'] },
  connect_timeout: { type: 'int', default: 5 },
  delay: { type: 'int', default: 0 },
  exclude_hosts: { type: 'list' },
  host: { type: 'str', default: '127.0.0.1' },
  msg: { type: 'str' },
  path: { type: 'path' },
  port: { type: 'int' },
  search_regex: { type: 'str' },
  sleep: { type: 'int', default: 1 },
  state: { type: 'str', default: 'started', choices: ['absent', 'drained', 'present', 'started', 'stopped'] },
  timeout: { type: 'int', default: 300 },
};

describe('wait_for options', () => {
  it("are ansible-doc's: names, types, defaults and choices, each described", () => {
    expectOptions(waitFor, ANSIBLE_OPTIONS);
    expect(checkArgs(waitFor, { port: 1, state: 'drained', exclude_hosts: ['a'], active_connection_states: ['SYN_SENT'] }).ok).toBe(true);
    expect(checkArgs(waitFor, { port: 1, nope: 1 }).ok).toBe(false);
  });

  it.skipIf(!hasAnsibleDoc && process.env.CI !== 'true')('match the installed ansible-doc', () => {
    expect(installedOptions('wait_for')).toEqual(ANSIBLE_OPTIONS);
  });
});

/** A listener on `address` with one connection to it held open, until closed. */
async function hold(listen: string, from: string): Promise<{ port: number; close: () => Promise<void> }> {
  const peers: Socket[] = [];
  const server: Server = createServer((s) => peers.push(s));
  await new Promise<void>((ok) => server.listen(0, listen, ok));
  const port = (server.address() as { port: number }).port;
  const client = connect({ port, host: listen === '::' ? from : listen, localAddress: from });
  await new Promise<void>((ok) => client.on('connect', ok));
  while (peers.length === 0) await new Promise((ok) => setTimeout(ok, 20));
  return {
    port,
    close: async () => {
      // The client closes first: its side, not the listener's, keeps the TIME_WAIT.
      client.end();
      await new Promise((ok) => client.on('close', ok));
      for (const p of peers) p.destroy();
      await new Promise((ok) => server.close(ok));
    },
  };
}

const drained = (args: Record<string, unknown>) => runModule(waitFor, { state: 'drained', timeout: 1, ...args });
const failure = async (args: Record<string, unknown>): Promise<string> => {
  try {
    await drained(args);
  } catch (e) {
    if (e instanceof ModuleFailure) return e.message;
    throw e;
  }
  return 'drained';
};

describe('state=drained on loopback connections', { timeout: 60_000 }, () => {
  let v4: Awaited<ReturnType<typeof hold>>;
  let v6: Awaited<ReturnType<typeof hold>>;
  let mapped: Awaited<ReturnType<typeof hold>>;
  beforeAll(async () => {
    v4 = await hold('127.0.0.1', '127.0.0.1');
    v6 = await hold('::1', '::1');
    mapped = await hold('::', '127.0.0.1');
  });
  afterAll(async () => {
    for (const h of [v4, v6, mapped]) await h?.close();
  });

  it('counts an established connection on the host address, unless its peer is excluded', async () => {
    expect(await failure({ port: v4.port })).toBe(`Timeout when waiting for 127.0.0.1:${v4.port} to drain`);
    expect(await failure({ port: v4.port, host: '0.0.0.0' })).toBe(`Timeout when waiting for 0.0.0.0:${v4.port} to drain`);
    expect(await failure({ port: v4.port, exclude_hosts: ['127.0.0.1'] })).toBe('drained');
    expect(await failure({ port: v4.port, exclude_hosts: ['localhost'] })).toBe('drained');
    expect(await failure({ port: v4.port, host: '127.0.0.2' })).toBe('drained');
    expect(await failure({ port: v4.port, active_connection_states: ['SYN_SENT', 'TIME_WAIT'] })).toBe('drained');
  });

  it('reads IPv6 and IPv4-mapped local addresses', async () => {
    expect(await failure({ port: v6.port, host: '::1' })).toBe(`Timeout when waiting for ::1:${v6.port} to drain`);
    expect(await failure({ port: v6.port, host: '::' })).toBe(`Timeout when waiting for :::${v6.port} to drain`);
    expect(await failure({ port: v6.port })).toBe('drained');
    expect(await failure({ port: v6.port, host: '0.0.0.0' })).toBe('drained');
    // A dual-stack listener's IPv4 peer: ::ffff:127.0.0.1 in tcp6.
    expect(await failure({ port: mapped.port })).toBe(`Timeout when waiting for 127.0.0.1:${mapped.port} to drain`);
    expect(await failure({ port: mapped.port, host: '0.0.0.0' })).toBe(`Timeout when waiting for 0.0.0.0:${mapped.port} to drain`);
    expect(await failure({ port: mapped.port, exclude_hosts: ['127.0.0.1'] })).toBe('drained');
  });

  it('returns what Ansible returns once drained; an unknown name fails as its crash does', async () => {
    const r = await drained({ port: v4.port, host: '127.0.0.3' });
    expect(r.result).toMatchObject({ changed: false, elapsed: 0, state: 'drained', port: v4.port, path: null, search_regex: null, match_groups: [], match_groupdict: {} });
    expect(await failure({ port: v4.port, host: 'no-such-host.invalid' })).toBe('MODULE FAILURE\nSee stdout/stderr for the exact error');
  });
});
