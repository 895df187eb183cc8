// The fact script: one POSIX sh run per host, no Python. It prints sections
// `@@name@@` of raw text (files, command output) for the parsers; only the
// parts the chosen collectors need are included.
import { quote } from '../host/shell.js';
import { DIST_FILES, PKG_MGRS, ROUTE_PROBE, SYSTEMD_CANARIES } from './paths.js';
import type { Collector } from './subsets.js';

const HELPERS = [
  // Ansible's get_bin_path also looks in the sbin directories.
  'has() { (PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"; command -v "$1") >/dev/null 2>&1; }',
  // key=first line of a file when it exists (read is a builtin: no process per file).
  'kv() { [ -e "$2" ] || return 0; v=; read -r v 2>/dev/null <"$2"; printf "%s=%s\\n" "$1" "$v"; }',
  'sec() { printf "\\n@@%s@@\\n" "$1"; }',
];

const PLATFORM = [
  'sec platform',
  'echo "system=$(uname -s)"; echo "kernel=$(uname -r)"; echo "kernel_version=$(uname -v)"; echo "machine=$(uname -m)"',
  'n=$(uname -n); echo "nodename=$n"',
  'echo "long_bit=$(getconf LONG_BIT 2>/dev/null)"',
  'm=; read -r m 2>/dev/null </var/lib/dbus/machine-id; [ -n "$m" ] || read -r m 2>/dev/null </etc/machine-id; echo "machine_id=$m"',
  // socket.getfqdn(): the name's first address, then that address's names.
  'a=$(getent ahosts "$n" 2>/dev/null | awk \'{print $1; exit}\')',
  '[ -n "$a" ] && echo "names=$(getent hosts "$a" 2>/dev/null | head -n 1)"',
];

const DISTRIBUTION = [
  'sec os-release; if [ -s /etc/os-release ]; then cat /etc/os-release; else echo "#usr"; cat /usr/lib/os-release 2>/dev/null; fi',
  'sec debian_version; cat /etc/debian_version 2>/dev/null',
  `for f in ${DIST_FILES.map(quote).join(' ')}; do [ -e "$f" ] && { sec "dist:$f"; head -c 4096 "$f"; }; done`,
];

const PKG_MGR = [
  'sec pkg_mgr',
  `for p in ${PKG_MGRS.map(([p]) => quote(p)).join(' ')}; do [ -e "$p" ] && echo "path=$p"; done`,
  '[ -e /run/ostree-booted ] && echo ostree=1',
  // Ansible asks rpm whether it owns apt-get (ALT Linux's apt-rpm).
  '[ -e /usr/bin/rpm ] && [ -e /usr/bin/apt-get ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo apt_rpm=1',
];

const SERVICE_MGR = [
  'sec service_mgr',
  'kv comm /proc/1/comm',
  '[ -r /proc/1/comm ] || echo "ps=$(ps -p 1 -o comm 2>/dev/null | tail -n 1)"',
  '[ -L /sbin/init ] && echo "init_link=$(readlink /sbin/init)"',
  'has systemctl && echo systemctl=1',
  `for c in ${SYSTEMD_CANARIES.map(quote).join(' ')}; do [ -e "$c" ] && echo canary=1; done`,
  'has initctl && [ -e /etc/init/ ] && echo upstart=1',
  '[ -e /sbin/openrc ] && echo openrc=1',
  '[ -e /etc/init.d/ ] && echo initd=1',
];

const USER = [
  'sec user',
  // getpass.getuser(): the first of these variables that is set, else the uid's name.
  'u=${LOGNAME:-${USER:-${LNAME:-${USERNAME:-}}}}; [ -n "$u" ] || u=$(id -un)',
  'echo "user_id=$u"',
  'echo "pw=$( (getent passwd "$u" || getent passwd "$(id -u)") 2>/dev/null | head -n 1)"',
  'echo "ruid=$(id -ru)"; echo "euid=$(id -u)"; echo "rgid=$(id -rg)"',
];

const HARDWARE = [
  'sec meminfo; cat /proc/meminfo 2>/dev/null',
  // Only the lines Ansible's cpu parser looks at (flags lines are long).
  "sec cpuinfo; grep -E '^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings|# processors|ncpus active)[[:space:]]*:' /proc/cpuinfo 2>/dev/null",
  'sec cpu',
  'x=; read -r x 2>/dev/null </sys/hypervisor/type',
  "if [ -e /proc/xen ] || [ \"$x\" = xen ]; then echo xen=1; grep '^flags' /proc/cpuinfo | grep -qv vme && echo xen_paravirt=1; fi",
  "sed -n 's/^Cpus_allowed_list:[[:space:]]*/cpus_allowed=/p' /proc/self/status 2>/dev/null",
];

const NETWORK = [
  'sec net',
  'has ip && echo has_ip=1',
  `echo "route4=$(ip -4 route get ${ROUTE_PROBE.v4} 2>/dev/null | head -n 1)"`,
  `echo "route6=$(ip -6 route get ${ROUTE_PROBE.v6} 2>/dev/null | head -n 1)"`,
  // /sys/class/net in directory order, as Python's glob lists it.
  'for d in $(ls -f /sys/class/net 2>/dev/null); do p=/sys/class/net/$d; case $d in .*) continue;; esac; [ -d "$p" ] || continue',
  '  echo "dev=$d"; kv address "$p/address"; kv mtu "$p/mtu"; kv operstate "$p/operstate"; kv type "$p/type"',
  '  [ -e "$p/device/driver/module" ] && echo "module=$(basename "$(readlink -f "$p/device/driver/module")")"',
  '  if [ -e "$p/bridge" ]; then echo bridge=1; echo "brif=$(ls -f "$p/brif" 2>/dev/null | grep -v \'^\\.\' | tr \'\\n\' \' \')"; kv bridge_id "$p/bridge/bridge_id"; kv stp_state "$p/bridge/stp_state"; fi',
  '  if [ -e "$p/bonding" ]; then echo bonding=1; kv slaves "$p/bonding/slaves"; kv mode "$p/bonding/mode"; kv miimon "$p/bonding/miimon"; kv lacp_rate "$p/bonding/lacp_rate"; kv primary "$p/bonding/primary"; kv all_slaves_active "$p/bonding/all_slaves_active"; fi',
  '  [ -e "$p/bonding_slave" ] && kv perm_hwaddr "$p/bonding_slave/perm_hwaddr"',
  '  [ -e "$p/device" ] && echo "pciid=$(basename "$(readlink "$p/device")")"',
  '  kv speed "$p/speed"; kv flags "$p/flags"',
  'done',
  // busybox ip lacks "primary": then every address counts as primary.
  'sec addr-primary; ip addr show primary 2>/dev/null || ip addr show 2>/dev/null',
  'sec addr-secondary; ip addr show secondary 2>/dev/null',
];

// env last: its values may hold anything, so it runs to the end of the output, NUL-separated where env -0 works.
const ENV = ['sec env', 'env -0 2>/dev/null || env'];

const PARTS: [Collector, string[]][] = [
  ['platform', PLATFORM], ['distribution', DISTRIBUTION], ['pkg_mgr', PKG_MGR], ['service_mgr', SERVICE_MGR],
  ['user', USER], ['hardware', HARDWARE], ['network', NETWORK], ['env', ENV],
];

/** The shell script that prints what the given collectors parse. */
export function factScript(collectors: ReadonlySet<Collector>): string {
  const lines = [...HELPERS];
  for (const [name, part] of PARTS) if (collectors.has(name)) lines.push(...part);
  lines.push('exit 0');
  return lines.join('\n');
}
