// SSH connection against a real OpenSSH server started on loopback.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError, type Connection } from '../../src/connection/connection.js';
import { openSsh, type SshOptions } from '../../src/connection/ssh.js';
import { quote } from '../../src/host/shell.js';
import { probePaths, sha1, writeFileAtomic } from '../../src/host/remote-files.js';
import { freePort, SshdFixture, sshdUnavailableReason, sshKeygenFingerprint } from './sshd-fixture.js';

const unavailable = sshdUnavailableReason();
if (unavailable && process.env.CI === 'true') {
  throw new Error(`SSH tests cannot run in CI: ${unavailable}`);
}
if (unavailable) console.warn(`skipping SSH connection tests: ${unavailable}`);

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function expectUnreachable(p: Promise<unknown>): Promise<UnreachableError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UnreachableError);
    return e as UnreachableError;
  }
  throw new Error('expected an UnreachableError');
}

describe.skipIf(unavailable !== undefined)('ssh connection (real sshd on loopback)', () => {
  const sshd = new SshdFixture();
  const open: Connection[] = [];

  const options = (over: Partial<SshOptions> = {}): SshOptions => ({
    host: 'testhost',
    address: '127.0.0.1',
    port: sshd.port,
    user: 'root',
    privateKeyFile: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    hostKeyChecking: 'strict',
    // Room for a loaded machine: six connections at once once took 9.6 s to
    // start their shells. The tests of timeouts set their own.
    connectTimeoutMs: 120_000,
    defaultIdentities: false,
    ...over,
  });

  const connect = async (over: Partial<SshOptions> = {}): Promise<Connection> => {
    const c = await openSsh(options(over));
    open.push(c);
    return c;
  };

  let conn: Connection;

  beforeAll(async () => {
    await sshd.start();
    conn = await connect();
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    await sshd.stop();
  });

  it('starts the host agent on its own channel, and files go through it', async () => {
    const agent = await conn.agent!();
    expect(agent?.alive).toBe(true);
    const dir = (await conn.exec('mktemp -d')).stdout.trim();
    await writeFileAtomic(conn, `${dir}/f`, 'via agent\n', { mode: '0600' });
    expect((await conn.exec(`stat -c %a ${dir}/f; cat ${dir}/f`)).stdout).toBe('600\nvia agent\n');
    const [st] = await probePaths(conn, [`${dir}/f`], { checksum: true });
    expect(st).toMatchObject({ type: 'file', mode: '0600', checksum: sha1('via agent\n') });
    await conn.exec(`rm -rf ${dir}`);
  });

  it('starts the agent on demand: nothing runs on the host until a file operation asks', async () => {
    // A Python under a name of this test's own, to find its process on the host.
    const python = path.join(sshd.dir, `python-on-demand-${randomBytes(4).toString('hex')}`);
    execFileSync('ln', ['-s', '/usr/bin/python3', python]);
    const c = await connect({ pythonInterpreter: python, startAgent: 'on-demand' });
    const agents = async () => Number((await c.exec(`ps -eo args | grep -c -- ${quote(`^${python} `)}`)).stdout.trim());
    expect(await agents()).toBe(0);
    const [st] = await probePaths(c, ['/']);
    expect(st!.type).toBe('directory');
    expect((await c.agent!())?.alive).toBe(true);
    expect(await agents()).toBe(1);
  });

  it('has no agent when the interpreter is missing, and files still work', async () => {
    const c = await connect({ pythonInterpreter: '/nonexistent/python3' });
    expect(await c.agent!()).toBeUndefined();
    const [st] = await probePaths(c, ['/']);
    expect(st!.type).toBe('directory');
  });

  it('runs echo', async () => {
    expect(await conn.exec('echo hello')).toEqual({ rc: 0, stdout: 'hello\n', stderr: '' });
    expect(conn.host).toBe('testhost');
  });

  it('reports exit codes, and `exit` does not end the session', async () => {
    expect((await conn.exec('exit 3')).rc).toBe(3);
    expect((await conn.exec('false')).rc).toBe(1);
    expect((await conn.exec('sh -c "kill -TERM \\$\\$"')).rc).toBe(143);
    expect((await conn.exec('exec 1>&- 2>&-; exit 7')).rc).toBe(7);
    expect((await conn.exec('echo "unbalanced')).rc).not.toBe(0); // syntax error stays in the subshell
    expect(await conn.exec('echo still here')).toEqual({ rc: 0, stdout: 'still here\n', stderr: '' });
  });

  it('keeps no state between commands (cd, variables)', async () => {
    await conn.exec('cd /tmp; FOO=bar; export BAR=baz');
    const r = await conn.exec('pwd; echo "[$FOO][$BAR]"');
    expect(r.stdout).not.toMatch(/^\/tmp\n/);
    expect(r.stdout).toContain('[][]');
  });

  it('separates stdout and stderr, without trailing newlines too', async () => {
    const r = await conn.exec('echo out; echo err >&2; printf partial; printf e2 >&2');
    expect(r).toEqual({ rc: 0, stdout: 'out\npartial', stderr: 'err\ne2' });
  });

  it('delivers stdin (text and binary)', async () => {
    expect((await conn.exec('cat', { stdin: 'hello\nworld' })).stdout).toBe('hello\nworld');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await conn.exec('sha256sum', { stdin: Buffer.concat([bytes, bytes]) });
    expect(r.stdout.split(' ')[0]).toBe(sha256(Buffer.concat([bytes, bytes])));
    // Text that looks like our framing or like shell is just data.
    const tricky = "__TSPLAY_IN_x\nEOF\n'\"$(id)`id`\n\\\n";
    expect((await conn.exec('cat', { stdin: tricky })).stdout).toBe(tricky);
  });

  it('does not put stdin on any command line', async () => {
    const secret = `s3cret-${randomBytes(8).toString('hex')}`;
    const r = await conn.exec('read -r pw; ps -eo args', { stdin: `${secret}\n` });
    expect(r.rc).toBe(0);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain(Buffer.from(`${secret}\n`).toString('base64').slice(0, 12));
  });

  it('a command reading stdin does not eat the next command', async () => {
    expect(await conn.exec('cat')).toEqual({ rc: 0, stdout: '', stderr: '' });
    expect((await conn.exec('read x; echo "got:$x"')).stdout).toBe('got:\n');
    const marker = path.join(sshd.dir, 'injected');
    // Stdin the command does not read is never executed by the session shell.
    await conn.exec('true', { stdin: `echo INJECTED > ${marker}\n` });
    expect((await conn.exec('head -n1', { stdin: 'one\ntwo\nthree\n' })).stdout).toBe('one\n');
    expect((await conn.exec('echo next')).stdout).toBe('next\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('returns large (5 MB) output intact, and takes 5 MB of stdin', async () => {
    const file = path.join(sshd.dir, 'big.bin');
    const made = await conn.exec(`head -c 3750000 /dev/urandom > ${quote(file)} && sha256sum < ${quote(file)}`);
    expect(made.rc).toBe(0);
    let t = Date.now();
    const r = await conn.exec(`base64 -w0 ${quote(file)}`);
    const outMs = Date.now() - t;
    expect(r.stdout.length).toBe(5_000_000);
    expect(sha256(Buffer.from(r.stdout, 'base64'))).toBe(made.stdout.split(' ')[0]);
    const text = await conn.exec(`yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 5000000`);
    expect(text.stdout.length).toBe(5_000_000);
    expect(text.stdout.startsWith('0123456789abcdefghijklmnopqrstuvwxyz\n0123')).toBe(true);

    const data = randomBytes(5 * 1024 * 1024);
    t = Date.now();
    const s = await conn.exec('sha256sum', { stdin: data });
    const inMs = Date.now() - t;
    expect(s.stdout.split(' ')[0]).toBe(sha256(data));
    console.log(`5 MB stdout in ${outMs} ms, 5 MiB stdin in ${inMs} ms`);
  });

  // Speed is the benchmark's to measure (npm run bench), not a timed test's.
  it('runs 200 sequential commands on one session', async () => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) {
      const r = await conn.exec(`echo ${i}`);
      expect(r.stdout).toBe(`${i}\n`);
    }
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    console.log(`200 sequential commands: ${ms.toFixed(0)} ms, ${(ms / 200).toFixed(2)} ms per command`);
  });

  it('serialises concurrent exec calls', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => conn.exec(`echo ${i}; echo e${i} >&2; exit ${i % 5}`)),
    );
    results.forEach((r, i) => expect(r).toEqual({ rc: i % 5, stdout: `${i}\n`, stderr: `e${i}\n` }));
  });

  it('rejects output over the cap and stays in sync', async () => {
    const c = await connect({ maxOutputBytes: 1000 });
    await expect(c.exec('head -c 5000 /dev/zero; echo err >&2')).rejects.toThrow(/exceeded 1000 bytes/);
    expect(await c.exec('echo fine')).toEqual({ rc: 0, stdout: 'fine\n', stderr: '' });
  });

  it('passes shell metacharacters through quote() literally', async () => {
    const victim = path.join(sshd.dir, 'x');
    mkdirSync(victim, { recursive: true });
    const values = [
      `; rm -rf ${victim}`,
      `'; rm -rf ${victim}; echo '`,
      `"$(rm -rf ${victim})"`,
      `\`rm -rf ${victim}\``,
      `line1\nline2; rm -rf ${victim}\n`,
      `$HOME \${PATH} * ? [a] ~ & | > < \\ !`,
      `__TSPLAY_OUT_deadbeef__0\n`,
    ];
    for (const v of values) {
      const r = await conn.exec(`printf '%s' ${quote(v)}`);
      expect(r).toEqual({ rc: 0, stdout: v, stderr: '' });
    }
    expect(existsSync(victim)).toBe(true);
  });

  it('refuses an unknown host key, naming the key type and SHA256 fingerprint', async () => {
    const empty = path.join(sshd.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const e = await expectUnreachable(openSsh(options({ knownHostsFile: empty })));
    const fp = sshKeygenFingerprint(`${sshd.hostKey}.pub`);
    expect(e.message).toContain(fp);
    expect(e.message).toContain('ssh-ed25519');
    expect(e.message).toContain('testhost');
    expect(e.message).toContain('--host-key-checking=accept-new');
    expect(e.message).toMatch(/^Failed to connect to the host via ssh: /);
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('accept-new records the key; strict then accepts it, also once hashed by ssh-keygen -H', async () => {
    const file = path.join(sshd.dir, 'new', 'dir', 'known_hosts');
    const c = await connect({ knownHostsFile: file, hostKeyChecking: 'accept-new' });
    expect((await c.exec('echo ok')).stdout).toBe('ok\n');
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey.split(' ').slice(0, 2).join(' ')}\n`);
    // OpenSSH itself finds the entry.
    execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file], { stdio: 'ignore' });
    const strict = await connect({ knownHostsFile: file, hostKeyChecking: 'strict' });
    expect((await strict.exec('echo strict')).stdout).toBe('strict\n');
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    const hashed = await connect({ knownHostsFile: file, hostKeyChecking: 'strict' });
    expect((await hashed.exec('echo hashed')).stdout).toBe('hashed\n');
  });

  it('parallel accept-new connections record the key once', async () => {
    const file = path.join(sshd.dir, 'parallel_known_hosts');
    writeFileSync(file, '# existing comment\n');
    const conns = await Promise.all(
      Array.from({ length: 6 }, () => connect({ knownHostsFile: file, hostKeyChecking: 'accept-new' })),
    );
    expect(conns).toHaveLength(6);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toEqual(['# existing comment', expect.stringMatching(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /)]);
  });

  it('refuses a changed host key, even with accept-new', async () => {
    const file = path.join(sshd.dir, 'changed_known_hosts');
    const [type, b64] = sshd.otherHostPublicKey.split(' ');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${type} ${b64}\n`);
    for (const mode of ['strict', 'accept-new'] as const) {
      const e = await expectUnreachable(openSsh(options({ knownHostsFile: file, hostKeyChecking: mode })));
      expect(e.message).toContain('CHANGED');
      expect(e.message).toContain(sshKeygenFingerprint(`${sshd.hostKey}.pub`));
    }
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    // `off` does not look at known_hosts at all.
    const off = await connect({ knownHostsFile: file, hostKeyChecking: 'off' });
    expect((await off.exec('echo off')).stdout).toBe('off\n');
  });

  it('a wrong key is refused with Permission denied', async () => {
    const e = await expectUnreachable(openSsh(options({ privateKeyFile: sshd.wrongKey })));
    expect(e.message).toMatch(/^Failed to connect to the host via ssh: root@127\.0\.0\.1: Permission denied \(publickey,password\)\.$/);
  });

  it('uses a passphrase-protected key, and says when the passphrase is missing', async () => {
    const c = await connect({ privateKeyFile: sshd.passphraseKey, passphrase: sshd.passphrase });
    expect((await c.exec('echo pp')).stdout).toBe('pp\n');
    const e = await expectUnreachable(openSsh(options({ privateKeyFile: sshd.passphraseKey })));
    expect(e.message).toMatch(/passphrase/);
    await expectUnreachable(openSsh(options({ privateKeyFile: sshd.passphraseKey, passphrase: 'nope' })));
  });

  it('authenticates with an ssh-agent', async () => {
    const sock = await sshd.startAgent();
    const c = await connect({ privateKeyFile: undefined, agent: sock });
    expect((await c.exec('echo agent')).stdout).toBe('agent\n');
  });

  it('authenticates with a password', async (ctx) => {
    if (!sshd.user || sshd.userError) {
      ctx.skip(`no password test user: ${sshd.userError ?? 'useradd unavailable'}`);
      return;
    }
    const { name, password } = sshd.user;
    const c = await connect({ user: name, privateKeyFile: undefined, password });
    expect((await c.exec('id -un')).stdout).toBe(`${name}\n`);
    const e = await expectUnreachable(openSsh(options({ user: name, privateKeyFile: undefined, password: 'wrong' })));
    expect(e.message).toContain('Permission denied (publickey,password)');
    // A user whose login shell refuses: unreachable, with what the host said.
    execFileSync('usermod', ['-s', '/usr/sbin/nologin', name]);
    try {
      const e2 = await expectUnreachable(openSsh(options({ user: name, privateKeyFile: undefined, password })));
      expect(e2.message).toMatch(/exited with status 1.*not available/);
    } finally {
      execFileSync('usermod', ['-s', '/bin/sh', name]);
    }
  });

  it('reports a refused port and a connect timeout as unreachable', async () => {
    const port = await freePort();
    const e = await expectUnreachable(openSsh(options({ port })));
    expect(e.message).toContain('Connection refused');
    // A server that accepts TCP but never speaks SSH.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const t = Date.now();
      const e2 = await expectUnreachable(
        openSsh(options({ port: (silent.address() as net.AddressInfo).port, connectTimeoutMs: 500 })),
      );
      // The 500 ms limit, not the 120 s default, ended it (with room for a loaded machine).
      expect(Date.now() - t).toBeLessThan(30_000);
      expect(e2.message).toMatch(/timed out/i);
    } finally {
      silent.close();
    }
  });

  it('a command killing its shell fails as unreachable, and the next one gets a new shell', async () => {
    const c = await connect();
    await expectUnreachable(c.exec('kill -9 $$'));
    expect((await c.exec('echo reopened')).stdout).toBe('reopened\n');
  });

  it('close() ends the connection; later commands are unreachable', async () => {
    const c = await openSsh(options());
    expect((await c.exec('echo x')).stdout).toBe('x\n');
    await c.close();
    await expectUnreachable(c.exec('echo y'));
    await c.close(); // idempotent
  });

  // Last: it drops every open connection to the fixture's sshd.
  it('a dropped host makes the running and later commands unreachable', async () => {
    const c = await connect();
    const running = c.exec('sleep 5; echo late');
    await new Promise((r) => setTimeout(r, 200));
    sshd.dropConnections();
    const e = await expectUnreachable(running);
    expect(e.message).toMatch(/^SSH connection to root@127\.0\.0\.1:\d+ lost/);
    await expectUnreachable(c.exec('echo after'));
  });
});
