// hardware facts: memory and processors from /proc (Ansible's LinuxHardware
// get_memory_facts and get_cpu_facts; devices, mounts and dmi are not collected).
import { keyValueMap } from './sections.js';

type Facts = Record<string, unknown>;

export function memoryFacts(meminfo: string | undefined): Facts {
  const mb = new Map<string, number>();
  for (const line of (meminfo ?? '').split('\n')) {
    const m = /^(\w+):\s*(\d+)/.exec(line);
    if (m) mb.set(m[1]!, Math.floor(Number(m[2]) / 1024));
  }
  if (mb.size === 0) return {};
  const facts: Facts = {};
  for (const key of ['MemTotal', 'SwapTotal', 'MemFree', 'SwapFree']) if (mb.has(key)) facts[`${key.toLowerCase()}_mb`] = mb.get(key);
  const get = (k: string) => mb.get(k);
  const minus = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);
  const nocacheFree = [get('Cached'), get('MemFree'), get('Buffers')].some((v) => v === undefined)
    ? undefined
    : get('Cached')! + get('MemFree')! + get('Buffers')!;
  const orNull = (v?: number) => v ?? null;
  facts.memory_mb = {
    real: { total: orNull(get('MemTotal')), used: orNull(minus(get('MemTotal'), get('MemFree'))), free: orNull(get('MemFree')) },
    nocache: { free: orNull(nocacheFree), used: orNull(minus(get('MemTotal'), nocacheFree)) },
    swap: { total: orNull(get('SwapTotal')), free: orNull(get('SwapFree')), used: orNull(minus(get('SwapTotal'), get('SwapFree'))), cached: orNull(get('SwapCached')) },
  };
  return facts;
}

/** Processor facts as Ansible counts them from /proc/cpuinfo (its quirks included). */
export function cpuFacts(cpuinfo: string | undefined, cpu: string | undefined, architecture: string): Facts {
  if (cpuinfo === undefined) return {};
  const flags = keyValueMap(cpu);
  const xenParavirt = flags.has('xen_paravirt');
  const processor: string[] = [];
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let declaredCores: number | undefined;
  for (const line of cpuinfo.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendorIds++;
      if (key === 'model name') modelNames++;
      if (key === 'processor') processors++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // Ansible checks `coreid not in sockets` here (sic).
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number.parseInt(val, 10));
    else if (key === 'siblings') cores.set(coreid, Number.parseInt(val, 10));
    else if (key === '# processors') declaredCores = Number.parseInt(val, 10);
    else if (key === 'ncpus active') i = Number.parseInt(val, 10);
  }
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors;
  const facts: Facts = { processor };
  if (declaredCores !== undefined) facts.processor_cores = declaredCores;
  if (architecture === 's390x') return facts;
  if (xenParavirt) {
    return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i };
  }
  const count = sockets.size > 0 ? sockets.size : i;
  const firstSocket = [...sockets.values()][0];
  const coresPerSocket = firstSocket ? firstSocket : 1;
  const firstCore = [...cores.values()][0];
  const threads = Math.floor((firstCore !== undefined ? firstCore : 1) / coresPerSocket);
  const nproc = cpusAllowed(flags.get('cpus_allowed')) ?? processors;
  return {
    ...facts,
    processor_count: count,
    processor_cores: coresPerSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * coresPerSocket,
    processor_nproc: nproc,
  };
}

/** The number of CPUs in a list like "0-3,8,10-11" (this process's affinity, as os.sched_getaffinity counts). */
function cpusAllowed(list: string | undefined): number | undefined {
  if (!list) return undefined;
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.trim().split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) return undefined;
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}
