// A Debian host's packages as the apt module sees them: what dpkg says is
// installed and what apt offers (`apt-cache policy`), read in one round trip;
// a .deb file's package; apt-get's dry run (--simulate) of a change; the cache's age.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { commandFailure, probe, type Step } from '../host/run.js';
import { quoteArgv, raw } from '../host/shell.js';
import { cacheTime } from './apt-commands.js';
import type { HostPackage, PackageName } from './request.js';

const MARK = '@@tsplay-apt@@';

/** `name`, `name=1.2`, `name=1.2*`. */
export function aptName(spec: string): PackageName {
  const eq = spec.indexOf('=');
  return eq > 0 ? { spec, name: spec.slice(0, eq), version: spec.slice(eq + 1) } : { spec, name: spec };
}

/** `apt-cache policy` as name -> { installed, candidate }. */
export function parsePolicy(text: string): Map<string, HostPackage> {
  const out = new Map<string, HostPackage>();
  let current: HostPackage | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      current = {};
      out.set(head[1]!, current);
      continue;
    }
    const field = /^\s+(Installed|Candidate): (.*)$/.exec(line);
    if (current && field) {
      const value = field[2]!.trim();
      if (value !== '(none)') current[field[1] === 'Installed' ? 'installed' : 'candidate'] = value;
    }
  }
  return out;
}

/**
 * What is installed (dpkg: "ii") and offered, by name; names apt does not know
 * are absent from the map. With a default release, apt's candidates are the
 * ones that release pins (990, as `apt-get -t`). `auto`: the names apt marks
 * as installed automatically (as a dependency).
 */
export async function readApt(
  conn: Connection,
  names: PackageName[],
  defaultRelease?: string,
): Promise<{ found: Map<string, HostPackage>; auto: Set<string> }> {
  const list = names.map((n) => n.name);
  const release = defaultRelease ? ['-o', `APT::Default-Release=${defaultRelease}`] : [];
  const autoScript = `awk 'BEGIN { for (i = 2; i < ARGC; i++) want[ARGV[i]] = 1; ARGC = 2 } /^Package: / { p = $2 } /^Auto-Installed: 1/ && (p in want) { print p }'`;
  const script =
    `dpkg-query -W -f='\${Package}|\${db:Status-Abbrev}|\${Version}\\n' -- ${quoteArgv(list)} 2>/dev/null; echo ${MARK}; ` +
    `LANG=C apt-cache ${quoteArgv(release)} policy -- ${quoteArgv(list)} 2>/dev/null; echo ${MARK}; ` +
    `${autoScript} /var/lib/apt/extended_states ${quoteArgv(list)} 2>/dev/null`;
  const res = await probe(conn, raw(script), { timeout: 120 });
  const [dpkg = '', policy = '', auto = ''] = res.stdout.split(`${MARK}\n`);
  const found = parsePolicy(policy);
  for (const line of dpkg.split('\n')) {
    const [name, status, version] = line.split('|');
    if (!name || !status?.startsWith('ii')) continue;
    found.set(name, { ...found.get(name), installed: version });
  }
  for (const [, p] of found) if (p.installed === undefined) delete p.installed;
  return { found, auto: new Set(auto.split('\n').filter(Boolean)) };
}

/** Fails like Ansible when a package to install is unknown to apt. */
export function requireAvailable(names: PackageName[], found: Map<string, HostPackage>): void {
  for (const p of names) {
    const host = found.get(p.name);
    if (!host?.candidate && !host?.installed) throw new ModuleFailure(`No package matching '${p.name}' is available`);
  }
}

/** A .deb file on the host: the package it holds, and what dpkg has of it. */
export async function readDebFile(conn: Connection, file: string): Promise<{ name: string; version: string; installed?: string }> {
  const script =
    `f=${quoteArgv([file])}; [ -f "$f" ] || { echo "missing"; exit 0; }; ` +
    `n=$(dpkg-deb -f "$f" Package) || exit 1; v=$(dpkg-deb -f "$f" Version) || exit 1; ` +
    `printf '%s|%s|' "$n" "$v"; dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' "$n" 2>/dev/null`;
  const res = await probe(conn, raw(script), { timeout: 60 });
  if (res.stdout.trim() === 'missing') throw new ModuleFailure(`Unable to install package: ${file} does not exist`);
  if (res.rc !== 0) throw new ModuleFailure(`Unable to install package: ${res.stderr.trim() || `${file} is not a Debian package`}`);
  const [name = '', version = '', status = '', installed = ''] = res.stdout.split('|');
  return { name, version, installed: status.startsWith('ii') ? installed : undefined };
}

/** Runs a --simulate step (check mode, as Ansible): fails as the real command would; returns its output. */
export async function simulate(conn: Connection, step: Step): Promise<string> {
  const res = await probe(conn, step.command, { env: step.env, timeout: 120 });
  if (res.rc !== 0) throw commandFailure(step.command, res, step.failure?.(res));
  return res.stdout;
}

/** Whether the cache is older than `validSeconds` (Ansible's rule), and its time. */
export async function cacheAge(conn: Connection, validSeconds: number): Promise<{ stale: boolean; time: number }> {
  // To the nanosecond, as Ansible compares: an update a moment ago is not "now".
  const res = await probe(conn, raw(`${cacheTime('%.9Y')}; date +%s.%N`), { timeout: 30 });
  const [time = 0, now = 0] = res.stdout.trim().split('\n').map(Number);
  return { stale: !(time + validSeconds >= now), time: Math.floor(time) };
}

/** Is aptitude on the host (Ansible upgrades with it unless force_apt_get)? */
export async function hasAptitude(conn: Connection): Promise<boolean> {
  return (await probe(conn, raw('command -v aptitude'), { timeout: 30 })).rc === 0;
}
