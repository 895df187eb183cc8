// The iplink module's reading and deciding, as tables: canned `ip -j` output
// (the one probe) and the task's options in, the steps and the link after out.
// The lab test (test/integration/iplink.test.ts) proves the same on real links.
import { describe, expect, it } from 'vitest';
import iplink from '../../modules/iplink.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import type { ModuleContext } from '../../src/module-api/module-types.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { canonicalCidr, ipv4Subnet, linkProbeScript, parseLinkProbe, readLink, renderLink, type LinkState } from '../../src/net/ip-link.js';
import { linkPlan, type LinkArgs } from '../../src/net/link-plan.js';
import { ScriptedConnection } from '../host/scripted-connection.js';

interface Fake {
  kind?: string;
  mtu?: number;
  address?: string;
  master?: string;
  up?: boolean;
  info?: Record<string, unknown>;
  parent?: string;
  addrs?: Array<{ family: string; local: string; prefixlen: number; scope?: string }>;
}

/** What the probe prints for a link, as iproute2 6.1 prints it (trimmed to what matters). */
function probeOut(name: string, f: Fake): string {
  const link = {
    ifindex: 7,
    ...(f.parent ? { link: f.parent } : {}),
    ifname: name,
    flags: ['BROADCAST', 'MULTICAST', ...(f.up ? ['UP'] : [])],
    mtu: f.mtu ?? 1500,
    ...(f.master ? { master: f.master } : {}),
    operstate: 'DOWN',
    group: 'default',
    address: f.address ?? '56:04:AA:6E:B8:F4',
    ...(f.kind ? { linkinfo: { info_kind: f.kind, info_data: f.info ?? {} } } : {}),
  };
  const addr = { ifindex: 7, ifname: name, addr_info: f.addrs ?? [] };
  return `${JSON.stringify([link])}\n@@tsplay-link@@0\n${JSON.stringify([addr])}\n`;
}
const ABSENT = (name: string) => `Device "${name}" does not exist.\n@@tsplay-link@@1\n`;
const LINK_LOCAL = { family: 'inet6', local: 'fe80::5404:aaff:fe6e:b8f4', prefixlen: 64, scope: 'link' };
const v4 = (cidr: string) => ({ family: 'inet', local: cidr.split('/')[0]!, prefixlen: Number(cidr.split('/')[1]), scope: 'global' });

const args = (a: Partial<LinkArgs> & { name: string }): LinkArgs => ({ state: 'present', addresses_exclusive: false, ...a });

const cases: Array<{ name: string; out: string; args: LinkArgs; steps: string[]; after?: Partial<LinkState>; error?: RegExp }> = [
  {
    name: 'a missing bridge is created with its addresses and stays down under present',
    out: ABSENT('br0'),
    args: args({ name: 'br0', type: 'bridge', addresses: ['10.0.0.1/24'] }),
    steps: ['create bridge br0', 'add 10.0.0.1/24 to br0'],
    after: { kind: 'bridge', up: false, addresses: ['10.0.0.1/24'] },
  },
  {
    name: 'state up creates and brings the new link up last',
    out: ABSENT('br0'),
    args: args({ name: 'br0', type: 'bridge', state: 'up', mtu: 1400 }),
    steps: ['create bridge br0', 'set br0 mtu 1400', 'set br0 up'],
    after: { up: true, mtu: 1400 },
  },
  {
    name: 'an existing link that matches changes nothing (its link-local address is the kernel\'s)',
    out: probeOut('br0', { kind: 'bridge', up: true, addrs: [v4('10.0.0.1/24'), LINK_LOCAL] }),
    args: args({ name: 'br0', type: 'bridge', addresses: ['10.0.0.1/24'], addresses_exclusive: true }),
    steps: [],
  },
  {
    name: 'present leaves an existing link down',
    out: probeOut('br0', { kind: 'bridge', up: false }),
    args: args({ name: 'br0' }),
    steps: [],
    after: { up: false },
  },
  { name: 'present leaves an existing link up', out: probeOut('br0', { kind: 'bridge', up: true }), args: args({ name: 'br0' }), steps: [], after: { up: true } },
  { name: 'down on an up link', out: probeOut('br0', { kind: 'bridge', up: true }), args: args({ name: 'br0', state: 'down' }), steps: ['set br0 down'] },
  { name: 'up on an up link', out: probeOut('eth0', { kind: 'veth', up: true }), args: args({ name: 'eth0', state: 'up' }), steps: [] },
  {
    name: 'only what differs: mtu, MAC in any case, master',
    out: probeOut('v1', { kind: 'veth', mtu: 1500, address: 'aa:bb:cc:dd:ee:01' }),
    args: args({ name: 'v1', mtu: 1400, address: 'AA:BB:CC:DD:EE:01', master: 'br0' }),
    steps: ['set v1 mtu 1400', 'set v1 master br0'],
    after: { mtu: 1400, master: 'br0', address: 'aa:bb:cc:dd:ee:01' },
  },
  { name: "master '' leaves the bridge", out: probeOut('v1', { kind: 'veth', master: 'br0' }), args: args({ name: 'v1', master: '' }), steps: ['remove v1 from br0'] },
  { name: "master '' without one is ok", out: probeOut('v1', { kind: 'veth' }), args: args({ name: 'v1', master: '' }), steps: [] },
  {
    name: 'addresses are added, others kept',
    out: probeOut('br0', { kind: 'bridge', addrs: [v4('10.0.0.1/24')] }),
    args: args({ name: 'br0', addresses: ['10.0.0.1/24', '10.0.1.1/24'] }),
    steps: ['add 10.0.1.1/24 to br0'],
    after: { addresses: ['10.0.0.1/24', '10.0.1.1/24'] },
  },
  {
    name: 'addresses_exclusive removes the others first; IPv6 compares canonically',
    out: probeOut('br0', { kind: 'bridge', addrs: [v4('10.0.0.1/24'), { family: 'inet6', local: 'fd00::1', prefixlen: 64, scope: 'global' }, LINK_LOCAL] }),
    args: args({ name: 'br0', addresses: ['FD00:0::1/64', '10.0.9.1/24'], addresses_exclusive: true }),
    steps: ['delete 10.0.0.1/24 from br0', 'add 10.0.9.1/24 to br0'],
    after: { addresses: ['fd00::1/64', '10.0.9.1/24'] },
  },
  {
    name: 'deleting a primary address puts back the kept ones of its subnet (its secondaries go with it)',
    out: probeOut('br0', { kind: 'bridge', addrs: [v4('10.0.0.1/24'), v4('10.0.0.2/24'), v4('10.0.1.1/24'), v4('10.0.1.2/24')] }),
    args: args({ name: 'br0', addresses: ['10.0.0.2/24', '10.0.1.1/24'], addresses_exclusive: true }),
    steps: ['delete 10.0.0.1/24 from br0', 'delete 10.0.1.2/24 from br0', 'keep 10.0.0.2/24 on br0', 'keep 10.0.1.1/24 on br0'],
    after: { addresses: ['10.0.0.2/24', '10.0.1.1/24'] },
  },
  { name: 'absent deletes', out: probeOut('docker0', { kind: 'bridge', up: true }), args: args({ name: 'docker0', state: 'absent' }), steps: ['delete docker0'] },
  { name: 'absent when absent is ok', out: ABSENT('docker0'), args: args({ name: 'docker0', state: 'absent' }), steps: [] },
  { name: 'a missing link without a type', out: ABSENT('br0'), args: args({ name: 'br0', state: 'up' }), steps: [], error: /link br0 does not exist, and without a type/ },
  {
    name: 'another type is not silently replaced',
    out: probeOut('br0', { kind: 'veth' }),
    args: args({ name: 'br0', type: 'bridge' }),
    steps: [],
    error: /link br0 exists with type veth, not bridge; delete it first/,
  },
  {
    name: 'a vxlan with another vni',
    out: probeOut('vx0', { kind: 'vxlan', info: { id: 42, port: 4789 } }),
    args: args({ name: 'vx0', type: 'vxlan', vni: 43 }),
    steps: [],
    error: /exists with vni 42, not 43/,
  },
  {
    name: 'a vlan as asked',
    out: probeOut('eth0.10', { kind: 'vlan', parent: 'eth0', info: { protocol: '802.1Q', id: 10 } }),
    args: args({ name: 'eth0.10', type: 'vlan', link: 'eth0', vlan_id: 10 }),
    steps: [],
  },
  { name: 'a veth pair', out: ABSENT('va'), args: args({ name: 'va', type: 'veth', peer: 'vb' }), steps: ['create veth va'] },
];

describe('iplink decisions', () => {
  it.each(cases)('$name', async (c) => {
    const conn = new ScriptedConnection([{ match: `ip -j -d link show dev ${c.args.name}`, reply: { stdout: c.out } }]);
    const found = await readLink(conn, c.args.name);
    expect(conn.done).toBe(true);
    if (c.error) {
      expect(() => linkPlan(c.args, found)).toThrow(c.error);
      return;
    }
    const { steps, after } = linkPlan(c.args, found);
    expect(steps.map((s) => s.summary)).toEqual(c.steps);
    if (c.after) expect(after).toMatchObject(c.after);
  });
});

describe('iplink commands', () => {
  const commands = (a: LinkArgs, found?: LinkState) => linkPlan(a, found).steps.map((s) => s.command);

  it('creates each type with what it needs, and nothing not given', () => {
    expect(commands(args({ name: 'va', type: 'veth', peer: 'vb' }))[0]).toEqual(['ip', 'link', 'add', 'name', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
    expect(commands(args({ name: 'vx', type: 'vxlan', vni: 42, dev: 'eth0' }))[0]).toEqual(['ip', 'link', 'add', 'name', 'vx', 'type', 'vxlan', 'id', '42', 'dev', 'eth0', 'dstport', '4789']);
    expect(commands(args({ name: 'vx', type: 'vxlan', vni: 7, dstport: 8472, local: '10.0.0.1', group: '239.1.1.1' }))[0]).toEqual([
      'ip', 'link', 'add', 'name', 'vx', 'type', 'vxlan', 'id', '7', 'dstport', '8472', 'local', '10.0.0.1', 'group', '239.1.1.1',
    ]);
    expect(commands(args({ name: 'eth0.10', type: 'vlan', link: 'eth0', vlan_id: 10 }))[0]).toEqual(['ip', 'link', 'add', 'link', 'eth0', 'name', 'eth0.10', 'type', 'vlan', 'id', '10']);
    expect(commands(args({ name: 'd0', type: 'dummy' }))[0]).toEqual(['ip', 'link', 'add', 'name', 'd0', 'type', 'dummy']);
  });

  it('runs every command in the namespace with ip -n', () => {
    const all = commands(args({ name: 'br0', type: 'bridge', netns: 'blue', addresses: ['10.0.0.1/24'], state: 'up' }));
    expect(all.every((c) => Array.isArray(c) && c[0] === 'ip' && c[1] === '-n' && c[2] === 'blue')).toBe(true);
    expect(linkProbeScript('br0', 'blue')).toContain("ip -n blue -j -d link show dev br0 2>&1");
    expect(linkProbeScript('a b')).toContain("dev 'a b'");
  });

  it("fails a step with ip's own message after the summary", () => {
    const [step] = linkPlan(args({ name: 'x0', type: 'bogus' }), undefined).steps;
    expect(step!.failure!({ rc: 2, stdout: '', stderr: 'Error: Unknown device type.\n' })).toBe('create bogus x0: Error: Unknown device type.');
  });
});

describe('iplink parsing', () => {
  it('reads a bridge port: kind, master, admin state, addresses', () => {
    const link = parseLinkProbe(probeOut('v1', { kind: 'veth', master: 'br0', up: true, mtu: 1400, addrs: [v4('10.1.0.1/16'), LINK_LOCAL] }));
    expect(link).toEqual({ name: 'v1', kind: 'veth', mtu: 1400, address: '56:04:aa:6e:b8:f4', master: 'br0', up: true, addresses: ['10.1.0.1/16'] });
  });

  it('reads what creation fixed on a vxlan and a vlan', () => {
    expect(parseLinkProbe(probeOut('vx0', { kind: 'vxlan', info: { id: 42, port: 4789, local: '10.0.0.1' } }))).toMatchObject({ vni: 42, dstport: 4789 });
    expect(parseLinkProbe(probeOut('e.10', { kind: 'vlan', parent: 'eth0', info: { id: 10 } }))).toMatchObject({ vlanId: 10, parent: 'eth0' });
  });

  it('tells an absent link from a failure of ip itself', () => {
    expect(parseLinkProbe(ABSENT('nope'))).toBeUndefined();
    expect(() => parseLinkProbe('Cannot open network namespace "blue": No such file or directory\n@@tsplay-link@@1\n')).toThrow(/Cannot open network namespace "blue"/);
  });

  it('canonical CIDRs: a bare address is a host route, IPv6 compressed', () => {
    expect(canonicalCidr('10.0.0.1')).toBe('10.0.0.1/32');
    expect(canonicalCidr('FD00:0:0::1/64')).toBe('fd00::1/64');
    expect(canonicalCidr('fd00::1')).toBe('fd00::1/128');
  });

  it('IPv4 subnets: primary and secondaries share one', () => {
    expect(ipv4Subnet('10.99.0.1/24')).toBe(ipv4Subnet('10.99.0.2/24'));
    expect(ipv4Subnet('10.99.0.1/24')).not.toBe(ipv4Subnet('10.99.1.1/24'));
    expect(ipv4Subnet('10.99.0.1/24')).not.toBe(ipv4Subnet('10.99.0.1/16'));
    expect(ipv4Subnet('0.0.0.0/0')).toBe('0/0');
    expect(ipv4Subnet('fd00::1/64')).toBeUndefined();
  });

  it('renders a link for --diff', () => {
    expect(renderLink(undefined)).toBe('state: absent\n');
    expect(renderLink({ name: 'br0', kind: 'bridge', mtu: 1500, up: true, addresses: ['10.0.0.1/24'] })).toBe(
      'type: bridge\nmtu: 1500\nstate: up\naddresses:\n  - 10.0.0.1/24\n',
    );
  });
});

describe('iplink module', () => {
  const context = (input: Record<string, unknown>, conn: ScriptedConnection, check: boolean): ModuleContext<LinkArgs> => {
    const checked = checkArgs(iplink, input);
    if (!checked.ok) throw new Error(checked.errors.join('; '));
    return { args: checked.args as unknown as LinkArgs, conn, check, diff: true } as unknown as ModuleContext<LinkArgs>;
  };

  it('argument rules: veth needs peer, vxlan vni, vlan link and vlan_id; lists take "a,b"', () => {
    const errors = (input: Record<string, unknown>) => {
      const r = checkArgs(iplink, input);
      return r.ok ? [] : r.errors;
    };
    expect(errors({ name: 'v', type: 'veth' })).toEqual(['type is veth but all of the following are missing: peer']);
    expect(errors({ name: 'v', type: 'vxlan' })).toEqual(['type is vxlan but all of the following are missing: vni']);
    expect(errors({ name: 'v', type: 'vlan', link: 'eth0' })).toEqual(['type is vlan but all of the following are missing: vlan_id']);
    expect(errors({ name: 'v', state: 'gone' })[0]).toMatch(/value of 'state' must be one of/);
    const ok = checkArgs(iplink, { ifname: 'br0', addresses: '10.0.0.1/24, 10.0.1.1/24', mac: 'aa:bb:cc:dd:ee:ff' });
    expect(ok).toMatchObject({ ok: true, args: { name: 'br0', addresses: ['10.0.0.1/24', '10.0.1.1/24'], address: 'aa:bb:cc:dd:ee:ff', state: 'present' } });
  });

  it('check mode: one probe, a prediction, nothing run', async () => {
    const conn = new ScriptedConnection([{ match: 'ip -j -d link show dev br0', reply: { stdout: ABSENT('br0') } }]);
    const { plan, applied } = await planAndApply(iplink, context({ name: 'br0', type: 'bridge', state: 'up' }, conn, true), true);
    expect(applied).toBeUndefined();
    expect(plan.result).toMatchObject({ changed: true, changes: ['create bridge br0', 'set br0 up'], link: { type: 'bridge', state: 'up' } });
    expect(plan.diff).toEqual([{ before: 'state: absent\n', after: 'type: bridge\nstate: up\naddresses: []\n', before_header: 'br0 (before)', after_header: 'br0 (after)' }]);
    expect(conn.done).toBe(true);
  });

  it('a real run: the steps and the link read again, in one round trip after the probe', async () => {
    const steps = ['', '', probeOut('br0', { kind: 'bridge', up: true, address: '02:00:00:00:00:01' })].map((o) => `@@tsplay-step@@\n${o}`).join('');
    const conn = new ScriptedConnection([
      { match: 'ip -j -d link show dev br0', reply: { stdout: ABSENT('br0') } },
      { match: /ip link add name br0 type bridge[\s\S]*ip link set dev br0 up[\s\S]*ip -j -d link show dev br0/, reply: { stdout: steps } },
    ]);
    const { applied } = await planAndApply(iplink, context({ name: 'br0', type: 'bridge', state: 'up' }, conn, false), false);
    expect(applied?.result).toMatchObject({ changed: true, changes: ['create bridge br0', 'set br0 up'], link: { type: 'bridge', state: 'up', address: '02:00:00:00:00:01' } });
    expect(applied?.diff?.[0]?.after).toContain('address: 02:00:00:00:00:01');
    expect(conn.done).toBe(true);
  });

  it('nothing to do: ok, no diff, no second round trip', async () => {
    const conn = new ScriptedConnection([{ match: 'ip -j -d link show dev br0', reply: { stdout: probeOut('br0', { kind: 'bridge', up: true }) } }]);
    const { plan, applied } = await planAndApply(iplink, context({ name: 'br0', type: 'bridge', state: 'up' }, conn, false), false);
    expect(plan.changed).toBe(false);
    expect(applied).toBeUndefined();
    expect(plan.diff).toEqual([]);
    expect(conn.done).toBe(true);
  });
});
