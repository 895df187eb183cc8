// Special address blocks. Two tables, because the ipaddr filters classify with
// python-netaddr 0.8's lists and the ansible.utils tests with Python's ipaddress module.
import { first, last, net, type IPNet } from './ip.js';

type Block = IPNet | [lo: IPNet, hi: IPNet];
const inBlock = (n: IPNet, b: Block): boolean => {
  const [lo, hi] = Array.isArray(b) ? [first(b[0]), first(b[1])] : [first(b), last(b)];
  const v = Array.isArray(b) ? b[0].version : b.version;
  return n.version === v && first(n) >= lo && last(n) <= hi;
};
const inAny = (n: IPNet, blocks: Block[]): boolean => blocks.some((b) => inBlock(n, b));

// netaddr 0.8 (netaddr/ip/__init__.py).
const NETADDR_PRIVATE: Block[] = [
  ...['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15'].map(net),
  [net('239.0.0.0'), net('239.255.255.255')],
  ...['fc00::/7', 'fec0::/10'].map(net),
];
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10'].map(net);
const MULTICAST = ['224.0.0.0/4', 'ff00::/8'].map(net);

/** netaddr: the whole of `n` in one of its lists (a network is tested as a block). */
export const netaddrIs = {
  private: (n: IPNet): boolean => inAny(n, NETADDR_PRIVATE) || inAny(n, LINK_LOCAL),
  linkLocal: (n: IPNet): boolean => inAny(n, LINK_LOCAL),
  multicast: (n: IPNet): boolean => inAny(n, MULTICAST),
  loopback: (n: IPNet): boolean => (n.version === 4 ? inBlock(n, net('127.0.0.0/8')) : n.value === 1n && n.prefix === 128),
};

// Python 3.11's ipaddress (Debian's, with the 2024 special-registry lists).
const PY_PRIVATE4 = ['0.0.0.0/8', '10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.0.170/31', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24',
  '240.0.0.0/4', '255.255.255.255/32'].map(net);
const PY_PRIVATE4_EXCEPT = ['192.0.0.9/32', '192.0.0.10/32'].map(net);
const PY_PRIVATE6 = ['::1/128', '::/128', '::ffff:0:0/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32',
  '2002::/16', 'fc00::/7', 'fe80::/10'].map(net);
const PY_PRIVATE6_EXCEPT = ['2001:1::1/128', '2001:1::2/128', '2001:3::/32', '2001:4:112::/48', '2001:20::/28',
  '2001:30::/28'].map(net);
const PY_RESERVED6 = ['::/8', '100::/8', '200::/7', '400::/6', '800::/5', '1000::/4', '4000::/3', '6000::/3',
  '8000::/3', 'a000::/3', 'c000::/3', 'e000::/4', 'f000::/5', 'f800::/6', 'fe00::/9'].map(net);

const mapped4 = (n: IPNet): IPNet | undefined =>
  n.version === 6 && n.value >> 32n === 0xffffn ? { version: 4, value: n.value & 0xffffffffn, prefix: 32 } : undefined;

function pyPrivate(a: IPNet): boolean {
  const m = mapped4(a);
  if (m) return pyPrivate(m);
  return a.version === 4
    ? inAny(a, PY_PRIVATE4) && !inAny(a, PY_PRIVATE4_EXCEPT)
    : inAny(a, PY_PRIVATE6) && !inAny(a, PY_PRIVATE6_EXCEPT);
}

/** Python ipaddress properties of one address (prefix = full width). */
export const pythonIs = {
  private: pyPrivate,
  global: (a: IPNet): boolean => {
    const m = mapped4(a);
    if (m) return !inBlock(m, net('100.64.0.0/10')) && !pyPrivate(m);
    return a.version === 4 ? !inBlock(a, net('100.64.0.0/10')) && !pyPrivate(a) : !pyPrivate(a);
  },
  reserved: (a: IPNet): boolean => (a.version === 4 ? inBlock(a, net('240.0.0.0/4')) : inAny(a, PY_RESERVED6)),
  multicast: (a: IPNet): boolean => inAny(a, MULTICAST),
  loopback: (a: IPNet): boolean => (a.version === 4 ? inBlock(a, net('127.0.0.0/8')) : a.value === 1n),
  unspecified: (a: IPNet): boolean => a.value === 0n,
  ipv4Mapped: (a: IPNet): boolean => mapped4(a) !== undefined,
  sixToFour: (a: IPNet): boolean => a.version === 6 && a.value >> 112n === 0x2002n,
  teredo: (a: IPNet): boolean => a.version === 6 && a.value >> 96n === 0x20010000n,
};
