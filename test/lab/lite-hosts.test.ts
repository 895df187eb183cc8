// The lite host launcher of the scale bench (bench/lite-hosts.ts), at a size
// that fits a test: 7 hosts, 3 a bridge, so that they spread over three
// bridges and /24s as 1,000 hosts spread over five. Each host answers SSH on
// its own address with its own host key; the network stays closed (no default
// route, every neighbour entry permanent, no forwarding); the sessions do not
// read root's ~/.bashrc; and teardown leaves no process, namespace, link,
// mount namespace holder or directory behind.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootLiteHosts, type LiteLab } from '../../bench/lite-hosts.js';
import { openSsh } from '../../src/connection/ssh.js';
import type { Connection } from '../../src/connection/connection.js';
import { describeLab } from './lab.js';
import { linkExists, netnsExists } from './network.js';
import { runSync } from './sys.js';

const HOSTS = 7;

/** Pids of the processes whose network namespace is the named one. */
function pidsIn(netns: string): number[] {
  return runSync('ip', ['netns', 'pids', netns]).stdout.split('\n').filter(Boolean).map(Number);
}

describeLab('lite hosts for the scale bench: several bridges, closed network, full teardown', () => {
  let lab: LiteLab | undefined;
  let conns: Connection[] = [];

  beforeAll(async () => {
    lab = await bootLiteHosts(HOSTS, { hostsPerBridge: 3, startBatch: 2 });
    conns = await Promise.all(
      lab.hosts.map((h) =>
        openSsh({
          host: h.name,
          address: h.address,
          port: 22,
          user: 'root',
          privateKeyFile: lab!.keyFile,
          knownHostsFile: lab!.knownHostsFile,
          hostKeyChecking: 'strict',
          connectTimeoutMs: 60_000,
          defaultIdentities: false,
        }),
      ),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
    lab?.destroy();
  });

  it('spreads the hosts over three bridges, one /24 each', () => {
    expect(lab!.bridges).toHaveLength(3);
    const subnets = new Set(lab!.hosts.map((h) => h.address.split('.').slice(0, 3).join('.')));
    expect(subnets.size).toBe(3);
    expect(new Set(lab!.hosts.map((h) => h.bridge))).toEqual(new Set(lab!.bridges));
    expect(lab!.inventory.split('\n').filter((l) => l.startsWith('h'))).toHaveLength(HOSTS);
  });

  it('every host answers in its own namespace, with its own host key checked', { timeout: 60_000 }, async () => {
    const inodes = new Set<string>();
    for (const [i, c] of conns.entries()) {
      const out = async (command: string): Promise<string> => {
        const r = await c.exec(command);
        expect(r.rc, `${command}: ${r.stderr}`).toBe(0);
        return r.stdout.trim();
      };
      inodes.add(await out('readlink /proc/self/ns/net'));
      expect(await out('cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6')).toBe('1');
      // Only the link's own /24: no default route, nothing else reachable.
      const net = lab!.hosts[i]!.address.split('.').slice(0, 3).join('.');
      expect((await out('ip -4 route show')).split('\n')).toEqual([`${net}.0/24 dev eth0 proto kernel scope link src ${lab!.hosts[i]!.address}`]);
      expect(await out('ip neigh show dev eth0')).toMatch(new RegExp(`^${net.replace(/\./g, '\\.')}\\.1 lladdr \\S+ PERMANENT$`));
      // Root's ~/.bashrc of this machine is hidden from the sessions (when it has one).
      if (existsSync('/root/.bashrc')) expect(await out('wc -c < /root/.bashrc')).toBe('0');
    }
    expect(inodes.size).toBe(HOSTS);
  });

  it('keeps the machine side closed: no forwarding on the bridges, the hosts as permanent neighbours', () => {
    for (const b of lab!.bridges) {
      expect(readFileSync(`/proc/sys/net/ipv4/conf/${b}/forwarding`, 'utf8').trim()).toBe('0');
      const neigh = runSync('ip', ['neigh', 'show', 'dev', b]).stdout.trim().split('\n').filter(Boolean);
      expect(neigh.length).toBeGreaterThan(0);
      expect(neigh.every((l) => l.includes('PERMANENT')), neigh.join('\n')).toBe(true);
    }
  });

  it('tears everything down', { timeout: 60_000 }, async () => {
    const l = lab!;
    // The sshds' mount namespace (where ~/.bashrc is hidden) is held by one process of the lab's.
    const holder = l.mountHolderPid!;
    expect(readlinkSync(`/proc/${holder}/ns/mnt`)).not.toBe(readlinkSync('/proc/self/ns/mnt'));
    expect(readlinkSync(`/proc/${l.hosts[0]!.pid}/ns/mnt`)).toBe(readlinkSync(`/proc/${holder}/ns/mnt`));
    await Promise.all(conns.map((c) => c.close()));
    conns = [];
    const pids = l.hosts.flatMap((h) => pidsIn(h.netns));
    expect(pids.length).toBeGreaterThanOrEqual(HOSTS);
    l.destroy();
    lab = undefined;
    for (const h of l.hosts) {
      expect(netnsExists(h.netns), h.netns).toBe(false);
      expect(linkExists(h.veth), h.veth).toBe(false);
    }
    for (const b of l.bridges) expect(linkExists(b), b).toBe(false);
    for (const p of [...pids, holder]) expect(existsSync(`/proc/${p}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${p}/status`, 'utf8')), `pid ${p}`).toBe(false);
    expect(existsSync(l.dir)).toBe(false);
  });
});
