// A network link as the iplink module sees it: read in one round trip
// (`ip -j -d link show` and `ip -j addr show` in one probe script), parsed
// from iproute2's JSON, and rendered as a small YAML-ish text for --diff.
import { isIPv6 } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probe } from '../host/run.js';
import { quoteArgv, raw } from '../host/shell.js';

export interface LinkState {
  name: string;
  /** linkinfo's info_kind (bridge, veth, vxlan, vlan...); absent for a plain device. */
  kind?: string;
  mtu?: number;
  /** The MAC address, lower case. */
  address?: string;
  master?: string;
  /** Administratively up (the UP flag), whatever the carrier says. */
  up: boolean;
  /** CIDRs, canonical; IPv6 link-local ones are the kernel's and left out. */
  addresses: string[];
  /** vxlan's id and port, vlan's id and parent: what creation fixed. */
  vni?: number;
  dstport?: number;
  vlanId?: number;
  parent?: string;
}

const MARK = '@@tsplay-link@@';

/** `ip`, or `ip -n NS`: every command of the module runs in the task's namespace. */
export function ipCommand(netns: string | undefined, ...words: string[]): string[] {
  return ['ip', ...(netns ? ['-n', netns] : []), ...words];
}

/**
 * The probe: link details (its error text too, to tell "absent" from a real
 * failure), then its addresses. It always exits 0, so it can also end a run of steps.
 */
export function linkProbeScript(name: string, netns?: string): string {
  const link = quoteArgv(ipCommand(netns, '-j', '-d', 'link', 'show', 'dev', name));
  const addr = quoteArgv(ipCommand(netns, '-j', 'addr', 'show', 'dev', name));
  return `${link} 2>&1; echo "${MARK}$?"; ${addr} 2>/dev/null; :`;
}

/** An address as `ip` prints it: with a prefix length, IPv6 compressed and lower case. */
export function canonicalCidr(cidr: string): string {
  const [ip = '', prefix] = cidr.trim().split('/');
  const v6 = isIPv6(ip);
  const address = v6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
  return `${address}/${prefix ?? (v6 ? '128' : '32')}`;
}

/**
 * An IPv4 CIDR's subnet ("network/bits"), undefined for IPv6. Addresses that
 * share one are primary and secondaries: deleting the primary deletes the
 * secondaries too (unless the host sets promote_secondaries).
 */
export function ipv4Subnet(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const value = m.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const bits = Number(m[5]);
  return `${Math.floor(value / 2 ** (32 - bits))}/${bits}`;
}

interface IpAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  scope?: string;
}

/** The link from the probe's output; undefined when it does not exist. */
export function parseLinkProbe(stdout: string): LinkState | undefined {
  const [linkOut = '', tail = ''] = stdout.split(MARK);
  const rc = Number(/^\d+/.exec(tail)?.[0] ?? 1);
  if (rc !== 0) {
    if (/does not exist/.test(linkOut)) return undefined;
    throw new ModuleFailure(linkOut.trim() || `ip link show failed with exit code ${rc}`);
  }
  const link = (JSON.parse(linkOut) as Record<string, any>[])[0];
  if (!link) return undefined;
  const addrJson = tail.replace(/^\d+\n?/, '').trim();
  const addrInfo: IpAddrInfo[] = addrJson ? ((JSON.parse(addrJson) as Record<string, any>[])[0]?.addr_info ?? []) : [];
  const info = link.linkinfo?.info_data ?? {};
  const kind: string | undefined = link.linkinfo?.info_kind;
  return {
    name: link.ifname,
    kind,
    mtu: link.mtu,
    address: typeof link.address === 'string' ? link.address.toLowerCase() : undefined,
    master: link.master,
    up: Array.isArray(link.flags) && link.flags.includes('UP'),
    addresses: addrInfo
      .filter((a) => !(a.family === 'inet6' && a.scope === 'link'))
      .map((a) => canonicalCidr(`${a.local}/${a.prefixlen}`)),
    ...(kind === 'vxlan' ? { vni: info.id, dstport: info.port } : {}),
    ...(kind === 'vlan' ? { vlanId: info.id, parent: link.link } : {}),
  };
}

/** Reads the link in one round trip. */
export async function readLink(conn: Connection, name: string, netns?: string): Promise<LinkState | undefined> {
  const res = await probe(conn, raw(linkProbeScript(name, netns)), { timeout: 60 });
  return parseLinkProbe(res.stdout);
}

/** What the result reports of a link (`link` in the task's result). */
export function linkFacts(link: LinkState | undefined): Record<string, unknown> {
  if (!link) return { state: 'absent' };
  return {
    type: link.kind ?? 'device',
    ...(link.mtu !== undefined ? { mtu: link.mtu } : {}),
    ...(link.address !== undefined ? { address: link.address } : {}),
    ...(link.master !== undefined ? { master: link.master } : {}),
    state: link.up ? 'up' : 'down',
    addresses: link.addresses,
  };
}

/** A small YAML-ish rendering for --diff; what is not known yet (a new link's MAC) is left out. */
export function renderLink(link: LinkState | undefined): string {
  const lines = Object.entries(linkFacts(link)).flatMap(([key, value]) => {
    if (!Array.isArray(value)) return [`${key}: ${String(value)}`];
    return value.length ? [`${key}:`, ...value.map((v) => `  - ${String(v)}`)] : [`${key}: []`];
  });
  return `${lines.join('\n')}\n`;
}
