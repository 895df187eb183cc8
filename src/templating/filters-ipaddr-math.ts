// ansible.utils' filters that compute with networks: ipmath, ipsubnet, nthhost,
// next/previous_nth_usable, network_in_*, reduce_on_network, cidr_merge, ip4_hex,
// slaac, usable_range. Several are written on top of ipaddr queries, as the collection
// writes them, so their quirks (a /31 seen as one address...) match.
import {
  first, formatAddress, formatNet, maxInt, parseAtonAddress, parseNetaddr, parseStrictNetwork, pyInt, size, width,
  type IPNet,
} from '../net-address/ip.js';
import { parseMac } from '../net-address/mac.js';
import { cidrMerge, spanningCidr } from '../net-address/merge.js';
import { param, type Args } from './args.js';
import { PyException, PyTypeError, TemplateError } from './errors.js';
import { ipaddr, pyClass, pyIntValue, truthy } from './filters-ipaddr-query.js';
import { pyStr, pyStringRepr } from './python-repr.js';
import type { FilterFn, FilterTable } from './registry.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : pyStr(v));

/** An `int` option as Ansible's argument spec converts it (ints, digit strings). */
function intArg(name: string, v: unknown): bigint {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && pyInt(v) !== undefined) return pyInt(v)!;
  throw argError(`argument '${name}' is of type ${pyClass(v)} and we were unable to convert to int: ${pyClass(v)} cannot be converted to an int`);
}
/** The collection raises its argument-spec errors as a list: the message is the list's repr. */
const argError = (msg: string): TemplateError => new TemplateError(`[${pyStringRepr(msg)}]`);

/** The network a value stands for: an address as /32 (/128), a network as given. */
function asNetwork(value: unknown): IPNet | undefined {
  const type = ipaddr(value, 'type');
  const text = type === 'address' ? ipaddr(value, 'cidr') : type === 'network' ? ipaddr(value, 'subnet') : undefined;
  return typeof text === 'string' ? parseNetaddr(text) : undefined;
}

function ipmath(value: unknown, a: Args): string {
  const text = str(value);
  const raw = param<unknown>(a, 0, 'amount');
  const amount = raw === null || raw === undefined ? undefined : intArg('amount', raw);
  const ip = text.includes('/') ? parseNetaddr(text) : parseAtonAddress(text);
  if (!ip) throw new TemplateError(`You must pass a valid IP address; ${text} is invalid`);
  if (amount === undefined) throw new TemplateError('You must pass an integer for arithmetic; None is not a valid integer');
  const result = ip.value + amount;
  if (result < 0n || result > maxInt(ip.version)) throw new PyException('IndexError', 'result outside valid IP address boundary!');
  return formatAddress(result, ip.version);
}

function ipsubnet(value: unknown, a: Args): unknown {
  const text = str(value);
  const query = str(param<unknown>(a, 0, 'query', ''));
  const indexArg = param<unknown>(a, 1, 'index', null);
  const givenIndex = indexArg === null || indexArg === undefined ? undefined : intArg('index', indexArg);
  const n = asNetwork(text);
  if (!n) return false;
  const cidr: IPNet = { ...n, value: first(n) };
  const isAddress = size(cidr) === 1n;
  if (!query) return formatNet(cidr);
  const bits = width(cidr.version);
  if (/^\d+$/.test(query)) {
    const q = Number(query);
    if (q > bits) return false;
    if (givenIndex === undefined) {
      if (isAddress) {
        if (q >= cidr.prefix) throw new PyException('IndexError', 'list index out of range');
        return formatNet(supernet(cidr, q));
      }
      if (q < cidr.prefix) throw new TemplateError(`Requested subnet size of ${q} is invalid`);
      return String(2n ** BigInt(q - cidr.prefix));
    }
    let index = givenIndex;
    if (isAddress) {
      if (index > BigInt(bits + 1) - index || index < BigInt(q - bits)) return false;
      const count = BigInt(cidr.prefix - q);
      if (index < 0n) index += count;
      if (index < 0n || index >= count) throw new PyException('IndexError', 'list index out of range');
      return formatNet(supernet(cidr, q + Number(index)));
    }
    // 2 ** (negative) is a fraction in Python: only index 0 passes its range check.
    if (q < cidr.prefix) return index === 0n ? formatNet({ ...cidr, prefix: q }) : false;
    const subnets = 2n ** BigInt(q - cidr.prefix);
    if (index < 0n) index += subnets;
    if (index < 0n || index >= subnets) return false;
    return formatNet({ version: cidr.version, value: cidr.value + (index << BigInt(bits - q)), prefix: q });
  }
  const outer = asNetwork(query);
  if (!outer) throw new TemplateError(`You must pass a valid subnet or IP address; ${query} is invalid`);
  const shift = BigInt(bits - outer.prefix);
  if (cidr.value >> shift === outer.value >> shift) {
    // A query narrower than the value: Python's 2 ** (negative) is a float, and << refuses it.
    if (cidr.prefix < outer.prefix) throw new PyTypeError("unsupported operand type(s) for <<: 'float' and 'int'");
    const own = BigInt(bits - cidr.prefix);
    const mask = ((1n << BigInt(cidr.prefix - outer.prefix)) - 1n) << own;
    return String(((cidr.value & mask) >> own) + 1n);
  }
  throw new TemplateError(`${formatNet(cidr)} is not in the subnet ${formatNet({ ...outer, value: first(outer) })}`);
}

const supernet = (n: IPNet, prefix: number): IPNet => {
  const s = { ...n, prefix };
  return { ...s, value: first(s) };
};

function nthhost(value: unknown, a: Args): unknown {
  const n = asNetwork(str(value));
  const query = param<unknown>(a, 0, 'query', null);
  if (!n || query === null || query === '' || query === undefined) return false;
  const nth = pyInt(str(query));
  if (nth === undefined) return false;
  if (!(size(n) > nth)) return false;
  const idx = nth < 0n ? size(n) + nth : nth;
  if (idx < 0n) throw new PyException('IndexError', 'index out range for address range size!');
  return formatAddress(first(n) + idx, n.version);
}

function nthUsable(sign: 1n | -1n): FilterFn {
  return (value, a) => {
    const raw = param<unknown>(a, 0, 'offset');
    // The argument spec converts first; the filter then insists on a real int (not a bool).
    const offset = typeof raw === 'boolean' || raw === null || raw === undefined ? undefined : intArg('offset', raw);
    const n = asNetwork(str(value));
    if (!n) return false;
    if (offset === undefined) throw new TemplateError('Must pass in an integer');
    return nthUsableAt(n, sign * offset);
  };
}

function nthUsableAt(n: IPNet, step: bigint): unknown {
  if (size(n) <= 1n) return null;
  const [lo, hi] = size(n) === 2n ? [first(n), first(n) + 1n] : [first(n) + 1n, first(n) + size(n) - 2n];
  const target = n.value + step;
  if (target < 0n || target > maxInt(n.version)) throw new PyException('IndexError', 'result outside valid IP address boundary!');
  return target >= lo && target <= hi ? formatAddress(target, n.version) : null;
}

/** ansible.utils' _address_normalizer: a value's subnet text, or False. */
function normalize(value: unknown): unknown {
  const type = ipaddr(value, 'type');
  return type === 'address' || type === 'network' ? ipaddr(value, 'subnet') : false;
}
/** ipaddr(x, 'int') of the first truthy candidate, as a comparable number (False is 0). */
function intOf(v: unknown, q1: string, q2: string): bigint {
  const pick = ipaddr(v, q1);
  const r = ipaddr(truthy(pick) ? pick : ipaddr(v, q2), 'int');
  return typeof r === 'number' || typeof r === 'bigint' ? BigInt(r) : r === true ? 1n : 0n;
}
function spans(v: unknown, lowQ: string, highQ: string): [bigint, bigint] {
  return [intOf(v, lowQ, 'address'), intOf(v, highQ, 'address')];
}
const inside = ([a, b]: [bigint, bigint], [lo, hi]: [bigint, bigint]): boolean => lo <= a && a <= hi && lo <= b && b <= hi;

function networkIn(outerLow: string, outerHigh: string): FilterFn {
  return (value, a) => {
    const outer = spans(normalize(str(value)), outerLow, outerHigh);
    const test = param<unknown>(a, 0, 'test');
    return inside(spans(normalize(test === undefined || test === null ? test : str(test)), 'network', 'broadcast'), outer);
  };
}

function reduceOnNetwork(value: unknown, a: Args): unknown {
  if (!Array.isArray(value)) throw new TemplateError(`argument 'value' is of type ${pyClass(value)} and we were unable to convert to list`);
  const outer = spans(normalize(str(param<unknown>(a, 0, 'network'))), 'network', 'broadcast');
  return value.filter((e) => inside(spans(normalize(str(e)), 'network', 'broadcast'), outer));
}

function cidrMergeFilter(value: unknown, a: Args): unknown {
  if (!Array.isArray(value)) throw new TemplateError(`argument 'value' is of type ${pyClass(value)} and we were unable to convert to list`);
  const action = str(param<unknown>(a, 0, 'action', 'merge'));
  const parse = (e: unknown): IPNet => {
    const n = parseNetaddr(str(e));
    if (!n) throw new TemplateError(`cidr_merge: error in netaddr:\ninvalid IPNetwork ${str(e)}`);
    return n;
  };
  if (action === 'merge') return cidrMerge(value.map(parse)).map(formatNet);
  if (action === 'span') {
    if (value.length === 0) return null;
    if (value.length === 1) return formatNet(parse(value[0]));
    try {
      return formatNet(spanningCidr(value.map(parse)));
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      throw new TemplateError(`cidr_merge: error in netaddr:\n${(err as Error).message}`);
    }
  }
  throw new TemplateError(`cidr_merge: invalid action '${action}'`);
}

function ip4Hex(value: unknown, a: Args): string {
  const sep = str(param<unknown>(a, 0, 'delimiter', ''));
  const nums = str(value).split('.').map((p) => {
    const n = pyInt(p);
    if (n === undefined) throw new PyException('ValueError', `invalid literal for int() with base 10: '${p}'`);
    return n;
  });
  if (nums.length < 4) throw new PyException('IndexError', `Replacement index ${nums.length} out of range for positional args tuple`);
  const hex = (n: bigint): string => (n < 0n ? '-' + (-n).toString(16).padStart(1, '0') : n.toString(16).padStart(2, '0'));
  return nums.slice(0, 4).map(hex).join(sep);
}

function slaac(value: unknown, a: Args): unknown {
  const n = asNetwork(str(value));
  if (!n || n.version !== 6) return false;
  const query = param<unknown>(a, 0, 'query', null);
  if (query === null || query === undefined || query === '') return false;
  const mac = parseMac(str(query));
  if (mac === undefined) return false;
  // Modified EUI-64: ff:fe in the middle, the universal/local bit flipped.
  const iid = (((mac >> 24n) << 40n) | (0xfffen << 24n) | (mac & 0xffffffn)) ^ (0x02n << 56n);
  const result = first(n) + iid;
  return result > maxInt(6) ? false : formatAddress(result, 6);
}

function usableRange(value: unknown): unknown {
  const text = str(value);
  const n = parseStrictNetwork(text);
  if (!n) {
    const why = parseStrictNetwork(text, false) ? `${text} has host bits set` : `'${text}' does not appear to be an IPv4 or IPv6 network`;
    throw new TemplateError(`Error while using plugin 'usable_range': ${why}`);
  }
  const ips: string[] = [];
  for (let i = 0n; i < size(n); i++) ips.push(formatAddress(n.value + i, n.version));
  return { usable_ips: ips, number_of_ips: pyIntValue(size(n)) };
}

export const ipaddrMathFilters: { shortAndLong: FilterTable; utilsOnly: FilterTable } = {
  shortAndLong: {
    ipmath,
    ipsubnet,
    nthhost,
    next_nth_usable: nthUsable(1n),
    previous_nth_usable: nthUsable(-1n),
    network_in_usable: networkIn('first_usable', 'last_usable'),
    network_in_network: networkIn('network', 'broadcast'),
    reduce_on_network: reduceOnNetwork,
    cidr_merge: cidrMergeFilter,
    slaac,
  },
  utilsOnly: {
    ip4_hex: ip4Hex,
    usable_range: usableRange,
  },
};
