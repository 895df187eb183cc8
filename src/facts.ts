// Fact gathering: one round trip per host reading what plays most often need.
// (The full fact set arrives with the system-modules work.)
import type { Connection } from './connection/connection.js';

const SCRIPT = [
  'echo "hostname=$(hostname -s 2>/dev/null || uname -n)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || uname -n)"',
  'echo "kernel=$(uname -r)"',
  'echo "machine=$(uname -m)"',
  'echo "system=$(uname -s)"',
  'echo "user_id=$(id -un)"',
  'echo "user_uid=$(id -u)"',
  'echo "user_gid=$(id -g)"',
  'echo "user_dir=$HOME"',
  'echo "cpus=$(nproc 2>/dev/null)"',
  "[ -r /etc/os-release ] && sed -n 's/^\\(ID\\|VERSION_ID\\|ID_LIKE\\|VERSION_CODENAME\\)=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}$/os_\\1=\\2/p' /etc/os-release",
  '[ -r /proc/meminfo ] && awk \'/^MemTotal:/ {print "memtotal_kb=" $2}\' /proc/meminfo',
  '[ -r /etc/debian_version ] && echo "debian_version=$(cat /etc/debian_version)"',
  'echo "@@env@@"; env',
].join('; ');

const FAMILY: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', centos: 'RedHat', rhel: 'RedHat', fedora: 'RedHat', rocky: 'RedHat',
  almalinux: 'RedHat', alpine: 'Alpine', arch: 'Archlinux', opensuse: 'Suse', sles: 'Suse',
};

const DISTRIBUTION: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky',
  almalinux: 'AlmaLinux', alpine: 'Alpine', arch: 'Archlinux',
};

export async function gatherFacts(conn: Connection): Promise<Record<string, unknown>> {
  const res = await conn.exec(SCRIPT);
  const [head, envText = ''] = res.stdout.split('@@env@@\n');
  const f = new Map<string, string>();
  for (const line of (head ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) f.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const env: Record<string, string> = {};
  for (const line of envText.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const id = f.get('os_ID') ?? '';
  // Like Ansible: Debian's point release comes from /etc/debian_version (12.11, not 12).
  const debianVersion = f.get('debian_version') ?? '';
  const version = id === 'debian' && /^\d+(\.\d+)*$/.test(debianVersion) ? debianVersion : (f.get('os_VERSION_ID') ?? '');
  return {
    ansible_hostname: f.get('hostname'),
    ansible_nodename: f.get('hostname'),
    ansible_fqdn: f.get('fqdn'),
    ansible_kernel: f.get('kernel'),
    ansible_architecture: f.get('machine'),
    ansible_machine: f.get('machine'),
    ansible_system: f.get('system'),
    ansible_user_id: f.get('user_id'),
    ansible_user_uid: Number(f.get('user_uid')),
    ansible_user_gid: Number(f.get('user_gid')),
    ansible_user_dir: f.get('user_dir'),
    ansible_processor_vcpus: Number(f.get('cpus') ?? 1),
    ansible_memtotal_mb: Math.floor(Number(f.get('memtotal_kb') ?? 0) / 1024),
    ansible_distribution: DISTRIBUTION[id] ?? (id ? id[0]!.toUpperCase() + id.slice(1) : 'Unknown'),
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: f.get('os_VERSION_CODENAME') ?? '',
    ansible_os_family: FAMILY[id] ?? FAMILY[(f.get('os_ID_LIKE') ?? '').split(' ')[0] ?? ''] ?? 'Unknown',
    ansible_env: env,
  };
}
