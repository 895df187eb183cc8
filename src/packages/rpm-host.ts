// An RPM host's packages as the dnf and yum modules see them: what rpm says is
// installed, and (only when the answer needs it: a missing package, or
// state=latest) what the repositories offer, in one round trip; the dnf/yum
// commands that make a change.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probe, type Step } from '../host/run.js';
import { quoteArgv, raw } from '../host/shell.js';
import type { HostPackage, PackageName } from './request.js';

const MARK = '@@tsplay-rpm@@';

export interface RpmOptions {
  /** dnf or yum, as found on the host. */
  bin: 'dnf' | 'yum';
  enablerepo: string[];
  disablerepo: string[];
  exclude: string[];
  disableGpgCheck: boolean;
  installroot?: string;
}

/** The options every dnf/yum command of the task gets. */
function common(o: RpmOptions): string[] {
  return [
    ...o.enablerepo.map((r) => `--enablerepo=${r}`),
    ...o.disablerepo.map((r) => `--disablerepo=${r}`),
    ...o.exclude.map((e) => `--exclude=${e}`),
    ...(o.disableGpgCheck ? ['--nogpgcheck'] : []),
    ...(o.installroot && o.installroot !== '/' ? [`--installroot=${o.installroot}`] : []),
  ];
}

/** A spec (`name`, `name-1.2`, `name-1.2-3`) is in the repositories if a package offered is it or a version of it. */
const offers = (offered: string[], spec: string): boolean => offered.some((n) => spec === n || spec.startsWith(`${n}-`));

/** A shell line that sets $bin to the first of the tools the host has (`wanted` first). */
function pickTool(wanted: 'dnf' | 'yum'): string {
  const order = wanted === 'yum' ? 'yum dnf' : 'dnf yum';
  return `bin=; for b in ${order}; do command -v "$b" >/dev/null 2>&1 && { bin=$b; break; }; done`;
}

const toolOf = (out: string): 'dnf' | 'yum' | undefined => {
  const bin = /^bin=(\w*)$/m.exec(out)?.[1];
  return bin === 'dnf' || bin === 'yum' ? bin : undefined;
};

/** Which of dnf and yum the host has (`wanted` first). */
export async function rpmTool(conn: Connection, wanted: 'dnf' | 'yum'): Promise<'dnf' | 'yum' | undefined> {
  return toolOf((await probe(conn, raw(`${pickTool(wanted)}; echo "bin=$bin"`), { timeout: 30 })).stdout);
}

/**
 * In one round trip: which of dnf and yum the host has (`wanted` first), the
 * installed versions by spec, and (for `latest`, or when a spec to install is
 * missing) the newest version offered; specs the repositories do not offer
 * are in `unknown`.
 */
export async function readRpm(
  conn: Connection,
  wanted: 'dnf' | 'yum',
  o: Omit<RpmOptions, 'bin'>,
  names: PackageName[],
  latest: boolean,
  installing = true,
): Promise<{ bin?: 'dnf' | 'yum'; found: Map<string, HostPackage>; unknown: string[] }> {
  const specs = names.map((n) => n.spec);
  const root = o.installroot && o.installroot !== '/' ? ['--root', o.installroot] : [];
  const opts = quoteArgv(common({ ...o, bin: wanted }));
  const query =
    `if [ "$bin" = dnf ]; then dnf -q ${opts} repoquery --latest-limit=1 --qf '%{name}|%{version}-%{release}\\n' -- "$@" 2>&1; ` +
    `else yum -q ${opts} list available -- "$@" 2>&1 | awk 'NF==3 && $1 ~ /\\./ {n=$1; sub(/\\.[^.]*$/, "", n); print n "|" $2}'; fi`;
  const script = [
    pickTool(wanted),
    'echo "bin=$bin"; [ -n "$bin" ] || exit 0',
    `set -- ${quoteArgv(specs)}`,
    'missing=0',
    `for p in "$@"; do v=$(rpm -q ${quoteArgv(root)} --qf '%{VERSION}-%{RELEASE}\\n' -- "$p" 2>/dev/null) && printf '%s|%s\\n' "$p" "$(printf '%s\\n' "$v" | tail -n 1)" || { printf '%s|\\n' "$p"; missing=1; }; done`,
    `echo ${MARK}`,
    // The repositories are asked only when the answer needs them (dnf is slow to start).
    `if [ ${latest ? 1 : 0} = 1 ] || [ "\${missing}${installing ? 1 : 0}" = 11 ]; then ${query}; fi`,
  ].join('\n');
  const res = await probe(conn, raw(script), { timeout: 300 });
  const bin = toolOf(res.stdout);
  const [head = '', offered = ''] = res.stdout.split(`${MARK}\n`);
  const found = new Map<string, HostPackage>();
  for (const line of head.split('\n').slice(1)) {
    const [spec, version] = line.split('|');
    if (spec) found.set(spec, version ? { installed: version } : {});
  }
  const offeredNames: string[] = [];
  for (const line of offered.split('\n')) {
    const m = /^([^|\s]+)\|(\S+)$/.exec(line);
    if (!m) continue;
    offeredNames.push(m[1]!);
    const p = found.get(m[1]!);
    if (p) p.candidate = m[2];
  }
  const queried = offered.trim() !== '' || latest;
  const unknown = queried ? specs.filter((s) => !found.get(s)?.installed && !offers(offeredNames, s)) : [];
  return { bin, found, unknown };
}

/** Fails as Ansible's dnf does when packages to install are not offered. */
export function requireOffered(unknown: string[]): void {
  if (unknown.length === 0) return;
  throw new ModuleFailure('Failed to install some of the specified packages', {
    failures: unknown.map((s) => `No package ${s} available.`),
    rc: 1,
    results: [],
  });
}

export function rpmStep(o: RpmOptions, verb: 'install' | 'upgrade' | 'remove', specs: string[]): Step {
  const argv = [o.bin, '-y', ...common(o), verb, '--', ...specs];
  return {
    summary: `${o.bin} ${verb} ${specs.join(' ')}`,
    command: argv,
    failure: (res) => `Failed to ${verb} some of the specified packages: ${res.stderr.trim() || res.stdout.trim()}`,
  };
}

/**
 * Fresh repository metadata (update_cache): a real run's step before the plan,
 * with whichever of dnf and yum the host has (`wanted` first).
 */
export function makecacheStep(wanted: 'dnf' | 'yum', o: Omit<RpmOptions, 'bin'>): Step {
  const opts = quoteArgv(common({ ...o, bin: wanted }));
  const dnf = `dnf -q ${opts} makecache --refresh`;
  const yum = `yum -q ${opts} clean expire-cache && yum -q ${opts} makecache`;
  const [first, second] = wanted === 'yum' ? [['yum', yum], ['dnf', dnf]] : [['dnf', dnf], ['yum', yum]];
  return {
    summary: `${wanted} makecache`,
    command: raw(`if command -v ${first![0]} >/dev/null 2>&1; then ${first![1]}; else ${second![1]}; fi`),
    failure: (res) => `Failed to update the package cache: ${res.stderr.trim()}`,
  };
}
