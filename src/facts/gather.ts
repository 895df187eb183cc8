// Fact gathering: one shell round trip per host, no Python on it, with the
// facts and values Ansible 2.14 reports (src/facts/ holds the script and a
// parser per kind). gather_subset chooses the collectors; the result is keyed
// as Ansible's setup returns it (ansible_* names, plus gather_subset and
// module_setup).
import type { Connection } from '../connection/connection.js';
import { distributionFacts } from './distribution.js';
import { cpuFacts, memoryFacts } from './hardware.js';
import { pkgMgrFact, serviceMgrFact } from './managers.js';
import { networkFacts } from './network.js';
import { platformFacts } from './platform.js';
import { factScript } from './script.js';
import { splitSections } from './sections.js';
import { resolveSubsets, subsetList, type Collector } from './subsets.js';
import { envFact, userFacts } from './user.js';

export interface GatherOptions {
  /** gather_subset as written: a list or comma-separated text; default all. */
  subset?: unknown;
}

export async function gatherFacts(conn: Connection, options: GatherOptions = {}): Promise<Record<string, unknown>> {
  const subsets = subsetList(options.subset);
  const collectors = resolveSubsets(subsets);
  const res = await conn.exec(factScript(collectors));
  const facts = assembleFacts(splitSections(res.stdout), collectors);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return { ...out, gather_subset: subsets, module_setup: true };
}

/** The facts (without the ansible_ prefix) of the chosen collectors, from the script's sections. */
export function assembleFacts(sections: Map<string, string>, collectors: ReadonlySet<Collector>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  const want = (c: Collector) => collectors.has(c);
  const platform = want('platform') ? platformFacts(sections.get('platform')) : {};
  Object.assign(facts, platform);
  let distribution: Record<string, unknown> = {};
  if (want('distribution')) {
    const osRelease = sections.get('os-release') ?? '';
    const fromUsr = osRelease.startsWith('#usr\n');
    const files = new Map<string, string>();
    for (const [name, text] of sections) if (name.startsWith('dist:')) files.set(name.slice(5), text);
    distribution = distributionFacts({
      osRelease: fromUsr ? osRelease.slice(5) : osRelease,
      osReleaseFromUsr: fromUsr,
      debianVersion: sections.get('debian_version') ?? '',
      files,
    });
    Object.assign(facts, distribution);
  }
  if (want('pkg_mgr')) facts.pkg_mgr = pkgMgrFact(sections.get('pkg_mgr'), distribution);
  if (want('service_mgr')) facts.service_mgr = serviceMgrFact(sections.get('service_mgr'));
  if (want('user')) Object.assign(facts, userFacts(sections.get('user')));
  if (want('env')) facts.env = envFact(sections.get('env'));
  if (want('hardware')) {
    Object.assign(facts, memoryFacts(sections.get('meminfo')));
    Object.assign(facts, cpuFacts(sections.get('cpuinfo'), sections.get('cpu'), String(platform.architecture ?? '')));
  }
  if (want('network')) {
    Object.assign(facts, networkFacts({
      net: sections.get('net') ?? '',
      addrPrimary: sections.get('addr-primary') ?? '',
      addrSecondary: sections.get('addr-secondary') ?? '',
    }));
  }
  return facts;
}
