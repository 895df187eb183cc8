// network facts as Ansible 2.14's LinuxNetwork reports them: interfaces from
// /sys/class/net (in directory order), their addresses from `ip addr show
// primary|secondary`, the default route from `ip route get <probe>`.
import { ROUTE_PROBE } from './paths.js';
import { keyValues } from './sections.js';

type Facts = Record<string, unknown>;
type Iface = Record<string, unknown>;

const INTERFACE_TYPE: Record<string, string> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

/** What the script printed: the `net` section (key=value, one `dev=` line per interface) and the two `ip addr` outputs. */
export interface NetworkInput {
  net: string;
  addrPrimary: string;
  addrSecondary: string;
}

/** `ip -4|-6 route get <probe>`'s first line: interface, source address, gateway. */
export function parseRouteGet(line: string, probe: string): Record<string, string> {
  const out: Record<string, string> = {};
  const words = line.trim().split(/\s+/);
  if (words[0] !== probe) return out;
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'dev') out.interface = words[i + 1]!;
    else if (words[i] === 'src') out.address = words[i + 1]!;
    else if (words[i] === 'via' && words[i + 1] !== probe) out.gateway = words[i + 1]!;
  }
  return out;
}

/** `ip addr show` output split into each interface's lines (header "2: eth0@if5: <...>"). */
export function addrBlocks(text: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^\d+:\s+([^:@\s]+)(@\S*)?:/.exec(line);
    if (header) {
      current = [];
      blocks.set(header[1]!, current);
    } else if (current) current.push(line);
  }
  return blocks;
}

interface DeviceInfo {
  name: string;
  kv: [string, string][];
}

function devices(net: string): { head: Map<string, string>; list: DeviceInfo[] } {
  const head = new Map<string, string>();
  const list: DeviceInfo[] = [];
  for (const [k, v] of keyValues(net)) {
    if (k === 'dev') list.push({ name: v, kv: [] });
    else if (list.length > 0) list[list.length - 1]!.kv.push([k, v]);
    else head.set(k, v);
  }
  return { head, list };
}

const ipv4Of = (address: string, prefix: string, broadcast: string) => {
  const bits = Number(prefix);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const addr = address.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  return { address, broadcast, netmask: dotted(mask), network: dotted((addr & mask) >>> 0), prefix };
};
const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

export function networkFacts(input: NetworkInput): Facts {
  const { head, list } = devices(input.net);
  if (!head.has('has_ip')) return {};
  const defaultV4: Record<string, unknown> = parseRouteGet(head.get('route4') ?? '', ROUTE_PROBE.v4);
  const defaultV6: Record<string, unknown> = parseRouteGet(head.get('route6') ?? '', ROUTE_PROBE.v6);
  const primary = addrBlocks(input.addrPrimary);
  const secondary = addrBlocks(input.addrSecondary);
  const interfaces = new Map<string, Iface>();
  const all4: string[] = [];
  const all6: string[] = [];
  // Python's loop variable: the last address read stays in scope for the next interfaces (Ansible uses it as is).
  let macaddress = '';
  for (const dev of list) {
    const device = dev.name;
    const kv = new Map(dev.kv);
    const iface: Iface = { device };
    interfaces.set(device, iface);
    if (kv.has('address')) {
      macaddress = kv.get('address')!;
      if (macaddress && macaddress !== '00:00:00:00:00:00') iface.macaddress = macaddress;
    }
    if (kv.has('mtu')) iface.mtu = Number.parseInt(kv.get('mtu')!, 10);
    if (kv.has('operstate')) iface.active = kv.get('operstate') !== 'down';
    if (kv.has('module')) iface.module = kv.get('module');
    if (kv.has('type')) iface.type = INTERFACE_TYPE[kv.get('type')!] ?? 'unknown';
    if (kv.has('bridge')) {
      iface.type = 'bridge';
      iface.interfaces = (kv.get('brif') ?? '').split(' ').filter(Boolean);
      if (kv.has('bridge_id')) iface.id = kv.get('bridge_id');
      if (kv.has('stp_state')) iface.stp = kv.get('stp_state') === '1';
    }
    if (kv.has('bonding')) {
      iface.type = 'bonding';
      iface.slaves = (kv.get('slaves') ?? '').split(/\s+/).filter(Boolean);
      iface.mode = (kv.get('mode') ?? '').split(/\s+/)[0];
      iface.miimon = (kv.get('miimon') ?? '').split(/\s+/)[0];
      iface.lacp_rate = (kv.get('lacp_rate') ?? '').split(/\s+/)[0];
      const primaryName = kv.get('primary');
      if (primaryName) {
        iface.primary = primaryName;
        if (kv.has('all_slaves_active')) iface.all_slaves_active = kv.get('all_slaves_active') === '1';
      }
    }
    if (kv.has('perm_hwaddr')) iface.perm_macaddress = kv.get('perm_hwaddr');
    if (kv.has('pciid')) iface.pciid = kv.get('pciid');
    const speed = kv.get('speed');
    if (speed) iface.speed = Number.parseInt(speed, 10);
    if (kv.has('flags')) iface.promisc = (Number.parseInt(kv.get('flags')!, 16) & 0x0100) > 0;

    const parse = (lines: string[], isSecondary: boolean) => {
      for (const line of lines) {
        const words = line.trim().split(/\s+/);
        if (words[0] === 'inet') {
          let address = words[1]!;
          let prefix = '32';
          let broadcast = '';
          if (address.includes('/')) {
            [address, prefix] = address.split('/') as [string, string];
            if (words.length > 3 && words[2] === 'brd') broadcast = words[3]!;
          }
          const v4 = ipv4Of(address, prefix, broadcast);
          const label = words[words.length - 1]!;
          if (label !== device) interfaces.set(label, {});
          const target = interfaces.get(label)!;
          if (!isSecondary && !('ipv4' in target)) target.ipv4 = v4;
          else ((target.ipv4_secondaries ??= []) as unknown[]).push({ ...v4 });
          if (isSecondary) {
            const list = (iface.ipv4_secondaries ??= []) as unknown[];
            if (label !== device) list.push({ ...v4 });
          }
          if (defaultV4.address === address) {
            Object.assign(defaultV4, { broadcast, netmask: v4.netmask, network: v4.network, prefix, macaddress, mtu: iface.mtu });
            Object.assign(defaultV4, { type: iface.type ?? 'unknown', alias: label });
          }
          if (!address.startsWith('127.')) all4.push(address);
        } else if (words[0] === 'inet6') {
          const peer = words[2] === 'peer';
          const address = peer ? words[1]! : words[1]!.split('/')[0]!;
          const prefix = peer ? words[3]!.split('/')[1]! : words[1]!.split('/')[1]!;
          const scope = peer ? words[5]! : words[3]!;
          ((iface.ipv6 ??= []) as unknown[]).push({ address, prefix, scope });
          if (defaultV6.address === address) {
            Object.assign(defaultV6, { prefix, scope, macaddress, mtu: iface.mtu, type: iface.type ?? 'unknown' });
          }
          if (address !== '::1') all6.push(address);
        }
      }
    };
    parse(primary.get(device) ?? [], false);
    parse(secondary.get(device) ?? [], true);
  }
  const facts: Facts = {};
  // Labels like eth0:1 become eth0_1 (easier in templates), as in Ansible.
  const names = [...interfaces.keys()].map((n) => n.replaceAll(':', '_'));
  facts.interfaces = names;
  for (const [name, iface] of interfaces) facts[name.replaceAll(':', '_')] = iface;
  Object.assign(facts, { default_ipv4: defaultV4, default_ipv6: defaultV6, all_ipv4_addresses: all4, all_ipv6_addresses: all6 });
  return facts;
}
