// IPv4/IPv6 addresses and networks as BigInt values: parsing as the C library's
// inet_pton does (what python-netaddr and Python's ipaddress build on), printing as
// inet_ntop does, and the arithmetic of a network (mask, first, last, size).

export type Version = 4 | 6;

/** An address with a prefix; `value` keeps host bits (192.0.2.5/24), as netaddr's IPNetwork. */
export interface IPNet {
  version: Version;
  value: bigint;
  prefix: number;
}

export const width = (v: Version): number => (v === 4 ? 32 : 128);
export const maxInt = (v: Version): bigint => (1n << BigInt(width(v))) - 1n;

export const hostmask = (n: IPNet): bigint => (1n << BigInt(width(n.version) - n.prefix)) - 1n;
export const netmask = (n: IPNet): bigint => maxInt(n.version) ^ hostmask(n);
export const first = (n: IPNet): bigint => n.value & netmask(n);
export const last = (n: IPNet): bigint => first(n) | hostmask(n);
export const size = (n: IPNet): bigint => 1n << BigInt(width(n.version) - n.prefix);

/** inet_pton(AF_INET): exactly four decimal octets, no leading zeros. */
export function pton4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

/** inet_pton(AF_INET6): hex groups, one `::`, an optional dotted IPv4 tail. */
export function pton6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return undefined;
  const split = (t: string): string[] | undefined => (t === '' ? [] : t.split(':'));
  const head = dbl === -1 ? split(s) : split(s.slice(0, dbl));
  const tail = dbl === -1 ? [] : split(s.slice(dbl + 2));
  if (!head || !tail) return undefined;
  const words = (groups: string[], lastPart: boolean): number[] | undefined => {
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (g.includes('.')) {
        if (!lastPart || i !== groups.length - 1) return undefined;
        const v4 = pton4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const h = words(head, dbl === -1 || tail.length === 0);
  const t = words(tail, true);
  if (!h || !t) return undefined;
  const all = dbl === -1 ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (dbl === -1 ? h.length !== 8 : h.length + t.length > 7) return undefined;
  return all.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

/** inet_ntop: dotted quad; IPv6 with the longest run (2+) of zero words as `::`. */
export function formatAddress(value: bigint, version: Version): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const w = [...Array(8).keys()].map((i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { at: -1, len: 0 };
  // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped) keep the dotted tail.
  if (best.at === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
    return (best.len === 5 ? '::ffff:' : '::') + formatAddress(value & 0xffffffffn, 4);
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (best.at === -1) return hex(w);
  return `${hex(w.slice(0, best.at))}::${hex(w.slice(best.at + best.len))}`;
}

export const formatNet = (n: IPNet): string => `${formatAddress(n.value, n.version)}/${n.prefix}`;

/** Python's int(str): optional sign and blanks, digits with single underscores between. */
export function pyInt(s: string): bigint | undefined {
  const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[2].replace(/_/g, ''));
  return m[1] === '-' ? -v : v;
}

/** A mask's prefix length when it is a netmask (255.255.255.0) or a hostmask (0.0.0.255). */
export function maskPrefix(mask: bigint, version: Version): number | undefined {
  const max = maxInt(version);
  const isPow2 = (x: bigint): boolean => (x & (x - 1n)) === 0n;
  const bits = (x: bigint): number => x.toString(2).length - 1;
  if (isPow2((mask ^ max) + 1n)) return width(version) - bits((mask ^ max) + 1n);
  if (isPow2(mask + 1n)) return width(version) - bits(mask + 1n);
  return undefined;
}

/** netaddr's IPNetwork(string): an address (IPv4 may be partial: 10.1), then /prefix, /netmask or /hostmask. */
export function parseNetaddr(text: string): IPNet | undefined {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const suffix = slash === -1 ? undefined : text.slice(slash + 1);
  for (const version of [4, 6] as const) {
    const value = version === 4 ? (pton4(addr) ?? expandPartial4(addr)) : pton6(addr);
    if (value === undefined) continue;
    if (suffix === undefined) return { version, value, prefix: width(version) };
    const n = pyInt(suffix);
    if (n !== undefined) {
      if (n < 0n || n > BigInt(width(version))) continue;
      return { version, value, prefix: Number(n) };
    }
    const mask = version === 4 ? pton4(suffix) : pton6(suffix);
    const prefix = mask === undefined ? undefined : maskPrefix(mask, version);
    if (prefix !== undefined) return { version, value, prefix };
  }
  return undefined;
}

/** netaddr reads `10.1` as 10.1.0.0: each part an int, missing octets zero. */
function expandPartial4(s: string): bigint | undefined {
  if (s.includes(':')) return undefined;
  const parts = s.split('.').map(pyInt);
  if (parts.length > 4 || parts.some((p) => p === undefined)) return undefined;
  while (parts.length < 4) parts.push(0n);
  return pton4(parts.map(String).join('.'));
}

/** netaddr's IPAddress(str): IPv4 read as inet_aton does (10.1 is 10.0.0.1, 010 is octal), or IPv6. */
export function parseAtonAddress(text: string): IPNet | undefined {
  const v6 = pton6(text);
  if (v6 !== undefined) return { version: 6, value: v6, prefix: 128 };
  const core = text.split(/[ \t\n\v\f\r]/)[0];
  const parts = core.split('.');
  if (parts.length > 4 || core === '') return undefined;
  const nums: bigint[] = [];
  for (const p of parts) {
    const m = /^(0x[0-9a-f]*|0[0-7]*|[1-9]\d*)$/i.exec(p);
    if (!m) return undefined;
    nums.push(/^0x/i.test(p) ? BigInt(p.length > 2 ? p : '0') : p.length > 1 && p[0] === '0' ? BigInt('0o' + p.slice(1)) : BigInt(p));
  }
  let value = 0n;
  for (let i = 0; i < nums.length - 1; i++) {
    if (nums[i] > 255n) return undefined;
    value |= nums[i] << BigInt(24 - 8 * i);
  }
  const rest = nums[nums.length - 1];
  if (rest >= 1n << BigInt(32 - 8 * (nums.length - 1))) return undefined;
  return { version: 4, value: value | rest, prefix: 32 };
}

/** Python's ipaddress.ip_address(str): strict forms only; IPv6 may carry a %scope. */
export function parseStrictAddress(text: string): { version: Version; value: bigint } | undefined {
  const v4 = pton4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const pct = text.indexOf('%');
  const core = pct === -1 ? text : text.slice(0, pct);
  if (pct !== -1 && (pct === text.length - 1 || text.slice(pct + 1).includes('%'))) return undefined;
  const v6 = pton6(core);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** Python's ipaddress.ip_network(str); strict (the default) refuses host bits. */
export function parseStrictNetwork(text: string, strict = true): IPNet | undefined {
  const parts = text.split('/');
  if (parts.length > 2) return undefined;
  const a = parseStrictAddress(parts[0]);
  if (!a) return undefined;
  let prefix = width(a.version);
  if (parts.length === 2) {
    const p = parts[1];
    if (/^\d+$/.test(p)) prefix = Number(p);
    else if (a.version === 4 && pton4(p) !== undefined) {
      const m = maskPrefix(pton4(p)!, 4);
      if (m === undefined) return undefined;
      prefix = m;
    } else return undefined;
    if (prefix > width(a.version)) return undefined;
  }
  const n: IPNet = { ...a, prefix };
  return !strict || (n.value & hostmask(n)) === 0n ? n : undefined;
}

/** Is `inner` (as a CIDR block) inside `outer`? Different versions never are. */
export function within(inner: IPNet, outer: IPNet): boolean {
  return inner.version === outer.version && first(inner) >= first(outer) && last(inner) <= last(outer);
}

/** A network written as text, for constants. */
export function net(text: string): IPNet {
  const n = parseNetaddr(text);
  if (!n) throw new Error(`bad network constant ${text}`);
  return n;
}

export function reverseDns(value: bigint, version: Version): string {
  if (version === 4) return `${formatAddress(value, 4).split('.').reverse().join('.')}.in-addr.arpa.`;
  return `${value.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa.`;
}
