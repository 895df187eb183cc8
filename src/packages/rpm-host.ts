// An RPM host's packages as the dnf and yum modules see them: what rpm says is
// installed, and (only when the answer needs it: a missing package, or
// state=latest) what the repositories offer, in one round trip; the dnf/yum
// commands that make a change.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probe, type Step } from '../host/run.js';
import { quote, quoteArgv, raw } from '../host/shell.js';
import { fnmatchRegex } from '../file-ops/fnmatch.js';
import type { HostPackage, PackageName } from './request.js';

const MARK = '@@tsplay-rpm@@';
const QUERIED = '@@tsplay-rpm-queried@@';

export type RpmTool = 'dnf' | 'yum';

export interface RpmOptions {
  /** dnf or yum, as found on the host. */
  bin: RpmTool;
  enablerepo: string[];
  disablerepo: string[];
  exclude: string[];
  disableGpgCheck: boolean;
  installroot?: string;
  confFile?: string;
  releasever?: string;
  /** `all`, `main` or a repository id: whose excludes are ignored. */
  disableExcludes?: string;
  disablePlugin?: string[];
  enablePlugin?: string[];
  cacheonly?: boolean;
  /** false: no TLS certificate checks (the main configuration's sslverify). */
  sslverify?: boolean;
}

/** Options only the command that changes packages gets. */
export interface RpmChangeOptions {
  installWeakDeps: boolean;
  nobest: boolean;
  allowerasing: boolean;
  skipBroken: boolean;
  /** Ansible sets clean_requirements_on_remove to autoremove (dnf's own default is on). */
  autoremove: boolean;
  downloadOnly: boolean;
  downloadDir?: string;
}

/** The options every dnf/yum command of the task gets (the query as the change). */
function common(o: RpmOptions): string[] {
  return [
    ...(o.confFile ? ['-c', o.confFile] : []),
    ...(o.releasever !== undefined ? [`--releasever=${o.releasever}`] : []),
    ...(o.cacheonly ? ['--cacheonly'] : []),
    ...o.enablerepo.map((r) => `--enablerepo=${r}`),
    ...o.disablerepo.map((r) => `--disablerepo=${r}`),
    ...o.exclude.map((e) => `--exclude=${e}`),
    ...(o.disableExcludes ? [`--disableexcludes=${o.disableExcludes}`] : []),
    ...(o.enablePlugin ?? []).map((p) => `--enableplugin=${p}`),
    ...(o.disablePlugin ?? []).map((p) => `--disableplugin=${p}`),
    ...(o.sslverify === false ? ['--setopt=sslverify=0'] : []),
    ...(o.disableGpgCheck ? ['--nogpgcheck'] : []),
    ...(o.installroot && o.installroot !== '/' ? [`--installroot=${o.installroot}`] : []),
  ];
}

/**
 * What the change's command adds: yum has no weak dependencies, no --nobest,
 * no --allowerasing. Ansible's dnf asks the best candidate of an upgrade
 * (state=latest) unless nobest (the CLI follows dnf.conf's `best`).
 */
function changeOptions(bin: RpmTool, c: RpmChangeOptions, verb: RpmVerb): string[] {
  const download = c.downloadOnly ? ['--downloadonly', ...(c.downloadDir ? [`--downloaddir=${c.downloadDir}`] : [])] : [];
  if (bin === 'yum') return [...(c.skipBroken ? ['--skip-broken'] : []), ...download];
  return [
    ...(verb === 'remove' ? [`--setopt=clean_requirements_on_remove=${c.autoremove ? 1 : 0}`] : [`--setopt=install_weak_deps=${c.installWeakDeps ? 1 : 0}`]),
    ...(c.nobest ? ['--nobest'] : verb === 'upgrade' ? ['--setopt=best=1'] : []),
    ...(c.allowerasing ? ['--allowerasing'] : []),
    ...(c.skipBroken ? ['--skip-broken'] : []),
    ...download,
  ];
}

/** A spec (`name`, `name-1.2`, `name-1.2-3`) is in the repositories if a package offered is it or a version of it. */
const offers = (offered: string[], spec: string): boolean => offered.some((n) => spec === n || spec.startsWith(`${n}-`));

/** A shell line that sets $bin to the first of the tools (in order) the host has. */
function pickTool(tools: RpmTool[]): string {
  return `bin=; for b in ${tools.join(' ')}; do command -v "$b" >/dev/null 2>&1 && { bin=$b; break; }; done`;
}

const toolOf = (out: string): RpmTool | undefined => {
  const bin = /^bin=(\w*)$/m.exec(out)?.[1];
  return bin === 'dnf' || bin === 'yum' ? bin : undefined;
};

/** The first of `tools` the host has. */
export async function rpmTool(conn: Connection, tools: RpmTool[]): Promise<RpmTool | undefined> {
  return toolOf((await probe(conn, raw(`${pickTool(tools)}; echo "bin=$bin"`), { timeout: 30 })).stdout);
}

/** The shell that prints `name|version-release` of the newest offered of the specs in "$@", with $bin's query. */
function offeredQuery(o: Omit<RpmOptions, 'bin'>): string {
  const opts = quoteArgv(common({ ...o, bin: 'dnf' }));
  return (
    `if [ "$bin" = dnf ]; then dnf -q ${opts} repoquery --latest-limit=1 --qf '%{name}|%{version}-%{release}\\n' -- "$@" 2>&1; ` +
    `else yum -q ${opts} list available -- "$@" 2>&1 | awk 'NF==3 && $1 ~ /\\./ {n=$1; sub(/\\.[^.]*$/, "", n); print n "|" $2}'; fi`
  );
}

/** The query's answer: the newest version offered, by name. */
function parseOffered(text: string): Map<string, string> {
  const offered = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([^|\s]+)\|(\S+)$/.exec(line);
    if (m) offered.set(m[1]!, m[2]!);
  }
  return offered;
}

/**
 * In one round trip: which of `tools` the host has (the first found), the
 * installed versions by spec, and (for `latest`, or when a spec to install is
 * missing) the newest version offered; specs the repositories do not offer
 * are in `unknown`. dnf's excludes hide installed packages too: a spec whose
 * name the task's `exclude` matches counts as not installed (unless
 * disable_excludes turns them off).
 */
export async function readRpm(
  conn: Connection,
  tools: RpmTool[],
  o: Omit<RpmOptions, 'bin'>,
  names: PackageName[],
  latest: boolean,
  installing = true,
): Promise<{ bin?: RpmTool; found: Map<string, HostPackage>; unknown: string[] }> {
  const specs = names.map((n) => n.spec);
  const excludes = o.disableExcludes === 'all' || o.disableExcludes === 'main' ? [] : o.exclude.map(fnmatchRegex);
  const hidden = specs.filter((spec) => excludes.some((re) => re.test(spec)));
  const root = o.installroot && o.installroot !== '/' ? ['--root', o.installroot] : [];
  const script = [
    pickTool(tools),
    'echo "bin=$bin"; [ -n "$bin" ] || exit 0',
    // dnf would only say that it cannot read it, among the query's lines.
    ...(o.confFile ? [`[ -r ${quote(o.confFile)} ] || { echo noconf; exit 0; }`] : []),
    `set -- ${quoteArgv(specs.filter((spec) => !hidden.includes(spec)))}`,
    `missing=${hidden.length ? 1 : 0}`,
    ...hidden.map((spec) => `printf '%s|\\n' ${quote(spec)}`),
    `for p in "$@"; do v=$(rpm -q ${quoteArgv(root)} --qf '%{VERSION}-%{RELEASE}\\n' -- "$p" 2>/dev/null) && printf '%s|%s\\n' "$p" "$(printf '%s\\n' "$v" | tail -n 1)" || { printf '%s|\\n' "$p"; missing=1; }; done`,
    `echo ${MARK}`,
    `set -- ${quoteArgv(specs)}`,
    // The repositories are asked only when the answer needs them (dnf is slow to start).
    `if [ ${latest ? 1 : 0} = 1 ] || [ "\${missing}${installing ? 1 : 0}" = 11 ]; then echo ${QUERIED}; ${offeredQuery(o)}; fi`,
  ].join('\n');
  const res = await probe(conn, raw(script), { timeout: 300 });
  const bin = toolOf(res.stdout);
  if (bin && /^noconf$/m.test(res.stdout)) throw new ModuleFailure('cannot read configuration file', { conf_file: o.confFile, results: [] });
  const [head = '', answer = ''] = res.stdout.split(`${MARK}\n`);
  const found = new Map<string, HostPackage>();
  for (const line of head.split('\n').slice(1)) {
    const [spec, version] = line.split('|');
    if (spec) found.set(spec, version ? { installed: version } : {});
  }
  const offered = parseOffered(answer);
  for (const [name, version] of offered) {
    const p = found.get(name);
    if (p) p.candidate = version;
  }
  // Asked, even if nothing came back (all excluded, say).
  const queried = answer.startsWith(`${QUERIED}\n`);
  const unknown = queried ? specs.filter((s) => !found.get(s)?.installed && !offers([...offered.keys()], s)) : [];
  return { bin, found, unknown };
}

/**
 * Fails as Ansible's dnf does when packages to install are not offered, saying
 * which are there but excluded (asked again, with every exclude off: the
 * failure's one more round trip).
 */
export async function requireOffered(conn: Connection, o: RpmOptions, unknown: string[]): Promise<void> {
  if (unknown.length === 0) return;
  const script = `bin=${o.bin}; set -- ${quoteArgv(unknown)}\n${offeredQuery({ ...o, disableExcludes: 'all' })}`;
  const excluded = [...parseOffered((await probe(conn, raw(script), { timeout: 300 })).stdout).keys()];
  throw new ModuleFailure('Failed to install some of the specified packages', {
    failures: unknown.map((s) =>
      offers(excluded, s) ? `${s} All matches were filtered out by exclude filtering for argument: ${s}` : `No package ${s} available.`,
    ),
    rc: 1,
    results: [],
  });
}

export type RpmVerb = 'install' | 'upgrade' | 'remove';

const changeArgv = (o: RpmOptions, c: RpmChangeOptions, verb: RpmVerb, specs: string[]): string[] =>
  [...common(o), ...changeOptions(o.bin, c, verb), verb, '--', ...specs];

/**
 * Whether the change's own command would do anything (a dry run, --assumeno:
 * 0 when there is nothing to do). What is offered as newer may not be
 * installable (nobest, skip_broken, dependencies): only dnf knows.
 */
export async function wouldChange(conn: Connection, o: RpmOptions, c: RpmChangeOptions, verb: RpmVerb, specs: string[]): Promise<boolean> {
  const res = await probe(conn, [o.bin, '-q', '--assumeno', ...changeArgv(o, c, verb, specs)], { timeout: 300 });
  return res.rc !== 0;
}

export function rpmStep(o: RpmOptions, c: RpmChangeOptions, verb: RpmVerb, specs: string[]): Step {
  const argv = [o.bin, '-y', ...changeArgv(o, c, verb, specs)];
  return {
    summary: `${o.bin} ${verb} ${specs.join(' ')}`,
    command: argv,
    failure: (res) => `Failed to ${verb} some of the specified packages: ${res.stderr.trim() || res.stdout.trim()}`,
  };
}

/**
 * Fresh repository metadata (update_cache): a real run's step before the plan,
 * with the first of `tools` the host has.
 */
export function makecacheStep(tools: RpmTool[], o: Omit<RpmOptions, 'bin'>): Step {
  // Fresh metadata cannot come from the cache alone.
  const opts = quoteArgv(common({ ...o, cacheonly: false, bin: tools[0]! }));
  const commands: Record<RpmTool, string> = {
    dnf: `dnf -q ${opts} makecache --refresh`,
    yum: `yum -q ${opts} clean expire-cache && yum -q ${opts} makecache`,
  };
  const branches = tools.map((t, i) => `${i ? 'elif' : 'if'} command -v ${t} >/dev/null 2>&1; then ${commands[t]}`);
  return {
    summary: `${tools[0]} makecache`,
    command: raw(`${branches.join('; ')}; fi`),
    failure: (res) => `Failed to update the package cache: ${res.stderr.trim()}`,
  };
}
