// package_facts: the host's installed packages as the `packages` fact
// (ansible_facts.packages), name -> list of {name, version, ..., source}, as
// Ansible's package_facts gives them for apt and rpm. `auto` takes the
// host's own manager (apt where dpkg is, else rpm): Ansible's auto order is
// that of a Python set, so it may pick rpm on a Debian host that has rpm.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { APT_LIST_SCRIPT, parseAptPackages, parseRpmPackages, RPM_LIST_SCRIPT, type PackageFacts } from '../src/system-facts/packages.js';

interface PackageFactsArgs {
  manager: string[];
  strategy: 'first' | 'all';
}

const MANAGERS = ['apt', 'rpm'] as const;
type Manager = (typeof MANAGERS)[number];

async function listPackages(ctx: Parameters<Module<PackageFactsArgs>['plan']>[0], manager: Manager): Promise<PackageFacts | undefined> {
  const tool = manager === 'apt' ? 'dpkg-query' : 'rpm';
  const script = `command -v ${tool} >/dev/null 2>&1 || exit 3\n${manager === 'apt' ? APT_LIST_SCRIPT : RPM_LIST_SCRIPT}`;
  const res = await probe(ctx.conn, raw(script), { timeout: 300 });
  if (res.rc === 3) return undefined;
  if (res.rc !== 0 && manager === 'rpm') throw new ModuleFailure(`Unable to list packages rc=${res.rc} : ${res.stderr}`);
  return manager === 'apt' ? parseAptPackages(res.stdout) : parseRpmPackages(res.stdout);
}

const packageFacts: Module<PackageFactsArgs, undefined> = {
  name: 'package_facts',
  summary: 'Package information as facts',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      manager: { type: 'array', items: { type: 'string' }, default: ['auto'], description: 'Package managers to read (auto, apt, rpm)' },
      strategy: { type: 'string', enum: ['first', 'all'], default: 'first', description: 'Stop at the first usable manager, or read them all' },
    },
  },
  async plan(ctx) {
    const asked = ctx.args.manager.map((m) => m.toLowerCase());
    const unknown = asked.filter((m) => m !== 'auto' && !MANAGERS.includes(m as Manager));
    // Ansible's other managers (apk, pacman, pkg, pkg_info, portage) are not read by tsplay.
    if (unknown.length > 0) throw new ModuleFailure(`Unsupported package managers requested: ${unknown.join(', ')}`);
    const order = [...new Set(asked.flatMap((m) => (m === 'auto' ? [...MANAGERS] : [m as Manager])))];
    let packages: PackageFacts = {};
    let found = 0;
    for (const m of order) {
      if (found > 0 && ctx.args.strategy === 'first') break;
      const listed = await listPackages(ctx, m);
      if (!listed) continue;
      found++;
      packages = { ...packages, ...listed };
    }
    if (found === 0) {
      throw new ModuleFailure(
        `Could not detect a supported package manager from the following list: [${order.map((m) => `'${m}'`).join(', ')}], or the required Python library is not installed. Check warnings for details.`,
      );
    }
    return { changed: false, result: { changed: false, ansible_facts: { packages } }, effects: { gatheredFacts: { packages } } };
  },
};

export default packageFacts;
