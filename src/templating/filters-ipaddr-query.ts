// The core of ansible.utils' ipaddr filter family: read a value as netaddr would (an
// address, a network, an integer, a numeric CIDR), then answer one query about it.
// A failed check gives False or None, as the collection does; an impossible query raises.
import {
  first, formatAddress, formatNet, hostmask, last, netmask, parseNetaddr, pyInt, reverseDns, size, width,
  within, type IPNet, type Version,
} from '../net-address/ip.js';
import { netaddrIs } from '../net-address/ranges.js';
import { PyTypeError, TemplateError } from './errors.js';
import { PyFloat } from './py-float.js';
import { pyStr } from './python-repr.js';

export type VType = 'address' | 'network';
interface Subject {
  v: IPNet;
  vtype: VType;
  /** What value-returning queries give back: the input, or netaddr's text for numbers. */
  value: unknown;
}
type Query = (s: Subject) => unknown;

const ip = (n: IPNet): string => formatAddress(n.value, n.version);
const addrOf = (value: bigint, n: IPNet): string => formatAddress(value, n.version);
/** netaddr has no broadcast address for /31, /32, /127, /128. */
const broadcast = (n: IPNet): bigint | undefined => (width(n.version) - n.prefix <= 1 ? undefined : last(n));
const isNetworkAddress = (n: IPNet): boolean => n.value === first(n);

/** The first and last usable addresses (both ends of a /31, inside the ends otherwise). */
function usable(n: IPNet): [bigint, bigint] | undefined {
  if (size(n) === 2n) return [first(n), last(n)];
  if (size(n) > 1n) return [first(n) + 1n, last(n) - 1n];
  return undefined;
}

const needNetwork = (s: Subject): void => {
  if (s.vtype === 'address') throw new TemplateError('Not a network address');
};
const maybe = (ok: boolean, s: Subject): unknown => (ok ? s.value : null);

function ipQuery({ v }: Subject): unknown {
  if (size(v) === 1n) return ip(v);
  if (!isNetworkAddress(v) || broadcast(v) === undefined) return ip(v);
  return v.version === 6 ? ip(v) : null;
}

function addressPrefix({ v }: Subject): unknown {
  if (size(v) > 2n && (v.value === first(v) || v.value === broadcast(v))) return false;
  return formatNet(v);
}

function hostQuery({ v }: Subject): unknown {
  if (size(v) === 1n) return formatNet(v);
  return !isNetworkAddress(v) || broadcast(v) === undefined ? formatNet(v) : null;
}

function sixToFour(s: Subject): unknown {
  const { v } = s;
  if (v.version === 4) {
    if (size(v) > 1n && isNetworkAddress(v)) return false;
    const host: IPNet = { version: 4, value: v.value, prefix: 32 };
    if (!(publicAddress(host) || netaddrIs.private(host))) return false;
    const b = [24n, 16n, 8n, 0n].map((sh) => ((v.value >> sh) & 0xffn).toString(16).padStart(2, '0'));
    return `2002:${b[0]}${b[1]}:${b[2]}${b[3]}::1/48`;
  }
  const in2002 = (n: IPNet): boolean => within(n, parseNetaddr('2002::/16')!);
  if (s.vtype === 'address') return in2002(v) ? s.value : false;
  return !isNetworkAddress(v) && in2002({ ...v, prefix: 128 }) ? s.value : false;
}

/** netaddr: unicast, not private, not loopback, and not shaped like a net- or hostmask. */
function publicAddress(a: IPNet): boolean {
  const max = (1n << BigInt(width(a.version))) - 1n;
  const pow2 = (x: bigint): boolean => (x & (x - 1n)) === 0n;
  return !netaddrIs.multicast(a) && !netaddrIs.private(a) && !netaddrIs.loopback(a) &&
    !pow2((a.value ^ max) + 1n) && !pow2(a.value + 1n);
}
const hostOf = (v: IPNet): IPNet => ({ ...v, prefix: width(v.version) });

function toIPv4(s: Subject): unknown {
  const { v } = s;
  if (v.version === 4) return s.value;
  let value: bigint;
  if (v.value <= 0xffffffffn) value = v.value;
  else if (v.value <= 0xffffffffffffn && v.value >= 0xffff00000000n) value = v.value - 0xffff00000000n;
  else return false;
  if (v.prefix - 96 < 0) return false;
  return formatNet({ version: 4, value, prefix: v.prefix - 96 });
}

function peer(s: Subject): unknown {
  needNetwork(s);
  const { v } = s;
  if (size(v) === 2n) return addrOf(v.value ^ 1n, v);
  if (size(v) === 4n) {
    if (v.value % 4n === 0n) throw new TemplateError('Network address of /30 has no peer');
    if (v.value % 4n === 3n) throw new TemplateError('Broadcast address of /30 has no peer');
    return addrOf(v.value ^ 3n, v);
  }
  throw new TemplateError('Not a point-to-point network');
}

function neighbour(step: bigint): Query {
  return (s) => {
    needNetwork(s);
    const range = usable(s.v);
    if (!range) return null;
    const n = s.v.value + step;
    return n >= range[0] && n <= range[1] ? addrOf(n, s.v) : null;
  };
}

const QUERIES: Record<string, Query> = {
  '': (s) => (s.vtype === 'address' ? ip(s.v) : formatNet(s.v)),
  '6to4': sixToFour,
  address: ipQuery,
  ip: ipQuery,
  'address/prefix': addressPrefix,
  gateway: addressPrefix,
  gw: addressPrefix,
  'host/prefix': addressPrefix,
  hostnet: addressPrefix,
  router: addressPrefix,
  bool: () => true,
  broadcast: ({ v }) => (size(v) > 2n ? addrOf(broadcast(v)!, v) : null),
  cidr: ({ v }) => formatNet(v),
  first_usable: (s) => {
    needNetwork(s);
    const range = usable(s.v);
    return range ? addrOf(range[0], s.v) : null;
  },
  last_usable: (s) => {
    needNetwork(s);
    const range = usable(s.v);
    return range ? addrOf(range[1], s.v) : null;
  },
  range_usable: (s) => {
    needNetwork(s);
    const range = usable(s.v);
    return range ? `${addrOf(range[0], s.v)}-${addrOf(range[1], s.v)}` : null;
  },
  next_usable: neighbour(1n),
  previous_usable: neighbour(-1n),
  host: hostQuery,
  hostmask: ({ v }) => addrOf(hostmask(v), v),
  wildcard: ({ v }) => addrOf(hostmask(v), v),
  int: ({ v, vtype }) => (vtype === 'address' ? pyIntValue(v.value) : `${v.value}/${v.prefix}`),
  'ip/prefix': ({ v }) => (size(v) === 2n || (size(v) > 1n && !isNetworkAddress(v)) ? formatNet(v) : null),
  ip_netmask: ({ v }) =>
    size(v) === 2n || (size(v) > 1n && !isNetworkAddress(v)) ? `${ip(v)} ${addrOf(netmask(v), v)}` : null,
  ipv4: toIPv4,
  v4: toIPv4,
  ipv6: (s) => (s.v.version === 6 ? s.value : formatNet({ version: 6, value: 0xffff00000000n + s.v.value, prefix: s.v.prefix + 96 })),
  v6: (s) => QUERIES.ipv6(s),
  'link-local': (s) => maybe(netaddrIs.linkLocal(hostOf(s.v)), s),
  lo: (s) => maybe(netaddrIs.loopback(hostOf(s.v)), s),
  loopback: (s) => maybe(netaddrIs.loopback(hostOf(s.v)), s),
  multicast: (s) => maybe(netaddrIs.multicast(s.v), s),
  unicast: (s) => maybe(!netaddrIs.multicast(s.v), s),
  private: (s) => maybe(netaddrIs.private(s.v), s),
  public: (s) => maybe(publicAddress(hostOf(s.v)), s),
  net: ({ v }) => (size(v) > 1n && isNetworkAddress(v) ? formatNet({ ...v, value: first(v) }) : null),
  netmask: ({ v }) => addrOf(netmask(v), v),
  network: ({ v }) => addrOf(first(v), v),
  network_id: ({ v }) => addrOf(first(v), v),
  'network/prefix': ({ v }) => formatNet({ ...v, value: first(v) }),
  subnet: ({ v }) => formatNet({ ...v, value: first(v) }),
  network_netmask: ({ v }) => `${addrOf(first(v), v)} ${addrOf(netmask(v), v)}`,
  network_wildcard: ({ v }) => `${addrOf(first(v), v)} ${addrOf(hostmask(v), v)}`,
  peer,
  prefix: ({ v }) => v.prefix,
  revdns: ({ v }) => reverseDns(v.value, v.version),
  size: ({ v }) => pyIntValue(size(v)),
  size_usable: ({ v }) => pyIntValue(size(v) === 1n ? 0n : size(v) === 2n ? 2n : size(v) - 2n),
  type: ({ v }) => (size(v) === 1n || !isNetworkAddress(v) ? 'address' : 'network'),
  version: ({ v }) => v.version,
  wrap: (s) => (s.v.version === 6 ? (s.vtype === 'address' ? `[${ip(s.v)}]` : `[${ip(s.v)}]/${s.v.prefix}`) : s.value),
};

/** An int as the templating layer keeps it: a number while exact, else a bigint. */
export const pyIntValue = (b: bigint): number | bigint => (b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b);

const isDigits = (s: string): boolean => /^\d+$/.test(s);

/** An integer as netaddr places it: IPv4 if it fits, else IPv6 (or the asked version). */
function fromInt(n: bigint, version: Version | 0, prefix?: number): IPNet | undefined {
  const fits = (ver: Version): boolean =>
    n >= 0n && n < 1n << BigInt(width(ver)) && (prefix === undefined || (prefix >= 0 && prefix <= width(ver)));
  const order: Version[] = version === 6 ? [6] : [4, 6];
  for (const ver of order) if (fits(ver)) return { version: ver, value: n, prefix: prefix ?? width(ver) };
  return undefined;
}

/** Read a value the way ansible.utils' ipaddr does; undefined when it is not an address. */
export function readSubject(value: unknown, version: Version | 0 = 0): Subject | undefined {
  if (!value || value === true) return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
  if (text === undefined) return undefined;
  if (isDigits(text)) {
    const v = fromInt(BigInt(text), version);
    return v && { v, vtype: 'address', value: formatNet(v) };
  }
  if (typeof value !== 'string') return undefined;
  const v = parseNetaddr(value);
  if (v) return { v, vtype: value.split('/').length === 2 ? 'network' : 'address', value };
  const parts = value.split('/');
  if (parts.length !== 2) return undefined;
  const [a, p] = parts.map(pyInt);
  if (a === undefined || p === undefined || p < 0n || p > 128n) return undefined;
  const n = fromInt(a, 0, Number(p));
  return n && { v: n, vtype: 'network', value: formatNet(n) };
}

/** ansible.utils' ipaddr(value, query, version): lists are filtered element by element. */
export function ipaddr(value: unknown, query: unknown = '', version: Version | 0 = 0, alias: string | null = 'ipaddr'): unknown {
  const q = typeof query === 'string' ? query : pyStr(query);
  if (Array.isArray(value)) return value.map((e) => ipaddr(e, q, version)).filter(truthy);
  const s = readSubject(value, version);
  if (!s) return false;
  let lookup: IPNet | undefined;
  if (q && !(q in QUERIES) && !isDigits(q) && ipaddr(q, 'network')) lookup = parseNetaddr(q);
  if (version && s.v.version !== version) return false;
  if (lookup) return within(s.v, lookup) ? s.value : null;
  if (Object.hasOwn(QUERIES, q)) return QUERIES[q](s);
  const f = pyFloat(q);
  if (f === undefined) {
    if (alias === null) throw new PyTypeError("unsupported operand type(s) for +: 'NoneType' and 'str'");
    throw new TemplateError(`${alias}: unknown filter type: ${q}`);
  }
  if (size(s.v) === 1n) return s.vtype === 'address' ? ip(s.v) : formatNet(s.v);
  const i = pyInt(q);
  if (i === undefined) return false;
  const idx = i < 0n ? size(s.v) + i : i;
  if (idx < 0n || idx >= size(s.v)) return false;
  return formatNet({ ...s.v, value: first(s.v) + idx });
}

/** Python's float(str) accepts these; only whether it parses matters here. */
function pyFloat(s: string): number | undefined {
  const t = s.trim().replace(/(?<=\d)_(?=\d)/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) || /^[+-]?(inf|infinity|nan)$/i.test(t)) return 1;
  return undefined;
}

/** Python truthiness of what the queries return (strings, ints, bools, None). */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** The class name Python's type() shows for a templating value. */
export function pyClass(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return "<class 'int'>";
  if (typeof v === 'number' || v instanceof PyFloat) return "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  return "<class 'dict'>";
}
