// What the etcdctl module decides from what etcdctl says, as tables: the
// probe's canned output in, the steps (their summaries), the result and the
// diff out, with a scripted connection. Then the whole module on a scripted
// host: credentials and the value travel on stdin, never in a command.
// The lab test (test/integration/etcdctl.test.ts) proves the same on real etcd.
import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult } from '../../src/connection/connection.js';
import { etcdStep, type EtcdTarget } from '../../src/etcd/command.js';
import { keyPlan, readKey, type KeyRequest } from '../../src/etcd/keys.js';
import { healthResult, memberPlan, readCluster, type MemberRequest } from '../../src/etcd/members.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { ModuleFailure, type ModuleContext } from '../../src/module-api/module-types.js';
import etcdctl from '../../modules/etcdctl.js';
import { ScriptedConnection, type Expectation } from '../host/scripted-connection.js';

/** A scripted connection that also keeps each command's stdin. */
class Recording extends ScriptedConnection {
  readonly stdins: string[] = [];
  override exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    this.stdins.push(options?.stdin?.toString() ?? '');
    return super.exec(command, options);
  }
}

const V3: EtcdTarget = { api: 'v3', endpoints: ['http://127.0.0.1:2379'], etcdctl_path: 'etcdctl', timeout: 10 };
const V2: EtcdTarget = { ...V3, api: 'v2' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const got = (value?: string) => JSON.stringify({ header: {}, ...(value !== undefined ? { kvs: [{ key: b64('/k'), value: b64(value) }], count: 1 } : {}) });
const keys = (...ks: string[]) => JSON.stringify({ header: {}, kvs: ks.map((k) => ({ key: b64(k) })), count: ks.length });
const node = (n: object) => JSON.stringify({ action: 'get', node: n });
const NOT_FOUND = { rc: 4, stderr: 'Error:  100: Key not found (/k) [7]\n' };

const keyCases: Array<{
  name: string;
  t: EtcdTarget;
  req: Partial<KeyRequest>;
  reply: Partial<ExecResult>;
  steps: string[];
  diff?: [string, string];
  error?: RegExp;
}> = [
  { name: 'v3: a missing key is put', t: V3, req: { value: 'v' }, reply: { stdout: got() }, steps: ['etcdctl put /k'], diff: ['', 'v\n'] },
  { name: 'v3: the same value is ok', t: V3, req: { value: 'v' }, reply: { stdout: got('v') }, steps: [] },
  { name: 'v3: JSON in another key order is ok', t: V3, req: { value: { a: 1, b: [1, 2] } }, reply: { stdout: got('{"b": [1, 2], "a": 1}') }, steps: [] },
  { name: 'v3: another value is put, the diff shows both', t: V3, req: { value: { a: 2 } }, reply: { stdout: got('{"a":1}') }, steps: ['etcdctl put /k'], diff: ['{"a":1}\n', '{"a":2}\n'] },
  { name: 'v3: absent deletes an existing key', t: V3, req: { state: 'absent' }, reply: { stdout: got('v') }, steps: ['etcdctl del /k'], diff: ['v\n', ''] },
  { name: 'v3: absent on a missing key is ok', t: V3, req: { state: 'absent' }, reply: { stdout: got() }, steps: [] },
  { name: 'v3: a prefix with keys is deleted', t: V3, req: { state: 'absent', prefix: true }, reply: { stdout: keys('/k/a', '/k/b') }, steps: ['etcdctl del --prefix /k'], diff: ['/k/a\n/k/b\n', ''] },
  { name: 'v3: an empty prefix is ok', t: V3, req: { state: 'absent', prefix: true }, reply: { stdout: keys() }, steps: [] },
  { name: 'v3: an unreachable cluster fails with etcdctl\'s message', t: V3, req: { value: 'v' }, reply: { rc: 1, stderr: '{"level":"warn"}\nError: context deadline exceeded\n' }, steps: [], error: /^Error: context deadline exceeded$/ },
  { name: 'a prefix is for state=absent only', t: V3, req: { value: 'v', prefix: true }, reply: { stdout: keys() }, steps: [], error: /prefix applies to state=absent only/ },
  { name: 'present without a value', t: V3, req: {}, reply: { stdout: got() }, steps: [], error: /value is missing/ },
  { name: 'v2: a missing key is made with mk', t: V2, req: { value: 'v' }, reply: NOT_FOUND, steps: ['etcdctl mk /k'], diff: ['', 'v\n'] },
  { name: 'v2: another value is set', t: V2, req: { value: 'v' }, reply: { stdout: node({ key: '/k', value: 'old' }) }, steps: ['etcdctl set /k'] },
  { name: 'v2: the same value is ok', t: V2, req: { value: 'v' }, reply: { stdout: node({ key: '/k', value: 'v' }) }, steps: [] },
  { name: 'v2: a directory is not a key', t: V2, req: { state: 'absent' }, reply: { rc: 1, stderr: '/k: is a directory\n' }, steps: [], error: /\/k is a directory \(prefix: true removes it/ },
  { name: 'v2: a directory is removed recursively', t: V2, req: { state: 'absent', prefix: true }, reply: { stdout: node({ key: '/k', dir: true, nodes: [{ key: '/k/a', value: '1' }] }) }, steps: ['etcdctl rm --recursive /k'] },
  { name: 'v2: a missing directory is ok', t: V2, req: { state: 'absent', prefix: true }, reply: NOT_FOUND, steps: [] },
  { name: 'v2: an unreachable cluster fails', t: V2, req: { value: 'v' }, reply: { rc: 2, stderr: 'Error:  client: etcd cluster is unavailable or misconfigured\n\nerror #0\n' }, steps: [], error: /etcd cluster is unavailable/ },
];

describe('etcdctl key decisions', () => {
  it.each(keyCases)('$name', async (c) => {
    const req: KeyRequest = { key: '/k', state: 'present', prefix: false, ...c.req };
    const probe = c.t.api === 'v3' ? (req.prefix ? 'get --prefix --keys-only -w json -- /k' : 'get -w json -- /k') : req.prefix ? '-o json ls --recursive -- /k' : '-o json get -- /k';
    const conn = new ScriptedConnection([{ match: probe, reply: c.reply }]);
    const plan = async () => keyPlan(c.t, req, await readKey(conn, c.t, req));
    if (c.error) {
      await expect(plan()).rejects.toThrow(c.error);
      return;
    }
    const { steps, diff, result } = await plan();
    expect(steps.map((s) => s.summary)).toEqual(c.steps);
    if (c.diff) expect([diff?.before, diff?.after]).toEqual(c.diff);
    expect(result).toMatchObject({ key: '/k', state: req.state });
    expect(conn.sent[0]).toContain(`ETCDCTL_API=${c.t.api === 'v3' ? 3 : 2} `);
    expect(conn.done).toBe(true);
  });
});

const member = (id: string, name: string, peer: string, client = peer.replace('2380', '2379')) => ({ ID: id, name, peerURLs: [peer], ...(name ? { clientURLs: [client] } : {}) });
const list = (...ms: object[]) => JSON.stringify({ header: { cluster_id: '1' }, members: ms });
const H1 = member('17', 'h1', 'http://10.0.0.11:2380');
const H2 = member('18', 'h2', 'http://10.0.0.12:2380');
const NEW = member('19', '', 'http://10.0.0.13:2380');

const memberCases: Array<{ name: string; req: MemberRequest; members: object[]; steps: string[] }> = [
  { name: 'a new member is added', req: { member: 'present', name: 'h3', peer_urls: ['http://10.0.0.13:2380'] }, members: [H1, H2], steps: ['etcdctl member add h3 --peer-urls=http://10.0.0.13:2380'] },
  { name: 'a member by name with its peer URLs is ok', req: { member: 'present', name: 'h2', peer_urls: ['http://10.0.0.12:2380'] }, members: [H1, H2], steps: [] },
  { name: 'a member added but not started (no name yet) is ok', req: { member: 'present', name: 'h3', peer_urls: ['http://10.0.0.13:2380'] }, members: [H1, H2, NEW], steps: [] },
  { name: 'a member with other peer URLs is updated', req: { member: 'present', name: 'h2', peer_urls: ['http://10.0.0.22:2380'] }, members: [H1, H2], steps: ['etcdctl member update 12 --peer-urls=http://10.0.0.22:2380'] },
  { name: 'a member is removed by its hex ID', req: { member: 'absent', name: 'h2' }, members: [H1, H2], steps: ['etcdctl member remove 12 (h2)'] },
  { name: 'a member not started is removed by its peer URL', req: { member: 'absent', peer_urls: ['http://10.0.0.13:2380'] }, members: [H1, NEW], steps: ['etcdctl member remove 13 (http://10.0.0.13:2380)'] },
  { name: 'an absent member is ok', req: { member: 'absent', name: 'h3' }, members: [H1, H2], steps: [] },
];

describe('etcdctl member decisions', () => {
  it.each(memberCases)('$name', async (c) => {
    const conn = new ScriptedConnection([{ match: 'member list -w json', reply: { stdout: list(...c.members) } }]);
    const { steps, result } = memberPlan(V3, c.req, await readCluster(conn, V3, false));
    expect(steps.map((s) => s.summary)).toEqual(c.steps);
    expect((result.members as unknown[]).length).toBe(c.members.length);
    expect(conn.done).toBe(true);
  });

  const health = (...hs: [string, boolean][]) => JSON.stringify(hs.map(([endpoint, h]) => ({ endpoint, health: h, took: '1ms', ...(h ? {} : { error: 'context deadline exceeded' }) })));
  const probe = (members: object[], healthOut: string): Expectation => ({
    match: 'endpoint health --cluster -w json',
    reply: { rc: 1, stdout: `${list(...members)}\n@@tsplay-etcd@@0\n${healthOut}\n` },
  });

  it('health: every member answers', async () => {
    const conn = new ScriptedConnection([probe([H1, H2], health(['http://10.0.0.11:2379', true], ['http://10.0.0.12:2379', true]))]);
    const r = healthResult(await readCluster(conn, V3, true));
    expect(r).toMatchObject({ changed: false, healthy: true, members: [{ name: 'h1', healthy: true }, { name: 'h2', healthy: true }] });
  });

  it('health: a member that does not answer, or has not started, fails with the result kept for until', async () => {
    const conn = new ScriptedConnection([probe([H1, H2, NEW], health(['http://10.0.0.11:2379', true], ['http://10.0.0.12:2379', false]))]);
    const cluster = await readCluster(conn, V3, true);
    let failure: ModuleFailure | undefined;
    try {
      healthResult(cluster);
    } catch (e) {
      failure = e as ModuleFailure;
    }
    expect(failure?.message).toBe('etcd cluster is not healthy: h2: context deadline exceeded; 13: not started');
    expect(failure?.result).toMatchObject({ healthy: false, members: [{ healthy: true }, { healthy: false }, { healthy: false }] });
  });

  it('health: a cluster that cannot be reached fails with healthy: false', async () => {
    const conn = new ScriptedConnection([{ match: 'member list', reply: { rc: 1, stdout: '@@tsplay-etcd@@1\n', stderr: 'Error: context deadline exceeded\n' } }]);
    const err = await readCluster(conn, V3, true).catch((e: ModuleFailure) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as ModuleFailure).message).toBe('Error: context deadline exceeded');
    expect((err as ModuleFailure).result).toMatchObject({ healthy: false, members: [] });
  });
});

describe('etcdctl commands', () => {
  it('names the TLS files with each API\'s flags and bounds etcdctl by `timeout`', () => {
    const tls = { cacert: '/ca.pem', cert: '/c.pem', cert_key: '/k.pem', timeout: 3 };
    expect(etcdStep({ ...V3, ...tls }, 's', [['get', '--', '/k']]).argv).toEqual([
      'etcdctl', '--endpoints=http://127.0.0.1:2379', '--cacert=/ca.pem', '--cert=/c.pem', '--key=/k.pem', '--dial-timeout=3s', '--command-timeout=3s', 'get', '--', '/k',
    ]);
    expect(etcdStep({ ...V2, ...tls }, 's', [['get', '--', '/k']]).argv.slice(2, 7)).toEqual([
      '--ca-file=/ca.pem', '--cert-file=/c.pem', '--key-file=/k.pem', '--timeout=3s', '--total-timeout=3s',
    ]);
  });

  it('reads the credentials from stdin (v3: user and password; v2: user:password)', () => {
    const v3 = etcdStep({ ...V3, user: 'root', password: 'pw' }, 's', [['put', '--', '/k']], 'the value');
    expect(v3.stdin).toBe('root\npw\nthe value');
    expect(JSON.stringify(v3.command)).toContain('IFS= read -r ETCDCTL_USER && export ETCDCTL_USER && IFS= read -r ETCDCTL_PASSWORD');
    expect(etcdStep({ ...V2, user: 'root', password: 'pw' }, 's', [['get', '--', '/k']]).stdin).toBe('root:pw\n');
    expect(() => etcdStep({ ...V3, user: 'root', password: 'a\nb' }, 's', [['get']])).toThrow(/line breaks/);
  });
});

describe('the etcdctl module on a scripted host', () => {
  const context = (args: Record<string, unknown>, conn: Recording, check = false): ModuleContext<any> => {
    const checked = checkArgs(etcdctl, args);
    if (!checked.ok) throw new Error(checked.errors.join('; '));
    return { args: checked.args, conn, check, diff: true, host: 'h', vars: {}, task: { name: 't', fileDir: '/', playbookDir: '/' } } as unknown as ModuleContext<any>;
  };
  const ARGS = { key: '/k', value: { pass: 'value-secret' }, user: 'root', password: 'pw-secret' };

  it('writes after one probe; password and value only ever on stdin', async () => {
    const conn = new Recording([
      { match: 'get -w json -- /k', reply: { stdout: got() } },
      { match: 'put -- /k', reply: { stdout: 'OK\n' } },
    ]);
    const { plan, applied } = await planAndApply(etcdctl, context(ARGS, conn), false);
    expect(plan.changed).toBe(true);
    expect(applied?.result).toEqual({ changed: true, key: '/k', state: 'present' });
    expect(conn.sent.join('\n')).not.toMatch(/pw-secret|value-secret/);
    expect(conn.stdins).toEqual(['root\npw-secret\n', 'root\npw-secret\n{"pass":"value-secret"}']);
    expect(JSON.stringify(plan.result)).not.toMatch(/secret/);
  });

  it('check mode probes and writes nothing', async () => {
    const conn = new Recording([{ match: 'get -w json -- /k', reply: { stdout: got('old') } }]);
    const { plan, applied } = await planAndApply(etcdctl, context(ARGS, conn, true), true);
    expect([plan.changed, applied, conn.done]).toEqual([true, undefined, true]);
    expect(plan.diff?.[0]?.before).toBe('old\n');
  });

  it('refuses an empty key before touching the host', async () => {
    const conn = new Recording([]);
    await expect(planAndApply(etcdctl, context({ key: '', value: 'v' }, conn, true), true)).rejects.toThrow(/key must not be empty/);
    expect(conn.sent).toEqual([]);
  });

  it('refuses options that do not go together', () => {
    expect(checkArgs(etcdctl, { key: '/k', health: true })).toMatchObject({ ok: false, errors: ['parameters are mutually exclusive: key|member|health'] });
    expect(checkArgs(etcdctl, { member: 'present', name: 'h3' })).toMatchObject({ ok: false, errors: ['member is present but all of the following are missing: peer_urls'] });
    expect(checkArgs(etcdctl, { key: '/k', value: 'v', user: 'root' })).toMatchObject({ ok: false, errors: ["missing parameter(s) required by 'user': password"] });
    expect(checkArgs(etcdctl, { key: '/k', value: 'v', key_file: '/k.pem', endpoints: 'https://a:2379,https://b:2379' })).toMatchObject({
      ok: true,
      args: { cert_key: '/k.pem', endpoints: ['https://a:2379', 'https://b:2379'] },
    });
  });
});
