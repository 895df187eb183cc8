// package_facts: the host's installed packages as the `packages` fact
// (ansible_facts.packages), name -> list of {name, version, ..., source}, as
// Ansible's package_facts gives them for apt, rpm, pacman, apk, portage, pkg
// and pkg_info (src/system-facts/package-managers.ts). One round trip finds
// the managers there and lists the first; `strategy: all` lists the others too.
// `auto` tries the distributions' own managers first (apt before rpm): Ansible's
// auto order is that of a Python set, so it may pick rpm on a Debian host that has rpm.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { detectScript, listingError, listScript, MANAGERS, parseDetect, SPECS, type Facts, type Manager } from '../src/system-facts/package-managers.js';

interface PackageFactsArgs {
  manager: string[];
  strategy: 'first' | 'all';
}

const packageFacts: Module<PackageFactsArgs, undefined> = {
  name: 'package_facts',
  summary: 'Package information as facts',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      manager: {
        type: 'array',
        items: { type: 'string' },
        default: ['auto'],
        description: 'Package managers to read (auto, apt, rpm, pacman, apk, portage, pkg, pkg_info)',
      },
      strategy: { type: 'string', enum: ['first', 'all'], default: 'first', description: 'Stop at the first usable manager, or read them all' },
    },
  },
  async plan(ctx) {
    const requested = ctx.args.manager.map((m) => m.toLowerCase());
    const unknown = [...new Set(requested.filter((m) => m !== 'auto' && !MANAGERS.includes(m as Manager)))];
    if (unknown.length > 0) {
      throw new ModuleFailure(
        requested.includes('auto')
          ? 'Could not auto detect a usable package manager, check warnings for details.'
          : `Unsupported package managers requested: ${unknown.join(', ')}`,
      );
    }
    const order = [...new Set(requested.flatMap((m) => (m === 'auto' ? [...MANAGERS] : [m as Manager])))];
    const first = await probe(ctx.conn, raw(detectScript(order)), { timeout: 300 });
    const { available, listing } = parseDetect(first.stdout);
    const packages: Facts = {};
    const warnings: string[] = [];
    let found = 0;
    for (const m of order.filter((x) => available.includes(x))) {
      if (found > 0 && ctx.args.strategy === 'first') break;
      found++;
      const res = m === available[0] ? { ...first, stdout: listing } : await probe(ctx.conn, raw(listScript(m)), { timeout: 300 });
      const error = listingError(m, res);
      // As Ansible: rpm's failure fails the task; another manager's is a warning (when asked for by name).
      if (error && m === 'rpm') throw new ModuleFailure(error);
      if (error) {
        if (requested.includes(m)) warnings.push(`Requested package manager ${m} was not usable by this module: ${error}`);
        continue;
      }
      Object.assign(packages, SPECS[m].parse(res.stdout));
    }
    if (found === 0) {
      throw new ModuleFailure(
        `Could not detect a supported package manager from the following list: [${order.map((m) => `'${m}'`).join(', ')}], or the required Python library is not installed. Check warnings for details.`,
      );
    }
    const result = { changed: false, ansible_facts: { packages }, ...(warnings.length ? { warnings } : {}) };
    return { changed: false, result, effects: { gatheredFacts: { packages } } };
  },
};

export default packageFacts;
