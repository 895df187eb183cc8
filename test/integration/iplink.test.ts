// iplink on real hosts (their kernel, their iproute2): a docker0 bridge made
// with `ip` deleted by state=absent; a bridge with addresses, a veth pair in it
// and a vxlan on eth0; an MTU change and up/down; addresses ensured, then
// exclusive; links inside a namespace (netns); vlan and dummy where the kernel
// has them, else ip's own failure; a bad type and a busy link fail with ip's
// message. Every playbook: --check first predicts the real run's changed count
// and changes nothing (checked on the host), and a second run changes nothing.
// Leaves on its hosts (all in the hosts' own network namespaces, gone with
// them): links br-it (down, 10.99.0.2/24), it-va/it-vb (veth), vx-it (vxlan),
// it-mv (macvlan on it-vb), namespace it-blue holding br-ns, eth0.42 and it-dummy
// where the kernel has vlan and dummy (this machine's has neither); docker0 is deleted.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const play = (tasks: string) => `- hosts: lab
  gather_facts: false
  tasks:
${tasks}`;

describeLab('iplink on lab hosts', () => {
  const ctx = useLab(2, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    for (const h of c.lab.hosts) {
      await c.sh(h.name, 'ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up');
    }
  });
  const run = (name: string, text: string, ...extra: string[]) => {
    ctx.write(name, text);
    return ctx.tsplay(['run', `${ctx.dir}/${name}`, '-i', `${ctx.dir}/inventory.ini`, ...extra]);
  };
  /** `ip -j -d link show` of a link on a host (undefined when absent). */
  const link = async (host: string, name: string, netns?: string): Promise<Record<string, any> | undefined> => {
    const ns = netns ? `-n ${netns} ` : '';
    const r = await ctx.lab.exec(host, `ip ${ns}-j -d link show dev ${name}`);
    return r.code === 0 ? (JSON.parse(r.stdout) as Record<string, any>[])[0] : undefined;
  };
  /** The link's IPv4 addresses as CIDRs. */
  const addrs = async (host: string, name: string): Promise<string[]> => {
    const out = JSON.parse(await ctx.sh(host, `ip -j addr show dev ${name}`)) as Array<{ addr_info: Array<{ family: string; local: string; prefixlen: number }> }>;
    return out[0]!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
  };
  /** --check, then the real run, then again: the counts (per host) of each, after checking `unchanged` between check and real run. */
  const checkRealAgain = async (name: string, text: string, changed: number, unchanged: () => Promise<void>) => {
    const check = await run(name, text, '--check');
    expect(check.code, show(check)).toBe(0);
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed, failed: 0 }, h2: { changed, failed: 0 } });
    await unchanged();
    const real = await run(name, text);
    expect(real.code, show(real)).toBe(0);
    expect(recap(real.stdout), show(real)).toMatchObject({ h1: { changed, failed: 0 }, h2: { changed, failed: 0 } });
    const again = await run(name, text);
    expect(again.code, show(again)).toBe(0);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0, failed: 0 }, h2: { changed: 0, failed: 0 } });
    return real;
  };

  it('deletes the docker0 bridge and its address; absent again is ok', async () => {
    await checkRealAgain('docker0.yml', play(`    - iplink: name=docker0 state=absent
`), 1, async () => {
      for (const h of ['h1', 'h2']) expect(await addrs(h, 'docker0'), 'check mode kept docker0').toEqual(['172.17.0.1/16']);
    });
    for (const h of ['h1', 'h2']) expect(await link(h, 'docker0')).toBeUndefined();
  });

  const NET = play(`    - iplink: name=br-it type=bridge state=up mtu=1400 addresses=10.99.0.1/24
    - iplink:
        name: it-va
        type: veth
        peer: it-vb
        master: br-it
        mtu: 1400
        state: up
    - iplink: name=vx-it type=vxlan vni=4242 dev=eth0 dstport=4789
`);

  it('a bridge with an address, a veth pair in it, a vxlan on eth0', async () => {
    await checkRealAgain('net.yml', NET, 3, async () => {
      for (const l of ['br-it', 'it-va', 'it-vb', 'vx-it']) expect(await link('h1', l), `check mode made ${l}`).toBeUndefined();
    });
    for (const h of ['h1', 'h2']) {
      const br = await link(h, 'br-it');
      expect(br).toMatchObject({ mtu: 1400, linkinfo: { info_kind: 'bridge' } });
      expect(br!.flags).toContain('UP');
      expect(await addrs(h, 'br-it')).toEqual(['10.99.0.1/24']);
      expect(await link(h, 'it-va')).toMatchObject({ master: 'br-it', mtu: 1400, linkinfo: { info_kind: 'veth' } });
      expect(await link(h, 'it-vb')).toMatchObject({ linkinfo: { info_kind: 'veth' } });
      expect(await link(h, 'vx-it')).toMatchObject({ linkinfo: { info_kind: 'vxlan', info_data: { id: 4242, port: 4789, link: 'eth0' } } });
    }
  });

  it('changes an MTU and takes a link down; --diff shows the link before and after', async () => {
    const text = play(`    - iplink: name=it-va mtu=1280
    - iplink: name=br-it state=down
`);
    const real = await checkRealAgain('mtu.yml', text, 2, async () => {
      expect(await link('h1', 'it-va'), 'check mode kept the MTU').toMatchObject({ mtu: 1400 });
      expect((await link('h1', 'br-it'))!.flags, 'check mode kept br-it up').toContain('UP');
    });
    expect(real.stdout).not.toContain('@@');
    for (const h of ['h1', 'h2']) {
      expect(await link(h, 'it-va')).toMatchObject({ mtu: 1280 });
      expect((await link(h, 'br-it'))!.flags).not.toContain('UP');
    }
    await ctx.sh('h1', 'ip link set dev it-va mtu 1400');
    const diff = await run('mtu.yml', text, '--diff');
    expect(recap(diff.stdout), show(diff)).toMatchObject({ h1: { changed: 1 }, h2: { changed: 0 } });
    expect(diff.stdout).toContain('-mtu: 1400\n+mtu: 1280');
    expect(diff.stdout).toContain('master: br-it');
  });

  it('ensures addresses, keeping others; then addresses_exclusive removes them', async () => {
    await ctx.sh('h1', 'ip addr add 10.99.1.1/24 dev br-it');
    const keep = await run('keep.yml', play(`    - iplink: name=br-it addresses=10.99.0.1/24,10.99.0.2/24
`));
    expect(recap(keep.stdout), show(keep)).toMatchObject({ h1: { changed: 1 }, h2: { changed: 1 } });
    expect((await addrs('h1', 'br-it')).sort()).toEqual(['10.99.0.1/24', '10.99.0.2/24', '10.99.1.1/24']);

    await checkRealAgain('exclusive.yml', play(`    - iplink:
        name: br-it
        addresses: [10.99.0.2/24]
        addresses_exclusive: true
`), 1, async () => {
      expect((await addrs('h1', 'br-it')).length, 'check mode removed nothing').toBe(3);
    });
    for (const h of ['h1', 'h2']) expect(await addrs(h, 'br-it')).toEqual(['10.99.0.2/24']);
  });

  it('runs inside a namespace with netns', async () => {
    for (const h of ['h1', 'h2']) await ctx.sh(h, 'ip netns add it-blue');
    await checkRealAgain('netns.yml', play(`    - iplink: name=br-ns type=bridge netns=it-blue state=up addresses=10.98.0.1/24
`), 1, async () => {
      expect(await link('h1', 'br-ns', 'it-blue')).toBeUndefined();
    });
    for (const h of ['h1', 'h2']) {
      expect((await link(h, 'br-ns', 'it-blue'))!.flags).toContain('UP');
      expect(await link(h, 'br-ns'), 'not in the host namespace').toBeUndefined();
    }
  });

  it('vlan on eth0 and dummy where the kernel has them, else they fail with ip\'s message', async () => {
    const has = async (type: string, add: string) => (await ctx.lab.exec('h1', `ip link add ${add} type ${type} && ip link del it-probe`)).code === 0;
    for (const [type, name, task, add] of [
      ['vlan', 'eth0.42', 'iplink: name=eth0.42 type=vlan link=eth0 vlan_id=42', 'link eth0 name it-probe type vlan id 9'],
      ['dummy', 'it-dummy', 'iplink: name=it-dummy type=dummy', 'name it-probe'],
    ] as const) {
      const text = play(`    - ${task}\n`);
      if (await has(type, add)) {
        await checkRealAgain(`${type}.yml`, text, 1, async () => expect(await link('h1', name)).toBeUndefined());
        expect(await link('h1', name)).toMatchObject({ linkinfo: { info_kind: type } });
        continue;
      }
      const r = await run(`${type}.yml`, text);
      expect(r.code, show(r)).toBe(2);
      expect(r.stdout, show(r)).toMatch(new RegExp(`"msg": "create ${type} \\S+: Error: Unknown device type\\."`));
      expect(recap(r.stdout), show(r)).toMatchObject({ h1: { failed: 1 }, h2: { failed: 1 } });
    }
  });

  it("a bad type and a busy link fail with ip's own message", async () => {
    const bad = await run('bad.yml', play(`    - iplink: name=it-bad type=nosuchtype
`));
    expect(bad.code, show(bad)).toBe(2);
    expect(bad.stdout).toContain('"msg": "create nosuchtype it-bad: Error: Unknown device type."');
    expect(await link('h1', 'it-bad')).toBeUndefined();

    // A link that carries a macvlan cannot join a bridge.
    const busy = await run('busy.yml', play(`    - iplink: name=it-mv type=macvlan link=it-vb
    - iplink: name=it-vb master=br-it
`));
    expect(busy.code, show(busy)).toBe(2);
    expect(busy.stdout).toContain('"msg": "set it-vb master br-it: RTNETLINK answers: Device or resource busy"');
    expect(recap(busy.stdout), show(busy)).toMatchObject({ h1: { changed: 1, failed: 1 }, h2: { changed: 1, failed: 1 } });
    expect(await link('h1', 'it-vb')).not.toHaveProperty('master');
  });
});
