// ansible.utils' address tests (`x is ansible.utils.ipv4_address`...). The collection
// writes them with Python's ipaddress module (strict: 10.0.0.1/24 is no network), and
// Ansible 2.14 knows them only by their full names.
import { first, last, parseStrictAddress, parseStrictNetwork, pton4, type IPNet } from '../net-address/ip.js';
import { pythonIs } from '../net-address/ranges.js';
import { param, type Args } from './args.js';
import { TemplateError } from './errors.js';
import { pyStr } from './python-repr.js';
import type { TestFn } from './registry.js';

/** A `str` option: Ansible's argument spec turns anything into its text ("['10.0.0.1']"). */
function strArg(v: unknown): string {
  return typeof v === 'string' ? v : pyStr(v);
}

const address = (text: string): IPNet | undefined => {
  const a = parseStrictAddress(text);
  return a && { ...a, prefix: a.version === 4 ? 32 : 128 };
};

function onAddress(check: (a: IPNet) => boolean): TestFn {
  return (v) => {
    const a = address(strArg(v));
    return a !== undefined && check(a);
  };
}

function onNetwork(check: (n: IPNet) => boolean): TestFn {
  return (v) => {
    const n = parseStrictNetwork(strArg(v));
    return n !== undefined && check(n);
  };
}

/** Python's subnet_of: same version, a's range inside b's. */
function subnetOf(a: string, b: string): boolean {
  const [x, y] = [parseStrictNetwork(a), parseStrictNetwork(b)];
  return !!x && !!y && x.version === y.version && first(y) <= first(x) && last(y) >= last(x);
}

/** A mask test: 10.0.0.0/MASK must be a network whose netmask (hostmask) is spelled MASK. */
function maskTest(field: 'netmask' | 'hostmask'): TestFn {
  return (v) => {
    const mask = strArg(v);
    const n = parseStrictNetwork(`10.0.0.0/${mask}`);
    if (!n || n.version !== 4) return false;
    const host = (1n << BigInt(32 - n.prefix)) - 1n;
    const want = field === 'netmask' ? 0xffffffffn ^ host : host;
    return pton4(mask) === want;
  };
}

function networks(a: Args): string[] {
  const list = param<unknown>(a, 0, 'networks');
  if (!Array.isArray(list)) throw new TemplateError(`argument 'networks' is of type ${list === null || list === undefined ? "<class 'NoneType'>" : "<class 'str'>"} and we were unable to convert to list`);
  return list.map((n) => strArg(n));
}

const MAC = /^(([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$|[0-9a-f]{12}$)/i;

const table: Record<string, TestFn> = {
  ip: onNetwork(() => true),
  ipv4: onNetwork((n) => n.version === 4),
  ipv6: onNetwork((n) => n.version === 6),
  ip_address: onAddress(() => true),
  ipv4_address: onAddress((a) => a.version === 4),
  ipv6_address: onAddress((a) => a.version === 6),
  ipv4_netmask: maskTest('netmask'),
  ipv4_hostmask: maskTest('hostmask'),
  ipv6_ipv4_mapped: onAddress(pythonIs.ipv4Mapped),
  ipv6_sixtofour: onAddress(pythonIs.sixToFour),
  ipv6_teredo: onAddress(pythonIs.teredo),
  loopback: onAddress(pythonIs.loopback),
  multicast: onAddress(pythonIs.multicast),
  private: onAddress(pythonIs.private),
  public: onAddress(pythonIs.global),
  reserved: onAddress(pythonIs.reserved),
  unspecified: onAddress(pythonIs.unspecified),
  in_network: (v, a) => subnetOf(strArg(v), strArg(param(a, 0, 'network'))),
  in_any_network: (v, a) => {
    const ip = strArg(v);
    return networks(a).some((n) => subnetOf(ip, n));
  },
  in_one_network: (v, a) => {
    const ip = strArg(v);
    return networks(a).filter((n) => subnetOf(ip, n)).length === 1;
  },
  subnet_of: (v, a) => subnetOf(strArg(v), strArg(param(a, 0, 'network_b'))),
  supernet_of: (v, a) => subnetOf(strArg(param(a, 0, 'network_b')), strArg(v)),
  mac: (v) => MAC.test(strArg(v)),
};

export const ipaddrTests: Record<string, TestFn> = Object.fromEntries(
  Object.entries(table).map(([k, f]) => [`ansible.utils.${k}`, f]),
);
