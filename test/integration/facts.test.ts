// Fact gathering against Ansible on the same lab hosts: `ansible -m setup`
// and tsplay (gather_facts, and its setup module) must report the same values
// for every fact tsplay collects. h1 gets a default route (via the lab's
// bridge address) so that ansible_default_ipv4 is filled there; h2 has none.
// Leaves on its hosts: the default route on h1 and /root/tsplay-facts/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { runProgram, show, useLab, type LabContext } from './helpers.js';

const HOSTS = ['h1', 'h2'];

// Ansible reuses one ssh master per host, closed in afterAll.
const sshArgs = (ctx: LabContext) => [
  '-F', '/dev/null', '-o', `UserKnownHostsFile=${ctx.lab.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', 'ControlMaster=auto', '-o', 'ControlPersist=120s', '-o', `ControlPath=${ctx.dir}/cm-%C`,
];

const ansibleCfg = (ctx: LabContext) => `[defaults]
host_key_checking = True
interpreter_python = auto_silent
retry_files_enabled = False
nocolor = True
[ssh_connection]
ssh_args = ${sshArgs(ctx).join(' ')}
pipelining = True
`;

// The first play gathers only the minimal set (facts stay for later plays, as in Ansible).
const PLAYBOOK = `- hosts: lab
  gather_subset: ['!all']
  tasks:
    - file: path=/root/tsplay-facts state=directory
    - copy: content="{{ ansible_facts | to_json }}" dest=/root/tsplay-facts/min.json

- hosts: lab
  tasks:
    - copy: content="{{ ansible_facts | to_json }}" dest=/root/tsplay-facts/play.json
    - setup:
      register: again
    - copy: content="{{ again.ansible_facts | to_json }}" dest=/root/tsplay-facts/setup.json
    - setup:
        gather_subset: ['!all', 'network']
        filter: ['ansible_default_ipv4', 'ansible_distribution*']
      register: filtered
    - copy: content="{{ filtered.ansible_facts | to_json }}" dest=/root/tsplay-facts/filtered.json
`;

/** The facts compared, as named in ansible_facts (without the ansible_ prefix); plus ansible_<iface> for every interface. */
const FACTS = [
  'os_family', 'distribution', 'distribution_version', 'distribution_major_version', 'distribution_minor_version',
  'distribution_release', 'distribution_file_path', 'distribution_file_variety', 'distribution_file_parsed',
  'pkg_mgr', 'service_mgr', 'hostname', 'nodename', 'fqdn', 'domain',
  'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses',
  'architecture', 'machine', 'kernel', 'kernel_version', 'system', 'userspace_bits', 'userspace_architecture', 'machine_id',
  'memtotal_mb', 'swaptotal_mb', 'swapfree_mb',
  'processor', 'processor_vcpus', 'processor_count', 'processor_cores', 'processor_threads_per_core', 'processor_nproc',
  'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell', 'user_gecos',
  'real_user_id', 'effective_user_id', 'real_group_id', 'effective_group_id',
];

// Environment variables that legitimately differ: each connection has its own
// ssh ports and login session; LC_CTYPE is set by Python's locale coercion in
// Ansible's module process; SHLVL and _ depend on the shell that runs the gatherer.
const ENV_DIFFERS = ['SSH_CLIENT', 'SSH_CONNECTION', 'XDG_SESSION_ID', 'LC_CTYPE', 'SHLVL', '_'];

// Interface keys tsplay does not collect: Ansible reads them with ethtool (when installed).
const ETHTOOL_KEYS = ['features', 'timestamping', 'hw_timestamp_filters', 'phc_index'];

const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describeLab('facts: tsplay reports what ansible -m setup reports', () => {
  const ctx = useLab(HOSTS.length, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    c.write('ansible.cfg', ansibleCfg(c));
    c.write('facts.yml', PLAYBOOK);
    await c.sh('h1', `ip route add default via ${c.lab.subnet}.1 dev eth0`);
  });
  afterAll(async () => {
    if (!ctx.lab) return;
    for (const h of ctx.lab.hosts) await runProgram('ssh', [...sshArgs(ctx), '-O', 'exit', `root@${h.address}`], { timeoutMs: 10_000 });
  });

  const ansibleFacts = async (): Promise<Record<string, Record<string, unknown>>> => {
    const tree = join(ctx.dir, 'tree');
    const r = await runProgram('ansible', ['-i', `${ctx.dir}/inventory.ini`, 'lab', '-m', 'setup', '--tree', tree], {
      cwd: ctx.dir,
      env: { HOME: ctx.home, ANSIBLE_CONFIG: `${ctx.dir}/ansible.cfg`, ANSIBLE_HOST_KEY_CHECKING: undefined, SSH_AUTH_SOCK: undefined },
      timeoutMs: 120_000,
    });
    expect(r.code, show(r)).toBe(0);
    const out: Record<string, Record<string, unknown>> = {};
    for (const h of HOSTS) {
      const facts = JSON.parse(readFileSync(join(tree, h), 'utf8')).ansible_facts as Record<string, unknown>;
      out[h] = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
    }
    return out;
  };
  const hostJson = async (host: string, name: string) => JSON.parse(await ctx.sh(host, `cat /root/tsplay-facts/${name}.json`));

  function expectSameFacts(host: string, ours: Record<string, unknown>, theirs: Record<string, unknown>, what: string): void {
    const at = (k: string) => `${host} ${what}: ${k}`;
    for (const k of FACTS) expect(ours[k], at(k)).toEqual(theirs[k]);
    // Ansible passes the list through a set on its way out: its order is arbitrary.
    // The hosts see the machine's /sys, where other labs' links (other test
    // files run beside this one) come and go between the two runs: left out.
    const own = (names: string[]) => names.filter((n) => !/^tl[a-z0-9]+(br|v\d+)$/.test(n) || n.startsWith(ctx.lab.bridge.slice(0, -2))).sort();
    expect(own(ours.interfaces as string[]), at('interfaces')).toEqual(own(theirs.interfaces as string[]));
    for (const iface of own(theirs.interfaces as string[])) {
      expect(ours[iface], at(iface)).toEqual(without(theirs[iface] as Record<string, unknown>, ETHTOOL_KEYS));
    }
    expect(without(ours.env as Record<string, unknown>, ENV_DIFFERS), at('env')).toEqual(without(theirs.env as Record<string, unknown>, ENV_DIFFERS));
    // Free memory moves between the two runs: only roughly the same.
    expect(Math.abs((ours.memfree_mb as number) - (theirs.memfree_mb as number)), at('memfree_mb')).toBeLessThan((theirs.memtotal_mb as number) / 10);
  }

  it('gather_facts and the setup module give the same values as ansible -m setup', { timeout: 240_000 }, async () => {
    const theirs = await ansibleFacts();
    const r = await ctx.tsplay(['run', `${ctx.dir}/facts.yml`, '-i', `${ctx.dir}/inventory.ini`], { cwd: ctx.dir });
    expect(r.code, show(r)).toBe(0);
    expect(theirs.h1!.default_ipv4).toMatchObject({ address: ctx.address('h1'), gateway: `${ctx.lab.subnet}.1`, interface: 'eth0' });
    expect(theirs.h2!.default_ipv4).toEqual({});
    for (const h of HOSTS) {
      expectSameFacts(h, await hostJson(h, 'play'), theirs[h]!, 'gather_facts');
      const setup = await hostJson(h, 'setup');
      const unprefixed = Object.fromEntries(Object.entries(setup).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
      expectSameFacts(h, unprefixed, theirs[h]!, 'setup');
      expect(Object.keys(setup).filter((k) => !k.startsWith('ansible_')).sort(), `${h} setup keys`).toEqual(['gather_subset', 'module_setup']);
    }
  });

  it('gather_subset and filter choose the facts', { timeout: 120_000 }, async () => {
    for (const h of HOSTS) {
      const filtered = await hostJson(h, 'filtered');
      expect(Object.keys(filtered).sort()).toEqual([
        'ansible_default_ipv4', 'ansible_distribution', 'ansible_distribution_file_parsed', 'ansible_distribution_file_path',
        'ansible_distribution_file_variety', 'ansible_distribution_major_version', 'ansible_distribution_minor_version',
        'ansible_distribution_release', 'ansible_distribution_version', 'gather_subset', 'module_setup',
      ]);
      const min = await hostJson(h, 'min');
      expect(min).toHaveProperty('distribution', 'Debian');
      expect(min).toHaveProperty('pkg_mgr', 'apt');
      expect(min).not.toHaveProperty('interfaces');
      expect(min).not.toHaveProperty('memtotal_mb');
      expect(min.gather_subset).toEqual(['!all']);
    }
  });
});
