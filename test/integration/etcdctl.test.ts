// The etcdctl module against Debian's etcd 3.4 (etcd-server, etcd-client) on
// lab hosts: v3 put and idempotence, a JSON value in another key order, --check
// and --diff, prefix removal, an unreachable endpoint, the v2 API, TLS with a
// test CA, credentials kept out of the output; then a 3-member cluster where
// `member: absent` removes a member, `member: present` adds it back and
// `health: true` with `until` waits for the cluster to be whole again.
// Leaves on its hosts: etcd unmasked and running as a 3-member cluster
// (/etc/default/etcd rewritten, data in /var/lib/etcd/cluster); on h1 the
// single-node data of the first tests in /var/lib/etcd/default (keys under
// /it/, v2 keys, auth enabled for root); on h2 a test CA and certificates in
// /etc/etcd-tls.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PASSWORD = 'Pw-etcd-7f3a9c';
const WRONG = 'Wrong-pw-51d2e8';

const play = (host: string, tasks: string) => `- hosts: ${host}
  gather_facts: false
  tasks:
${tasks}`;

/** A health wait for `n` members: failures (no leader yet) are retried too. */
const waitHealthy = (n: number) => `    - etcdctl: health=true
      register: h
      until: h.healthy and h.members | length == ${n}
      retries: 90
      delay: 1
`;

describeLab('etcdctl on lab hosts (Debian etcd 3.4)', () => {
  const ctx = useLab(3, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    // The lab masks etcd; h1 runs Debian's single-node etcd as the package configures it.
    await Promise.all(c.lab.hosts.map((h) => c.sh(h.name, 'systemctl unmask etcd')));
    await c.sh('h1', 'systemctl start etcd');
  });
  const run = (name: string, text: string, ...extra: string[]) => {
    ctx.write(name, text);
    return ctx.tsplay(['run', `${ctx.dir}/${name}`, '-i', `${ctx.dir}/inventory.ini`, ...extra]);
  };
  const get = async (host: string, key: string, flags = '') => (await ctx.sh(host, `etcdctl ${flags} get --print-value-only -- '${key}'`)).replace(/\n$/, '');

  it('v3: puts keys, then a second run and a JSON value in another key order change nothing', async () => {
    const text = play('h1', `    - etcdctl: key=/it/plain value=hello
    - etcdctl:
        key: /it/json
        value: {b: 1, a: [1, 2], c: {y: true, x: null}}
`);
    const first = await run('put.yml', text);
    expect(recap(first.stdout).h1, show(first)).toMatchObject({ changed: 2, failed: 0 });
    expect(await get('h1', '/it/plain')).toBe('hello');
    expect(JSON.parse(await get('h1', '/it/json'))).toEqual({ b: 1, a: [1, 2], c: { y: true, x: null } });

    const again = await run('put.yml', text);
    expect(recap(again.stdout).h1, show(again)).toMatchObject({ changed: 0, failed: 0 });
    const reordered = await run('reordered.yml', play('h1', `    - etcdctl:
        key: /it/json
        value: '{"c": {"x": null, "y": true},  "a": [1, 2], "b": 1}'
`));
    expect(recap(reordered.stdout).h1, show(reordered)).toMatchObject({ ok: 1, changed: 0, failed: 0 });
  });

  it('--check predicts and writes nothing; --diff shows the old and the new value', async () => {
    const text = play('h1', `    - etcdctl: key=/it/plain value=world
    - etcdctl: key=/it/new value=fresh
`);
    const check = await run('change.yml', text, '--check');
    expect(recap(check.stdout).h1, show(check)).toMatchObject({ changed: 2, failed: 0 });
    expect(await get('h1', '/it/plain'), 'check mode wrote nothing').toBe('hello');
    expect(await get('h1', '/it/new')).toBe('');

    const real = await run('change.yml', text, '--diff');
    expect(recap(real.stdout).h1, show(real)).toMatchObject({ changed: 2, failed: 0 });
    expect(real.stdout).toMatch(/^-hello$/m);
    expect(real.stdout).toMatch(/^\+world$/m);
    expect(real.stdout).toMatch(/^\+fresh$/m);
    expect(await get('h1', '/it/plain')).toBe('world');
  });

  it('removes a prefix and only that; then there is nothing left to remove', async () => {
    await ctx.sh('h1', "etcdctl put /it/p/a 1 && etcdctl put /it/p/b/c 2 && etcdctl put /it/q 3");
    const text = play('h1', `    - etcdctl: key=/it/p/ prefix=true state=absent
`);
    const r = await run('prefix.yml', text);
    expect(recap(r.stdout).h1, show(r)).toMatchObject({ changed: 1, failed: 0 });
    expect(await ctx.sh('h1', 'etcdctl get --prefix --keys-only /it/p/')).toBe('');
    expect(await get('h1', '/it/q')).toBe('3');
    const again = await run('prefix.yml', text);
    expect(recap(again.stdout).h1, show(again)).toMatchObject({ changed: 0, failed: 0 });
  });

  it("an endpoint that does not answer fails that host with etcdctl's message after `timeout`", async () => {
    const r = await run('unreachable.yml', `- hosts: h1,h2
  gather_facts: false
  tasks:
    - etcdctl: key=/it/x value=x endpoints=http://127.0.0.1:1 timeout=2
      when: inventory_hostname == 'h1'
    - copy: content=after dest=/root/after-etcd
`);
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('Error: context deadline exceeded');
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { failed: 1 }, h2: { failed: 0, changed: 1 } });
  });

  it('v2 API against a server started with --enable-v2: mk, set, idempotence, a directory removed', async () => {
    await ctx.sh('h1', "echo 'ETCD_ENABLE_V2=true' >> /etc/default/etcd && systemctl restart etcd");
    const text = (value: string) => play('h1', `    - etcdctl: api=v2 key=/it2/dir/a value=${value}
    - etcdctl:
        api: v2
        key: /it2/dir/b
        value: {k: [1]}
`);
    const first = await run('v2.yml', text('one'));
    expect(recap(first.stdout).h1, show(first)).toMatchObject({ changed: 2, failed: 0 });
    const v2get = (key: string) => ctx.sh('h1', `ETCDCTL_API=2 etcdctl get '${key}'`);
    expect(await v2get('/it2/dir/a')).toBe('one\n');
    expect(await v2get('/it2/dir/b')).toBe('{"k":[1]}\n');
    const again = await run('v2.yml', text('one'));
    expect(recap(again.stdout).h1, show(again)).toMatchObject({ changed: 0 });
    const changed = await run('v2.yml', text('two'));
    expect(recap(changed.stdout).h1, show(changed)).toMatchObject({ changed: 1 });
    expect(await v2get('/it2/dir/a')).toBe('two\n');

    const rm = await run('v2rm.yml', play('h1', `    - etcdctl: api=v2 key=/it2/dir prefix=true state=absent
`));
    expect(recap(rm.stdout).h1, show(rm)).toMatchObject({ changed: 1, failed: 0 });
    expect((await ctx.lab.exec('h1', 'ETCDCTL_API=2 etcdctl ls /it2/dir')).stderr).toContain('Key not found');
  });

  it('TLS with a test CA and a client certificate (h2)', async () => {
    const ca = '/etc/etcd-tls';
    await ctx.sh(
      'h2',
      [
        `mkdir -p ${ca} && cd ${ca}`,
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=tsplay test CA' -keyout ca.key -out ca.pem 2>/dev/null",
        "openssl req -newkey rsa:2048 -nodes -subj '/CN=h2' -keyout server.key -out server.csr 2>/dev/null",
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext",
        'openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem 2>/dev/null',
        "openssl req -newkey rsa:2048 -nodes -subj '/CN=client' -keyout client.key -out client.csr 2>/dev/null",
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext",
        'openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.pem 2>/dev/null',
        'chown etcd server.key && chmod 600 server.key',
        `printf '%s\\n' ETCD_LISTEN_CLIENT_URLS=https://127.0.0.1:2379 ETCD_ADVERTISE_CLIENT_URLS=https://127.0.0.1:2379 ETCD_CERT_FILE=${ca}/server.pem ETCD_KEY_FILE=${ca}/server.key ETCD_TRUSTED_CA_FILE=${ca}/ca.pem ETCD_CLIENT_CERT_AUTH=true > /etc/default/etcd`,
        'systemctl start etcd',
      ].join(' && '),
    );
    const tls = `endpoints: https://127.0.0.1:2379
        cacert: ${ca}/ca.pem`;
    const text = play('h2', `    - etcdctl:
        key: /it/tls
        value: secure
        ${tls}
        cert: ${ca}/client.pem
        key_file: ${ca}/client.key
`);
    const r = await run('tls.yml', text);
    expect(recap(r.stdout).h2, show(r)).toMatchObject({ changed: 1, failed: 0 });
    const flags = `--endpoints=https://127.0.0.1:2379 --cacert=${ca}/ca.pem --cert=${ca}/client.pem --key=${ca}/client.key`;
    expect(await get('h2', '/it/tls', flags)).toBe('secure');
    const again = await run('tls.yml', text);
    expect(recap(again.stdout).h2, show(again)).toMatchObject({ changed: 0, failed: 0 });

    // Without its client certificate the server refuses the client: the certificate options are what got it in.
    const refused = await run('tls-nocert.yml', play('h2', `    - etcdctl:
        key: /it/tls
        value: other
        timeout: 3
        ${tls}
`));
    expect(recap(refused.stdout).h2, show(refused)).toMatchObject({ failed: 1 });
    expect(await get('h2', '/it/tls', flags)).toBe('secure');
  });

  it('user and password never appear in the output, even with -vvv and a failure', async () => {
    await ctx.sh('h1', `etcdctl user add root --new-user-password='${PASSWORD}' --interactive=false && etcdctl auth enable`);
    const r = await run('auth.yml', play('h1', `    - etcdctl: key=/it/auth value=in user=root password=${PASSWORD}
    - etcdctl: key=/it/auth value=wrong user=root password=${WRONG}
      ignore_errors: true
    - etcdctl: key=/it/anonymous value=no
      ignore_errors: true
`), '-vvv', '--diff');
    expect(recap(r.stdout).h1, show(r)).toMatchObject({ changed: 1, failed: 0, ignored: 2 });
    expect(r.stdout).toContain('authentication failed, invalid user ID or password');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(WRONG);
    expect(await get('h1', '/it/auth', `--user=root --password='${PASSWORD}'`)).toBe('in');
  });

  it('a 3-member cluster: member absent removes one, member present adds it back, health waits until it is whole', async () => {
    const peer = (h: string) => `http://${ctx.address(h)}:2380`;
    const hosts = ['h1', 'h2', 'h3'];
    const initial = hosts.map((h) => `${h}=${peer(h)}`).join(',');
    const config = (h: string, state: 'new' | 'existing') =>
      [
        `ETCD_NAME=${h}`,
        'ETCD_DATA_DIR=/var/lib/etcd/cluster',
        `ETCD_LISTEN_PEER_URLS=${peer(h)}`,
        `ETCD_INITIAL_ADVERTISE_PEER_URLS=${peer(h)}`,
        `ETCD_LISTEN_CLIENT_URLS=http://${ctx.address(h)}:2379,http://127.0.0.1:2379`,
        `ETCD_ADVERTISE_CLIENT_URLS=http://${ctx.address(h)}:2379`,
        `ETCD_INITIAL_CLUSTER=${initial}`,
        `ETCD_INITIAL_CLUSTER_STATE=${state}`,
        'ETCD_INITIAL_CLUSTER_TOKEN=tsplay-it',
      ].join('\n');
    // A member joins with an empty data dir; --no-block: a new member is ready only once there is a quorum.
    const boot = (h: string, state: 'new' | 'existing') =>
      ctx.sh(h, `systemctl stop etcd && printf '%s\\n' '${config(h, state)}' > /etc/default/etcd && rm -rf /var/lib/etcd/cluster && systemctl start --no-block etcd`);
    await Promise.all(hosts.map((h) => boot(h, 'new')));

    const health = play('h1', `${waitHealthy(3)}    - assert:
        that: "h.members | map(attribute='name') | sort | list == ['h1', 'h2', 'h3']"
`);
    const formed = await run('health.yml', health);
    expect(recap(formed.stdout).h1, show(formed)).toMatchObject({ failed: 0, changed: 0 });

    await ctx.sh('h3', 'systemctl stop etcd');
    const remove = play('h1', `    - etcdctl: member=absent name=h3
`);
    const removed = await run('remove.yml', remove);
    expect(recap(removed.stdout).h1, show(removed)).toMatchObject({ changed: 1, failed: 0 });
    expect(await ctx.sh('h1', 'etcdctl member list')).not.toContain('h3');
    const removedAgain = await run('remove.yml', remove);
    expect(recap(removedAgain.stdout).h1, show(removedAgain)).toMatchObject({ changed: 0, failed: 0 });

    // etcd refuses a new member ("unhealthy cluster") until its members have been
    // connected for a few seconds after the removal: the play retries, as a role would.
    const add = play('h1', `    - etcdctl: member=present name=h3 peer_urls=${peer('h3')}
      register: r
      until: r is succeeded
      retries: 30
      delay: 1
`);
    const check = await run('add.yml', add, '--check');
    expect(recap(check.stdout).h1, show(check)).toMatchObject({ changed: 1, failed: 0 });
    expect(await ctx.sh('h1', 'etcdctl member list')).not.toContain(peer('h3'));
    const added = await run('add.yml', add);
    expect(recap(added.stdout).h1, show(added)).toMatchObject({ changed: 1, failed: 0 });
    // Added but not started: it has no name yet, and is found by its peer URL.
    const addedAgain = await run('add.yml', add);
    expect(recap(addedAgain.stdout).h1, show(addedAgain)).toMatchObject({ changed: 0, failed: 0 });

    await boot('h3', 'existing');
    const whole = await run('health.yml', health);
    expect(recap(whole.stdout).h1, show(whole)).toMatchObject({ failed: 0, changed: 0 });
  }, 240_000);
});
