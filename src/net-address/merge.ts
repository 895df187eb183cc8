// Summarising lists of networks: the fewest CIDR blocks covering exactly the same
// addresses (netaddr's cidr_merge), and the one block spanning them all (spanning_cidr).
import { first, last, width, type IPNet, type Version } from './ip.js';

/** The CIDR blocks that cover lo..hi exactly, lowest first. */
export function rangeToCidrs(lo: bigint, hi: bigint, version: Version): IPNet[] {
  const w = width(version);
  const out: IPNet[] = [];
  while (lo <= hi) {
    let bits = 0;
    while (bits < w && (lo & ((1n << BigInt(bits + 1)) - 1n)) === 0n && lo + (1n << BigInt(bits + 1)) - 1n <= hi) bits++;
    out.push({ version, value: lo, prefix: w - bits });
    lo += 1n << BigInt(bits);
  }
  return out;
}

/** netaddr.cidr_merge: IPv4 blocks first, then IPv6, each ascending. */
export function cidrMerge(nets: IPNet[]): IPNet[] {
  const out: IPNet[] = [];
  for (const version of [4, 6] as const) {
    const spans = nets
      .filter((n) => n.version === version)
      .map((n) => [first(n), last(n)] as [bigint, bigint])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [bigint, bigint][] = [];
    for (const [lo, hi] of spans) {
      const top = merged[merged.length - 1];
      if (top && lo <= top[1] + 1n) top[1] = hi > top[1] ? hi : top[1];
      else merged.push([lo, hi]);
    }
    for (const [lo, hi] of merged) out.push(...rangeToCidrs(lo, hi, version));
  }
  return out;
}

const sortKey = (n: IPNet): [number, bigint, number, bigint] => [n.version, first(n), n.prefix - 1, n.value - first(n)];
function less(a: IPNet, b: IPNet): boolean {
  const [x, y] = [sortKey(a), sortKey(b)];
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/** netaddr.spanning_cidr (two or more networks of one version). */
export function spanningCidr(nets: IPNet[]): IPNet {
  if (nets.length < 2) throw new Error('IP sequence must contain at least 2 elements!');
  let [min, max] = less(nets[0], nets[1]) ? [nets[0], nets[1]] : [nets[1], nets[0]];
  for (const n of nets.slice(2)) {
    if (less(n, min)) min = n;
    if (less(max, n)) max = n;
  }
  if (min.version !== max.version) throw new Error('IP sequence cannot contain both IPv4 and IPv6!');
  const w = width(max.version);
  let ipnum = last(max);
  let prefix = max.prefix;
  while (prefix > 0 && ipnum > first(min)) {
    prefix--;
    ipnum &= -(1n << BigInt(w - prefix));
  }
  return { version: min.version, value: ipnum, prefix };
}
