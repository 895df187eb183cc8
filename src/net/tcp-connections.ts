// Counting a host's TCP connections on a local port from /proc/net/tcp{,6}, as
// wait_for's state=drained does on Linux: connections whose local address is
// one of the awaited host's addresses (0.0.0.0 / :: stand for all of them),
// in one of the active states, not coming from an excluded host. Names are
// resolved on the host (getent ahosts, its getaddrinfo) before the wait starts;
// the count is one awk over the kernel's tables per poll.
import { quote } from '../host/shell.js';

/** The kernel's state numbers (/proc/net/tcp `st`) of the states Ansible accepts. */
export const CONNECTION_STATES: Record<string, string> = {
  ESTABLISHED: '01',
  SYN_SENT: '02',
  SYN_RECV: '03',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  TIME_WAIT: '06',
};

/**
 * Addresses in the tables' notation: hex, each 32-bit word byte-swapped
 * (little-endian hosts). An IPv4 address also stands for its IPv4-mapped IPv6
 * form, as Ansible's _convert_host_to_ip adds it.
 */
const COUNT_AWK = `
function pad(g) { return substr("0000" g, length(g) + 1) }
function hex4(a,  p) { split(a, p, "."); return sprintf("%02X%02X%02X%02X", p[4], p[3], p[2], p[1]) }
function hex6(a,  i, n, q, p, h, t, nh, nt, hs, ts, full, k, w, out) {
  if (index(a, ".")) {
    n = split(a, q, ":"); split(q[n], p, ".")
    a = substr(a, 1, length(a) - length(q[n])) sprintf("%x:%x", p[1] * 256 + p[2], p[3] * 256 + p[4])
  }
  i = index(a, "::")
  if (i) { h = substr(a, 1, i - 1); t = substr(a, i + 2) } else { h = a; t = "" }
  nh = h == "" ? 0 : split(h, hs, ":"); nt = t == "" ? 0 : split(t, ts, ":")
  full = ""
  for (k = 1; k <= nh; k++) full = full pad(hs[k])
  for (k = 1; k <= 8 - nh - nt; k++) full = full "0000"
  for (k = 1; k <= nt; k++) full = full pad(ts[k])
  out = ""
  for (k = 0; k < 4; k++) { w = substr(full, k * 8 + 1, 8); out = out substr(w, 7, 2) substr(w, 5, 2) substr(w, 3, 2) substr(w, 1, 2) }
  return toupper(out)
}
function add(ip, set) {
  if (ip == "") return
  if (index(ip, ":")) set["6," hex6(ip)] = 1
  else { set["4," hex4(ip)] = 1; set["6," hex6("::ffff:" ip)] = 1 }
}
BEGIN {
  n = split(ips, a, " "); for (i = 1; i <= n; i++) add(a[i], want)
  n = split(excl, a, " "); for (i = 1; i <= n; i++) add(a[i], skip)
  n = split(states, a, " "); for (i = 1; i <= n; i++) st[a[i]] = 1
  any["4"] = "00000000"; any["6"] = "00000000000000000000000000000000"
  c = 0
}
$2 == "local_address" { next }
{
  fam = FILENAME ~ /6$/ ? "6" : "4"
  if (!($4 in st)) next
  split($2, l, ":"); if (l[2] != port) next
  split($3, r, ":"); if ((fam "," r[1]) in skip) next
  if ((fam "," l[1]) in want || (fam "," any[fam]) in want) c++
  else if (substr(l[1], 1, 24) == "0000000000000000FFFF0000" && ("6,0000000000000000FFFF000000000000" in want)) c++
}
END { print c }
`;

/**
 * Shell that resolves `host` and `excludeHosts` into $tcp_ips and $tcp_excl,
 * or prints `unresolved=NAME` and exits 4.
 */
export function resolveScript(host: string, excludeHosts: readonly string[]): string {
  const resolve = (name: string, into: string): string =>
    `r=$(getent ahosts ${quote(name)} | awk '$2 == "STREAM" { printf "%s ", $1 }'); ` +
    `[ -n "$r" ] || { echo unresolved=${quote(name)}; exit 4; }; ${into}="$${into} $r"`;
  return ['tcp_ips=; tcp_excl=', resolve(host, 'tcp_ips'), ...excludeHosts.map((h) => resolve(h, 'tcp_excl'))].join('\n');
}

/** A shell test that holds when no active connection is left on `port` (after resolveScript). */
export function drainedTest(port: number, states: readonly string[]): string {
  const ids = states.map((s) => CONNECTION_STATES[s]!).join(' ');
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const tables = 'for f in /proc/net/tcp /proc/net/tcp6; do [ -f "$f" ] && printf "%s\\n" "$f"; done';
  return `[ "$(awk -v port=${quote(portHex)} -v states=${quote(ids)} -v ips="$tcp_ips" -v excl="$tcp_excl" ${quote(COUNT_AWK)} $(${tables}) /dev/null)" = 0 ]`;
}
