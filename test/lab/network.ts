// Lab network: one bridge on the machine (address .1/24) and one network
// namespace per host, joined to the bridge by a veth pair whose inner end is
// the host's eth0 (address .11, .12, ...).
//
// Network rule: traffic only to loopback or the lab's own addresses. Hence:
//  - no default route in the hosts' namespaces: any other destination fails at
//    once with "Network is unreachable", nothing leaves the namespace;
//  - forwarding off on the bridge, so the machine never routes a packet that
//    arrives from a host;
//  - IPv6 off on the bridge, the host-side veths and the hosts' eth0 (no router
//    solicitations, no multicast listener reports); loopback keeps ::1.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mountPoints, runSync } from './sys.js';

/** Interface names must fit IFNAMSIZ (15 characters). */
export const MAX_IFNAME = 15;

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

function subnetInUse(subnet: string): boolean {
  // Any address or route of the machine in 10.a.b.0/24 (or covering it) would clash.
  const addrs = runSync('ip', ['-4', '-o', 'addr', 'show']).stdout;
  const routes = runSync('ip', ['-4', 'route', 'show', 'table', 'all']).stdout;
  return addrs.includes(` ${subnet}.`) || routes.split('\n').some((l) => l.startsWith(`${subnet}.`));
}

/**
 * A /24 derived from the prefix: 10.<100..199>.<0..255>. Salted again if the
 * machine already has an address or route in it (e.g. another lab).
 * Returns the first three octets, e.g. "10.143.7".
 */
export function pickSubnet(prefix: string): string {
  for (let salt = 0; salt < 50; salt++) {
    const h = createHash('sha256').update(`${prefix}/${salt}`).digest();
    const subnet = `10.${100 + (h[0]! % 100)}.${h[1]!}`;
    if (!subnetInUse(subnet)) return subnet;
  }
  throw new Error(`lab: no free 10.x.y.0/24 subnet found for prefix ${prefix}`);
}

function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    /* optional hardening (e.g. IPv6 compiled out) */
  }
}

export function createBridge(name: string, gateway: string): void {
  if (name.length > MAX_IFNAME) throw new Error(`lab: interface name too long: ${name}`);
  runSync('ip', ['link', 'add', name, 'type', 'bridge'], { check: true });
  writeSysctl(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '1');
  writeSysctl(`/proc/sys/net/ipv4/conf/${name}/forwarding`, '0');
  runSync('ip', ['addr', 'add', `${gateway}/24`, 'dev', name], { check: true });
  runSync('ip', ['link', 'set', name, 'up'], { check: true });
}

export function createNetns(name: string): void {
  runSync('ip', ['netns', 'add', name], { check: true });
}

/** veth pair: `veth` on the machine (in the bridge), `eth0` inside netns with `address`/24. */
export function createHostLink(netns: string, veth: string, bridge: string, address: string): void {
  if (veth.length > MAX_IFNAME) throw new Error(`lab: interface name too long: ${veth}`);
  runSync('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns], { check: true });
  writeSysctl(`/proc/sys/net/ipv6/conf/${veth}/disable_ipv6`, '1');
  runSync('ip', ['link', 'set', veth, 'master', bridge, 'up'], { check: true });
  const inNs = (args: string[]) => runSync('ip', ['-n', netns, ...args], { check: true });
  // /proc/sys/net is per network namespace: write it from inside the namespace.
  runSync('ip', ['netns', 'exec', netns, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6'], { check: true });
  inNs(['addr', 'add', `${address}/24`, 'dev', 'eth0']);
  inNs(['link', 'set', 'lo', 'up']);
  inNs(['link', 'set', 'eth0', 'up']);
}

export function deleteLink(name: string): void {
  if (linkExists(name)) runSync('ip', ['link', 'del', name]);
}

const NETNS_DIR = '/run/netns';

function netnsDirMounted(): boolean {
  return mountPoints().includes(NETNS_DIR);
}

/**
 * The first `ip netns add` makes /run/netns a mount point (bind-mounted onto
 * itself, to share the namespace mounts). Undo that once no namespace is left
 * in it, so that a test run leaves no mount behind; `ip netns add` redoes it
 * when needed. A plain umount fails (and changes nothing) if a namespace was
 * mounted there meanwhile.
 */
export function releaseNetnsDir(): void {
  if (!netnsDirMounted()) return;
  if (existsSync(NETNS_DIR) && readdirSync(NETNS_DIR).length > 0) return;
  runSync('umount', [NETNS_DIR]);
}

export function deleteNetns(name: string): void {
  if (netnsExists(name)) runSync('ip', ['netns', 'del', name]);
}
