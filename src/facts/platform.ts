// platform facts, as Ansible's PlatformFactCollector reports them on Linux
// (python_version is Python's own and left out).
import { keyValueMap } from './sections.js';

export function platformFacts(section: string | undefined): Record<string, unknown> {
  const kv = keyValueMap(section);
  const machine = kv.get('machine') ?? '';
  const nodename = kv.get('nodename') ?? '';
  const fqdn = fqdnOf(nodename, kv.get('names'));
  const facts: Record<string, unknown> = {
    system: kv.get('system') ?? '',
    kernel: kv.get('kernel') ?? '',
    kernel_version: kv.get('kernel_version') ?? '',
    machine,
    fqdn,
    hostname: nodename.split('.')[0],
    nodename,
    domain: fqdn.split('.').slice(1).join('.'),
  };
  // platform.architecture() bits: the userspace's word size.
  const bits = kv.get('long_bit') ?? '';
  if (bits) facts.userspace_bits = bits;
  const i86 = /i([3456]86|86pc)/.test(machine);
  facts.architecture = machine !== 'x86_64' && i86 ? 'i386' : machine;
  if (machine === 'x86_64' || i86) {
    if (bits === '64') facts.userspace_architecture = 'x86_64';
    else if (bits === '32') facts.userspace_architecture = 'i386';
  }
  const machineId = kv.get('machine_id')?.trim();
  if (machineId) facts.machine_id = machineId;
  return facts;
}

/**
 * Python's socket.getfqdn(): the names of the host name's address (from
 * `getent hosts`: address, canonical name, aliases); the first with a dot,
 * else the canonical name; the host name itself when nothing resolves.
 */
function fqdnOf(nodename: string, namesLine: string | undefined): string {
  const words = (namesLine ?? '').trim().split(/\s+/).filter(Boolean);
  const names = words.slice(1);
  if (names.length === 0) return nodename;
  return names.find((n) => n.includes('.')) ?? names[0]!;
}
