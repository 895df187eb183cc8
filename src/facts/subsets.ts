// gather_subset: which collectors run, decided as Ansible 2.14's
// collector.get_collector_names does ('min' always, 'all', '!name', aliases,
// and the collectors a chosen one requires).

/** The collectors tsplay implements. */
export type Collector = 'platform' | 'distribution' | 'pkg_mgr' | 'service_mgr' | 'user' | 'env' | 'hardware' | 'network';

// Ansible's minimal set; the names tsplay does not collect (python, dns...) are accepted and yield nothing.
const MINIMAL = ['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr',
  'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user'];
const OTHER = ['chroot', 'devices', 'facter', 'fibre_channel_wwn', 'hardware', 'iscsi', 'loadavg', 'mounts', 'network', 'nvme',
  'ohai', 'virtual'];

/** Fact names that select their collector (Ansible's aliases); the ones of collectors tsplay lacks select nothing. */
const ALIASES: Record<string, string> = {
  architecture: 'platform', kernel: 'platform', kernel_version: 'platform', machine: 'platform', machine_id: 'platform',
  python_version: 'platform', system: 'platform',
  distribution_major_version: 'distribution', distribution_release: 'distribution', distribution_version: 'distribution',
  os_family: 'distribution',
  effective_group_ids: 'user', effective_user_id: 'user', real_user_id: 'user', user_dir: 'user', user_gecos: 'user',
  user_gid: 'user', user_id: 'user', user_shell: 'user', user_uid: 'user',
  processor: 'hardware', processor_cores: 'hardware', processor_count: 'hardware', mounts: 'hardware', devices: 'hardware',
  all_ipv4_addresses: 'network', all_ipv6_addresses: 'network', default_ipv4: 'network', default_ipv6: 'network', interfaces: 'network',
  is_chroot: 'chroot', system_capabilities: 'caps', system_capabilities_enforced: 'caps',
  ssh_host_key_dsa_public: 'ssh_pub_keys', ssh_host_key_ecdsa_public: 'ssh_pub_keys', ssh_host_key_ed25519_public: 'ssh_pub_keys',
  ssh_host_key_rsa_public: 'ssh_pub_keys', ssh_host_pub_keys: 'ssh_pub_keys',
  virtualization_role: 'virtual', virtualization_tech_guest: 'virtual', virtualization_tech_host: 'virtual', virtualization_type: 'virtual',
};

const VALID = new Set([...MINIMAL, ...OTHER]);
const IMPLEMENTED = new Set<string>(['platform', 'distribution', 'pkg_mgr', 'service_mgr', 'user', 'env', 'hardware', 'network']);
const REQUIRES: Record<string, string[]> = {
  pkg_mgr: ['distribution'], service_mgr: ['platform', 'distribution'], network: ['distribution', 'platform'], hardware: ['platform'],
};

/** `gather_subset` as given (a list, or comma-separated text) as a list of entries. */
export function subsetList(spec: unknown): string[] {
  if (spec === undefined || spec === null) return ['all'];
  const items = Array.isArray(spec) ? spec.map(String) : String(spec).split(',');
  const list = items.map((s) => s.trim()).filter((s) => s !== '');
  return list.length > 0 ? list : ['all'];
}

/** The collectors to run for a gather_subset list; throws Ansible's message for an unknown subset. */
export function resolveSubsets(subsets: string[]): Set<Collector> {
  const add = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  const nameOf = (s: string) => ALIASES[s] ?? s;
  for (const entry of ['min', ...subsets]) {
    if (entry === 'min') MINIMAL.forEach((s) => add.add(s));
    else if (entry === 'all') VALID.forEach((s) => add.add(s));
    else if (entry === '!min') MINIMAL.forEach((s) => exclude.add(s));
    else if (entry === '!all') VALID.forEach((s) => !MINIMAL.includes(s) && exclude.add(s));
    else if (entry.startsWith('!')) exclude.add(nameOf(entry.slice(1)));
    else {
      if (!VALID.has(entry) && !(entry in ALIASES)) {
        const allowed = [...VALID, ...Object.keys(ALIASES)].sort().join(', ');
        throw new Error(`Bad subset '${entry}' given to Ansible. gather_subset options allowed: all, ${allowed}`);
      }
      explicit.add(nameOf(entry));
      add.add(nameOf(entry));
    }
  }
  for (const s of exclude) if (!explicit.has(s)) add.delete(s);
  // A collector's requirements run too, and their facts are reported (as Ansible's _solve_deps does).
  for (const s of [...add]) for (const r of REQUIRES[s] ?? []) add.add(r);
  return new Set([...add].filter((s): s is Collector => IMPLEMENTED.has(s)));
}
