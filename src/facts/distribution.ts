// distribution facts, as Ansible 2.14 decides them on Linux: a first guess
// from os-release (what the `distro` library says), then the first
// distribution file of Ansible's list that its parser accepts.
// Parsers implemented: Debian family (Debian, Ubuntu...), Red Hat style
// release files, Amazon, Alpine, Arch, SUSE, and the os-release fallback.

type Facts = Record<string, unknown>;

const OS_FAMILY_MAP: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL',
    'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux',
    'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS',
    'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};
const OS_FAMILY = new Map(Object.entries(OS_FAMILY_MAP).flatMap(([family, names]) => names.map((n) => [n, family] as const)));

/** What the fact script sent: os-release, /etc/debian_version, and the other distribution files present. */
export interface DistributionInput {
  osRelease: string;
  /** os-release came from /usr/lib (no /etc/os-release): only the guess reads it. */
  osReleaseFromUsr: boolean;
  debianVersion: string;
  files: Map<string, string>;
}

/** KEY=value lines of os-release, unquoted. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2').replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** The `distro` library's id, version and codename, as Ansible's sys_info turns them into a first guess. */
function guess(input: DistributionInput): Facts {
  const os = parseOsRelease(input.osRelease);
  const rawId = (os.get('ID') ?? '').toLowerCase().replace(/ /g, '_');
  const id = ({ ol: 'oracle', 'opensuse-leap': 'opensuse' } as Record<string, string>)[rawId] ?? rawId;
  let distribution = id ? id[0]!.toUpperCase() + id.slice(1).toLowerCase() : 'OtherLinux';
  if (distribution === 'Amzn') distribution = 'Amazon';
  else if (distribution === 'Rhel') distribution = 'Redhat';
  let version = os.get('VERSION_ID') ?? '';
  // distro's "best" version for Debian is the most precise one: /etc/debian_version (12.11, not 12).
  const debianVersion = input.debianVersion.trim();
  if (id === 'debian' && /^\d+(\.\d+)*$/.test(debianVersion) && dots(debianVersion) > dots(version)) version = debianVersion;
  const codename = os.get('VERSION_CODENAME') ?? os.get('UBUNTU_CODENAME') ?? codenameFromVersion(os.get('VERSION') ?? '');
  return {
    distribution: distribution || 'NA',
    distribution_version: version || 'NA',
    distribution_release: codename ?? 'NA',
    distribution_major_version: (version || 'NA').split('.')[0] || 'NA',
  };
}

const dots = (v: string) => v.split('.').length - 1;

/** distro's codename from VERSION: "12 (bookworm)" or "20.04.6 LTS, Focal Fossa"; undefined when there is none. */
function codenameFromVersion(version: string): string | undefined {
  const m = /\(([^)]+)\)/.exec(version) ?? /,\s*(.+)$/.exec(version);
  return m?.[1]?.trim() || undefined;
}

type Parser = (data: string, path: string, facts: Facts, input: DistributionInput) => Facts | undefined;

const SEARCH_STRING: Record<string, string> = { OracleLinux: 'Oracle Linux', RedHat: 'Red Hat', Altlinux: 'ALT' };

/** Ansible's OSDIST_LIST, the entries tsplay parses: [path, name, parser, allow empty]. */
const OSDIST: [string, string, Parser | 'search' | 'empty'][] = [
  ['/etc/altlinux-release', 'Altlinux', 'search'],
  ['/etc/oracle-release', 'OracleLinux', 'search'],
  ['/etc/centos-release', 'CentOS', (data) => (data.includes('CentOS Stream') ? { distribution_release: 'Stream' } : undefined)],
  ['/etc/redhat-release', 'RedHat', 'search'],
  ['/etc/vmware-release', 'VMwareESX', 'empty'],
  ['/etc/os-release', 'Amazon', (data) => amazon(data)],
  ['/etc/system-release', 'Amazon', (data) => (data.includes('Amazon') ? { distribution: 'Amazon' } : undefined)],
  ['/etc/alpine-release', 'Alpine', (data) => ({ distribution: 'Alpine', distribution_version: data })],
  ['/etc/arch-release', 'Archlinux', 'empty'],
  ['/etc/os-release', 'Archlinux', (data) => (data.includes('Arch Linux') ? { distribution: 'Archlinux' } : undefined)],
  ['/etc/os-release', 'SUSE', (data) => suse(data)],
  ['/etc/os-release', 'Debian', (data, _p, facts, input) => debian(data, facts, input)],
  ['/etc/os-release', 'NA', (data, _p, facts) => na(data, facts)],
];

function amazon(data: string): Facts | undefined {
  if (!data.includes('Amazon')) return undefined;
  const out: Facts = { distribution: 'Amazon' };
  const v = /VERSION_ID="(.*)"/.exec(data)?.[1];
  if (v) {
    out.distribution_version = v;
    const [major, minor] = v.split('.');
    if (minor !== undefined) Object.assign(out, { distribution_major_version: major, distribution_minor_version: minor });
    else out.distribution_major_version = v;
  }
  return out;
}

function suse(data: string): Facts | undefined {
  if (!data.toLowerCase().includes('suse')) return undefined;
  const out: Facts = {};
  for (const line of data.split('\n')) {
    const name = /^NAME=(.*)/.exec(line);
    if (name) out.distribution = name[1]!.replace(/^"+|"+$/g, '');
    const v = /^VERSION_ID="?([0-9]+\.?[0-9]*)"?/.exec(line);
    if (v) {
      out.distribution_version = v[1];
      out.distribution_major_version = v[1]!.split('.')[0];
    }
  }
  return out;
}

function debian(data: string, facts: Facts, input: DistributionInput): Facts | undefined {
  if (data.includes('Debian') || data.includes('Raspbian')) {
    const out: Facts = { distribution: 'Debian' };
    const release = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(data);
    if (release) out.distribution_release = release[1];
    for (const line of input.debianVersion.split('\n')) {
      const m = /(\d+)\.(\d+)/.exec(line.trim());
      if (m) out.distribution_minor_version = m[2];
    }
    return out;
  }
  if (data.includes('Ubuntu')) return { distribution: 'Ubuntu' };
  if (data.includes('SteamOS')) return { distribution: 'SteamOS' };
  if (data.includes('Kali')) return { distribution: 'Kali' };
  if (data.includes('Parrot')) return { distribution: 'Parrot' };
  void facts;
  return undefined;
}

function na(data: string, facts: Facts): Facts {
  const out: Facts = {};
  for (const line of data.split('\n')) {
    const name = /^NAME=(.*)/.exec(line);
    if (name) out.distribution = name[1]!.replace(/^"+|"+$/g, '');
    const version = /^VERSION=(.*)/.exec(line);
    if (version && facts.distribution_version === 'NA') out.distribution_version = version[1]!.replace(/^"+|"+$/g, '');
  }
  return out;
}

export function distributionFacts(input: DistributionInput): Facts {
  const facts = guess(input);
  const contentOf = (path: string): string | undefined =>
    path === '/etc/os-release' ? (input.osReleaseFromUsr ? undefined : input.osRelease) : input.files.get(path);
  for (const [path, name, parser] of OSDIST) {
    const content = contentOf(path);
    if (content === undefined) continue;
    if (parser === 'empty') {
      Object.assign(facts, { distribution: name, distribution_file_path: path, distribution_file_variety: name });
      break;
    }
    if (content.trim() === '') continue;
    // Ansible strips quotes and backslashes around the whole file first.
    const data = content.replace(/^['"\\]+|['"\\]+$/g, '');
    let parsed: Facts | undefined;
    if (parser === 'search') {
      parsed = data.includes(SEARCH_STRING[name]!)
        ? { distribution: name, distribution_file_search_string: SEARCH_STRING[name] }
        : { distribution: data.split(/\s+/)[0] };
    } else parsed = parser(data, path, facts, input);
    if (!parsed) continue;
    Object.assign(facts, { distribution: name, distribution_file_path: path, distribution_file_variety: name, distribution_file_parsed: true });
    Object.assign(facts, parsed);
    break;
  }
  const distribution = String(facts.distribution);
  facts.os_family = OS_FAMILY.get(distribution) ?? distribution;
  return facts;
}
