// A Debian host's packages as the apt module sees them: what dpkg says is
// installed and what apt offers (`apt-cache policy`), read in one round trip;
// the apt-get commands that make a change.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probe, type Step } from '../host/run.js';
import { quoteArgv, raw } from '../host/shell.js';
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

/** What is installed (dpkg: "ii") and offered, by name; names apt does not know are absent from the map. */
export async function readApt(conn: Connection, names: PackageName[]): Promise<Map<string, HostPackage>> {
  const list = names.map((n) => n.name);
  const script =
    `dpkg-query -W -f='\${Package}|\${db:Status-Abbrev}|\${Version}\\n' -- ${quoteArgv(list)} 2>/dev/null; echo ${MARK}; ` +
    `LANG=C apt-cache policy -- ${quoteArgv(list)} 2>/dev/null`;
  const res = await probe(conn, raw(script), { timeout: 120 });
  const [dpkg = '', policy = ''] = res.stdout.split(`${MARK}\n`);
  const found = parsePolicy(policy);
  for (const line of dpkg.split('\n')) {
    const [name, status, version] = line.split('|');
    if (!name || !status?.startsWith('ii')) continue;
    found.set(name, { ...found.get(name), installed: version });
  }
  for (const [, p] of found) if (p.installed === undefined) delete p.installed;
  return found;
}

/** Fails like Ansible when a package to install is unknown to apt. */
export function requireAvailable(names: PackageName[], found: Map<string, HostPackage>): void {
  for (const p of names) {
    const host = found.get(p.name);
    if (!host?.candidate && !host?.installed) throw new ModuleFailure(`No package matching '${p.name}' is available`);
  }
}

export interface AptOptions {
  installRecommends?: boolean;
  purge: boolean;
  autoremove: boolean;
  allowDowngrade: boolean;
  dpkgOptions: string;
}

const ENV = { DEBIAN_FRONTEND: 'noninteractive', DEBCONF_NONINTERACTIVE_SEEN: 'true' };

function aptGet(o: AptOptions, verb: string, extra: string[], specs: string[]): Step {
  const dpkg = o.dpkgOptions.split(',').filter(Boolean).flatMap((d) => ['-o', `Dpkg::Options::=--${d.trim()}`]);
  const argv = ['apt-get', '-y', '-q', ...dpkg, ...extra, verb, ...specs];
  return {
    summary: `apt-get ${verb} ${specs.join(' ')}`,
    command: argv,
    env: ENV,
    failure: (res) => `'${argv.join(' ')}' failed: ${res.stderr.trim() || res.stdout.trim()}`,
  };
}

export function installStep(o: AptOptions, specs: string[]): Step {
  const recommends = o.installRecommends === undefined ? [] : o.installRecommends ? ['-o', 'APT::Install-Recommends=yes'] : ['--no-install-recommends'];
  return aptGet(o, 'install', [...recommends, ...(o.allowDowngrade ? ['--allow-downgrades'] : [])], specs);
}

export function removeStep(o: AptOptions, names: string[]): Step {
  return aptGet(o, 'remove', [...(o.purge ? ['--purge'] : []), ...(o.autoremove ? ['--auto-remove'] : [])], names);
}

/** `apt-get update`, or only when the cache is older than `validSeconds`. */
export function updateCacheStep(validSeconds: number): Step {
  const update = 'apt-get update -q';
  const command =
    validSeconds > 0
      ? `stamp=$(stat -c %Y /var/lib/apt/periodic/update-success-stamp /var/cache/apt/pkgcache.bin 2>/dev/null | sort -n | tail -n 1); ` +
        `[ $(( $(date +%s) - \${stamp:-0} )) -lt ${Math.floor(validSeconds)} ] || ${update}`
      : update;
  return { summary: 'apt-get update', command: raw(command), env: ENV, failure: (res) => `Failed to update apt cache: ${res.stderr.trim()}` };
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
