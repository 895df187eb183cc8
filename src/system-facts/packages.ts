// Installed packages as Ansible's package_facts reports them: apt's (from
// dpkg-query, with the origin apt-cache policy gives the installed version and
// the section of its record in apt's cache)
// and rpm's (rpm -qa). Each package name maps to a list (one per installed arch).

export interface PackageEntry {
  name: string;
  version: string;
  source: 'apt' | 'rpm';
  [field: string]: unknown;
}

export type PackageFacts = Record<string, PackageEntry[]>;

const add = (facts: PackageFacts, p: PackageEntry): void => {
  (facts[p.name] ??= []).push(p);
};

/**
 * The host script that lists apt's packages: the native arch, dpkg-query's
 * installed packages, apt's package files (with their origins) and the
 * version table of every installed package.
 */
export const APT_LIST_SCRIPT = [
  'dpkg --print-architecture',
  'echo @@dpkg',
  "dpkg-query -W -f='${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n'",
  'echo @@files',
  'LC_ALL=C apt-cache policy',
  'echo @@versions',
  "dpkg-query -W -f='${db:Status-Abbrev} ${Package}:${Architecture}\\n' | awk '$1 ~ /^.i/ {print $2}' | LC_ALL=C xargs -r apt-cache policy",
  'echo @@sections',
  // The installed version's record as apt has it: its Section is the index's (an
  // archive's override), which python-apt reports and dpkg's status may not have.
  "dpkg-query -W -f='${db:Status-Abbrev} ${Package}:${Architecture}=${Version}\\n' | awk '$1 ~ /^.i/ {print $2}' | " +
    "LC_ALL=C xargs -r apt-cache show 2>/dev/null | grep -E '^(Package|Architecture|Version|Section):|^$'",
].join('\n');

/** apt-cache show's records -> "name arch version" -> Section (the first record of each). */
function recordSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const record of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(record)?.[1]?.trim();
    const key = `${field('Package')} ${field('Architecture')} ${field('Version')}`;
    const section = field('Section');
    if (section !== undefined && !sections.has(key)) sections.set(key, section);
  }
  return sections;
}

/** "URI suite/component arch Packages" -> the o= of its release line (the status file has none). */
function packageFileOrigins(text: string): Map<string, string> {
  const origins = new Map<string, string>();
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^ *-?\d+ (\S.*)$/.exec(line);
    if (f) {
      file = f[1]!.trim();
      origins.set(file, '');
    } else if (file && /^\s+release /.test(line)) {
      origins.set(file, /(?:^|[ ,])o=([^,]*)/.exec(line.trim().slice('release '.length))?.[1] ?? '');
    }
  }
  return origins;
}

/** "name:arch" -> the first package file of its installed version (the *** line of its version table). */
function installedFiles(text: string): Map<string, string> {
  const files = new Map<string, string>();
  let pkg: string | undefined;
  let installed = false;
  for (const line of text.split('\n')) {
    if (/^\S.*:$/.test(line)) {
      pkg = line.slice(0, -1);
      installed = false;
    } else if (/^ \*\*\* /.test(line)) installed = true;
    else if (installed && pkg && /^\s+-?\d+ \S/.test(line)) {
      files.set(pkg, line.trim().replace(/^-?\d+ /, ''));
      installed = false;
    } else if (/^ {5}\S/.test(line)) installed = false;
  }
  return files;
}

/** The apt packages of APT_LIST_SCRIPT's output. */
export function parseAptPackages(out: string): PackageFacts {
  const [head = '', rest = ''] = out.split('@@dpkg\n');
  const [dpkg = '', rest2 = ''] = rest.split('@@files\n');
  const [filesText = '', rest3 = ''] = rest2.split('@@versions\n');
  const [versions = '', sectionsText = ''] = rest3.split('@@sections\n');
  const sections = recordSections(sectionsText);
  const native = head.trim();
  const origins = packageFileOrigins(filesText);
  const fileOf = installedFiles(versions);
  const facts: PackageFacts = {};
  for (const line of dpkg.split('\n')) {
    const [status, pkg, version, arch, section] = line.split('\t');
    if (!status || !pkg || status[1] !== 'i') continue;
    // apt names a package of a foreign architecture name:arch.
    const name = arch === native || arch === 'all' ? pkg : `${pkg}:${arch}`;
    const file = fileOf.get(name);
    const origin = file !== undefined ? (origins.get(file) ?? '') : '';
    const category = sections.get(`${pkg} ${arch} ${version}`) ?? section ?? '';
    add(facts, { name, version: version ?? '', arch: arch ?? '', category, origin, source: 'apt' });
  }
  return sortFacts(facts);
}

export const RPM_LIST_SCRIPT = "rpm -qa --qf '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n'";

/** rpm -qa's lines: epoch a number or null, a missing arch (gpg-pubkey) null. */
export function parseRpmPackages(out: string): PackageFacts {
  const facts: PackageFacts = {};
  for (const line of out.split('\n')) {
    const [name, version, release, epoch, arch] = line.split('\t');
    if (!name || version === undefined) continue;
    const none = (v: string | undefined) => (v === undefined || v === '(none)' ? null : v);
    const e = none(epoch);
    add(facts, { name, version, release: none(release), epoch: e === null ? null : Number(e), arch: none(arch), source: 'rpm' });
  }
  return sortFacts(facts);
}

function sortFacts(facts: PackageFacts): PackageFacts {
  return Object.fromEntries(Object.keys(facts).sort().map((k) => [k, facts[k]!]));
}
