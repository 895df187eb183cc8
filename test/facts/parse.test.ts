// The fact parsers on canned output of the fact script: a Debian host with two
// interfaces (eth0 with a secondary address and a label, eth1) and no default
// route, checked against what Ansible 2.14 reports for such a host.
import { describe, expect, it } from 'vitest';
import { assembleFacts } from '../../src/facts/gather.js';
import { splitSections } from '../../src/facts/sections.js';
import { resolveSubsets } from '../../src/facts/subsets.js';

const OUTPUT = `
@@platform@@
system=Linux
kernel=6.1.0-18-amd64
kernel_version=#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)
machine=x86_64
nodename=web1
long_bit=64
machine_id=0123456789abcdef0123456789abcdef
names=127.0.1.1       web1.example.com web1

@@os-release@@
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian

@@debian_version@@
12.5

@@pkg_mgr@@
path=/usr/bin/dnf
path=/usr/bin/apt-get

@@service_mgr@@
comm=systemd
systemctl=1
canary=1
initd=1

@@user@@
user_id=deploy
pw=deploy:x:1000:1001:Deploy User,,,:/home/deploy:/bin/bash
ruid=1000
euid=1000
rgid=1001

@@meminfo@@
MemTotal:        4028380 kB
MemFree:         1024000 kB
Buffers:          102400 kB
Cached:           512000 kB
SwapCached:            0 kB
SwapTotal:       1048572 kB
SwapFree:        1048572 kB

@@cpuinfo@@
processor	: 0
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) CPU
physical id	: 0
siblings	: 4
core id		: 0
cpu cores	: 2
processor	: 1
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) CPU
physical id	: 0
siblings	: 4
core id		: 1
cpu cores	: 2

@@cpu@@
cpus_allowed=0-1

@@net@@
has_ip=1
route4=
route6=
dev=lo
address=00:00:00:00:00:00
mtu=65536
operstate=unknown
type=772
flags=0x9
dev=eth0
address=52:54:00:12:34:56
mtu=1500
operstate=up
type=1
pciid=0000:00:03.0
speed=1000
flags=0x1003
dev=eth1
address=52:54:00:ab:cd:ef
mtu=9000
operstate=down
type=1
speed=
flags=0x1103

@@addr-primary@@
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.5/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet 10.1.0.1/16 scope global eth0:web
       valid_lft forever preferred_lft forever
3: eth1: <BROADCAST,MULTICAST> mtu 9000 qdisc noop state DOWN group default qlen 1000
    link/ether 52:54:00:ab:cd:ef brd ff:ff:ff:ff:ff:ff
    inet 172.16.0.9/12 scope global eth1
       valid_lft forever preferred_lft forever

@@addr-secondary@@
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.6/24 brd 192.168.10.255 scope global secondary eth0
       valid_lft forever preferred_lft forever

@@env@@
HOME=/home/deploy\0PATH=/usr/bin:/bin\0MULTI=line one
line two\0`;

const facts = assembleFacts(splitSections(OUTPUT), resolveSubsets(['all']));

describe('fact parsing (canned output: two interfaces, no default route)', () => {
  it('network: interfaces in /sys order, their addresses, no default route', () => {
    // The label's entry is added while eth0 is read, so before eth1.
    expect(facts.interfaces).toEqual(['lo', 'eth0', 'eth0_web', 'eth1']);
    expect(facts.default_ipv4).toEqual({});
    expect(facts.default_ipv6).toEqual({});
    // Interface by interface, each one's primary then secondary addresses.
    expect(facts.all_ipv4_addresses).toEqual(['192.168.10.5', '10.1.0.1', '192.168.10.6', '172.16.0.9']);
    expect(facts.all_ipv6_addresses).toEqual([]);
    expect(facts.lo).toEqual({
      device: 'lo', mtu: 65536, active: true, type: 'loopback', promisc: false,
      ipv4: { address: '127.0.0.1', broadcast: '', netmask: '255.0.0.0', network: '127.0.0.0', prefix: '8' },
      ipv6: [{ address: '::1', prefix: '128', scope: 'host' }],
    });
    expect(facts.eth0).toEqual({
      device: 'eth0', macaddress: '52:54:00:12:34:56', mtu: 1500, active: true, type: 'ether', pciid: '0000:00:03.0', speed: 1000,
      promisc: false,
      ipv4: { address: '192.168.10.5', broadcast: '192.168.10.255', netmask: '255.255.255.0', network: '192.168.10.0', prefix: '24' },
      ipv4_secondaries: [{ address: '192.168.10.6', broadcast: '192.168.10.255', netmask: '255.255.255.0', network: '192.168.10.0', prefix: '24' }],
    });
    // A label gets an entry of its own with just its address, as in Ansible.
    expect(facts.eth0_web).toEqual({ ipv4: { address: '10.1.0.1', broadcast: '', netmask: '255.255.0.0', network: '10.1.0.0', prefix: '16' } });
    // An interface that is down: no speed (unreadable), promisc from its flags.
    expect(facts.eth1).toEqual({
      device: 'eth1', macaddress: '52:54:00:ab:cd:ef', mtu: 9000, active: false, type: 'ether', promisc: true,
      ipv4: { address: '172.16.0.9', broadcast: '', netmask: '255.240.0.0', network: '172.16.0.0', prefix: '12' },
    });
  });

  it('a default route fills default_ipv4 from the matching address', () => {
    const withRoute = OUTPUT.replace('route4=\n', 'route4=8.8.8.8 via 192.168.10.1 dev eth0 src 192.168.10.5 uid 0\n');
    const f = assembleFacts(splitSections(withRoute), resolveSubsets(['network']));
    expect(f.default_ipv4).toEqual({
      address: '192.168.10.5', alias: 'eth0', broadcast: '192.168.10.255', gateway: '192.168.10.1', interface: 'eth0',
      macaddress: '52:54:00:12:34:56', mtu: 1500, netmask: '255.255.255.0', network: '192.168.10.0', prefix: '24', type: 'ether',
    });
  });

  it('distribution, managers, platform, user, hardware, env', () => {
    expect(facts).toMatchObject({
      distribution: 'Debian', distribution_version: '12.5', distribution_major_version: '12', distribution_minor_version: '5',
      distribution_release: 'bookworm', distribution_file_path: '/etc/os-release', distribution_file_variety: 'Debian',
      distribution_file_parsed: true, os_family: 'Debian',
      // dnf is installed, but the family decides.
      pkg_mgr: 'apt', service_mgr: 'systemd',
      system: 'Linux', kernel: '6.1.0-18-amd64', machine: 'x86_64', architecture: 'x86_64', hostname: 'web1', nodename: 'web1',
      fqdn: 'web1.example.com', domain: 'example.com', userspace_bits: '64', userspace_architecture: 'x86_64',
      user_id: 'deploy', user_uid: 1000, user_gid: 1001, user_gecos: 'Deploy User,,,', user_dir: '/home/deploy', user_shell: '/bin/bash',
      real_user_id: 1000, effective_user_id: 1000, real_group_id: 1001, effective_group_id: 1001,
      memtotal_mb: 3933, memfree_mb: 1000, swaptotal_mb: 1023, swapfree_mb: 1023,
      processor_count: 1, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 4, processor_nproc: 2,
    });
    expect(facts.memory_mb).toEqual({
      real: { total: 3933, used: 2933, free: 1000 },
      nocache: { free: 1600, used: 2333 },
      swap: { total: 1023, free: 1023, used: 0, cached: 0 },
    });
    expect(facts.env).toEqual({ HOME: '/home/deploy', PATH: '/usr/bin:/bin', MULTI: 'line one\nline two' });
  });
});

describe('gather_subset', () => {
  const collectors = (...s: string[]) => [...resolveSubsets(s)].sort();
  it('chooses collectors as Ansible does', () => {
    const min = ['distribution', 'env', 'pkg_mgr', 'platform', 'service_mgr', 'user'];
    expect(collectors('all')).toEqual([...min, 'hardware', 'network'].sort());
    expect(collectors('!all')).toEqual(min);
    expect(collectors('min')).toEqual(min);
    // Only exclusions: nothing but min is added (Ansible says the same for gather_subset=!hardware).
    expect(collectors('!hardware')).toEqual(min);
    expect(collectors('all', '!hardware')).toEqual([...min, 'network'].sort());
    expect(collectors('!all', 'network')).toEqual([...min, 'network'].sort());
    // A collector's requirements come along (network needs distribution and platform).
    expect(collectors('!all', '!min', 'network')).toEqual(['distribution', 'network', 'platform']);
    expect(collectors('!all', '!min', 'default_ipv4')).toEqual(['distribution', 'network', 'platform']);
  });
  it('refuses an unknown subset with Ansible\'s message', () => {
    expect(() => resolveSubsets(['bogus'])).toThrow(/^Bad subset 'bogus' given to Ansible\. gather_subset options allowed: all, /);
  });
  it('collects only the chosen parts', () => {
    const f = assembleFacts(splitSections(OUTPUT), resolveSubsets(['!all']));
    expect(f).not.toHaveProperty('interfaces');
    expect(f).not.toHaveProperty('memtotal_mb');
    expect(f).toHaveProperty('distribution', 'Debian');
  });
});
