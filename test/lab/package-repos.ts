// Local package repositories of stand-in packages, so that tests of package
// modules (apt, dnf) and of roles that install packages (Kubernetes) can
// install real packages on lab hosts without any network. Debian's archive has
// no kubelet & co. (/work/shared/LAB.md): a test builds packages of those names
// whose units run a placeholder daemon.
//
//   await buildDebRepo(dir, [{ name: 'kubelet', version: '1.0', unit: { name: 'kubelet' } }]);
//   await installRepoOnHost(lab, 'h1', 'deb', dir, { writeSource: true });
//   await lab.exec('h1', 'apt-get update && apt-get install -y kubelet');
//
// A build adds packages to `dir` (on this machine) and re-indexes everything
// in it. To publish a newer version, build it into the same `dir`, then
// install the repository on the hosts again and refresh their caches
// (`apt-get update`, `dnf --refresh`).
// Free of vitest, like lab-context.ts, so that scripts can use it. Needs
// dpkg-dev, rpm and createrepo-c (test/lab/install-packages.sh).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { quote } from '../../src/host/shell.js';
import type { Lab } from './lab.js';

export interface StandInPackage {
  name: string;
  /** Upstream version, e.g. "1.28.2" (no "-": the release is separate). */
  version: string;
  /** Package release (Debian revision / RPM Release). Default "1". */
  release?: string;
  /** One line. Default "stand-in <name> for tsplay tests". */
  summary?: string;
  /** Absolute path on the host -> content. Content starting with "#!" is installed executable (0755), the rest 0644. */
  files?: Record<string, string>;
  /** A systemd unit installed by the package (not enabled, not started); `name` gets ".service" unless it has it. */
  unit?: { name: string; execStart?: string };
  /** Names of packages this one needs (Depends / Requires). */
  depends?: string[];
}

export type RepoKind = 'deb' | 'rpm';

/** Where installRepoOnHost puts a repository on a host by default: outside /tmp, a tmpfs on the hosts. */
export const HOST_REPO_DIR: Record<RepoKind, string> = { deb: '/srv/repo-deb', rpm: '/srv/repo-rpm' };

/** The apt sources file and the yum .repo file that installRepoOnHost writes when asked. */
export const SOURCE_FILE: Record<RepoKind, string> = {
  deb: '/etc/apt/sources.list.d/tsplay-stand-ins.list',
  rpm: '/etc/yum.repos.d/tsplay-stand-ins.repo',
};

/** Placeholder daemon of a unit without execStart: runs until stopped. */
export const DEFAULT_EXEC_START = '/bin/sleep infinity';

// Names, versions and paths go into control files, spec files and %files
// lists: only characters that mean nothing there.
const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION_RE = /^[0-9][A-Za-z0-9.+~]*$/;
const RELEASE_RE = /^[A-Za-z0-9.+~]+$/;
const PATH_RE = /^(\/[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*)+$/;
const UNIT_RE = /^[A-Za-z0-9@_.-]+$/;
const LINE_RE = /^[^\n\r%]*$/;

function check(ok: boolean, pkg: StandInPackage, what: string): void {
  if (!ok) throw new Error(`package-repos: ${pkg.name}: bad ${what}`);
}

function validate(pkg: StandInPackage): void {
  check(NAME_RE.test(pkg.name), pkg, 'name');
  check(VERSION_RE.test(pkg.version), pkg, `version ${JSON.stringify(pkg.version)}`);
  check(pkg.release === undefined || RELEASE_RE.test(pkg.release), pkg, 'release');
  check(pkg.summary === undefined || LINE_RE.test(pkg.summary), pkg, 'summary (one line, no %)');
  for (const path of Object.keys(pkg.files ?? {})) check(PATH_RE.test(path), pkg, `file path ${JSON.stringify(path)}`);
  check(!pkg.unit || UNIT_RE.test(pkg.unit.name), pkg, 'unit name');
  check(!pkg.unit?.execStart || LINE_RE.test(pkg.unit.execStart), pkg, 'execStart (one line, no %)');
  for (const d of pkg.depends ?? []) check(NAME_RE.test(d), pkg, `dependency ${JSON.stringify(d)}`);
}

const summaryOf = (pkg: StandInPackage): string => pkg.summary ?? `stand-in ${pkg.name} for tsplay tests`;
const releaseOf = (pkg: StandInPackage): string => pkg.release ?? '1';

function unitPath(pkg: StandInPackage): string | undefined {
  if (!pkg.unit) return undefined;
  const name = pkg.unit.name.endsWith('.service') ? pkg.unit.name : `${pkg.unit.name}.service`;
  return `/usr/lib/systemd/system/${name}`;
}

/** Every file the package installs: path on the host -> content. */
function payload(pkg: StandInPackage): Record<string, string> {
  const files = { ...pkg.files };
  const unit = unitPath(pkg);
  if (unit) {
    files[unit] = [
      '[Unit]',
      `Description=${summaryOf(pkg)}`,
      '',
      '[Service]',
      `ExecStart=${pkg.unit!.execStart ?? DEFAULT_EXEC_START}`,
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n');
  }
  return files;
}

/** Does the package install a systemd unit (then it reloads systemd, as real packages do)? */
const installsUnits = (pkg: StandInPackage): boolean =>
  pkg.unit !== undefined || Object.keys(pkg.files ?? {}).some((p) => p.startsWith('/usr/lib/systemd/system/'));

/** Writes the package's files under `root` (a staging tree on this machine). */
function stage(root: string, files: Record<string, string>): void {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, content.startsWith('#!') ? 0o755 : 0o644);
  }
}

const execFileAsync = promisify(execFile);

/** Runs a program (argv, no shell); returns stdout, throws with its stderr. */
async function must(cmd: string, args: string[], cwd?: string): Promise<string> {
  try {
    return (await execFileAsync(cmd, args, { cwd, maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`package-repos: ${cmd} ${args.join(' ')} failed: ${stderr || String(err)}`);
  }
}

async function withWorkDir<T>(fn: (work: string) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), 'tsplay-pkgs-'));
  try {
    return await fn(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Like debhelper's snippet in real packages: systemd learns about a new or
// changed unit, so that `systemctl start` after an upgrade runs the new one.
const RELOAD_SH = '#!/bin/sh\nif [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n';

async function buildDeb(pkg: StandInPackage, work: string, dir: string): Promise<void> {
  const root = join(work, `${pkg.name}_deb`);
  stage(root, payload(pkg));
  const version = `${pkg.version}-${releaseOf(pkg)}`;
  const control = [
    `Package: ${pkg.name}`,
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: tsplay tests <root@localhost>',
    ...(pkg.depends?.length ? [`Depends: ${pkg.depends.join(', ')}`] : []),
    `Description: ${summaryOf(pkg)}`,
    '',
  ].join('\n');
  const meta: Record<string, string> = { '/control': control };
  if (installsUnits(pkg)) meta['/postinst'] = RELOAD_SH;
  stage(join(root, 'DEBIAN'), meta);
  await must('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, join(dir, `${pkg.name}_${version}_all.deb`)]);
}

/**
 * Builds each package as a .deb (architecture all) into `dir` and indexes every
 * .deb there (all versions): a flat repository for
 * `deb [trusted=yes] file:<dir on the host> ./`.
 */
export async function buildDebRepo(dir: string, packages: StandInPackage[]): Promise<void> {
  packages.forEach(validate);
  mkdirSync(dir, { recursive: true });
  await withWorkDir(async (work) => {
    for (const pkg of packages) await buildDeb(pkg, work, dir);
  });
  const index = await must('dpkg-scanpackages', ['--multiversion', '.'], dir);
  writeFileSync(join(dir, 'Packages'), index);
  // apt wants a Release file even for a trusted flat repository.
  const sha256 = createHash('sha256').update(index).digest('hex');
  writeFileSync(join(dir, 'Release'), `Date: ${new Date().toUTCString()}\nSHA256:\n ${sha256} ${Buffer.byteLength(index)} Packages\n`);
}

function specText(pkg: StandInPackage, root: string, files: string[]): string {
  return [
    `Name: ${pkg.name}`,
    `Version: ${pkg.version}`,
    `Release: ${releaseOf(pkg)}`,
    `Summary: ${summaryOf(pkg)}`,
    'License: MIT',
    'BuildArch: noarch',
    // The hosts are Debian: their rpm database is empty, so automatic
    // requirements (/bin/sh for a script) could never be met.
    'AutoReqProv: no',
    ...(pkg.depends ?? []).map((d) => `Requires: ${d}`),
    '',
    '%description',
    summaryOf(pkg),
    '',
    '%install',
    'mkdir -p %{buildroot}',
    `cp -a ${quote(root)}/. %{buildroot}/`,
    '',
    '%files',
    '%defattr(-,root,root,-)',
    ...files,
    // Like systemd's file triggers on Fedora. Lua, not sh: a sh scriptlet
    // would require /bin/sh, which no rpm package provides on these hosts.
    ...(installsUnits(pkg)
      ? ['', '%post -p <lua>', 'if posix.access("/run/systemd/system") then rpm.execute("systemctl", "daemon-reload") end']
      : []),
    '',
  ].join('\n');
}

async function buildRpm(pkg: StandInPackage, work: string, dir: string): Promise<void> {
  const top = join(work, `${pkg.name}_rpm`);
  const files = payload(pkg);
  stage(join(top, 'root'), files);
  const spec = join(top, `${pkg.name}.spec`);
  writeFileSync(spec, specText(pkg, join(top, 'root'), Object.keys(files)));
  await must('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, spec]);
  const built = join(top, 'RPMS', 'noarch');
  for (const f of readdirSync(built)) copyFileSync(join(built, f), join(dir, f));
}

/**
 * Builds each package as a noarch RPM into `dir` and runs createrepo_c over
 * every RPM there (all versions): a repository for `baseurl=file://<dir on the host>`.
 */
export async function buildRpmRepo(dir: string, packages: StandInPackage[]): Promise<void> {
  packages.forEach(validate);
  mkdirSync(dir, { recursive: true });
  await withWorkDir(async (work) => {
    for (const pkg of packages) await buildRpm(pkg, work, dir);
  });
  await must('createrepo_c', ['--quiet', dir]);
}

/** The apt sources line for a repository at `hostDir` on a host. */
export function debSourceLine(hostDir = HOST_REPO_DIR.deb): string {
  return `deb [trusted=yes] file:${hostDir} ./`;
}

/** A yum/dnf .repo file for a repository at `hostDir` on a host. */
export function rpmRepoText(hostDir = HOST_REPO_DIR.rpm): string {
  return ['[tsplay-stand-ins]', 'name=tsplay stand-in packages', `baseurl=file://${hostDir}`, 'enabled=1', 'gpgcheck=0', ''].join('\n');
}

export interface RepoOnHostOptions {
  /** Where the repository goes on the host. Default HOST_REPO_DIR[kind]; must not be under /tmp (a tmpfs on the hosts). */
  hostDir?: string;
  /** Also write SOURCE_FILE[kind] naming it. Default false: tests of apt_repository / yum_repository write their own. */
  writeSource?: boolean;
  /**
   * deb: rename the host's other apt sources to *.disabled. They name Debian's
   * mirrors, which are out of reach, so `apt-get update` would fail on them.
   */
  disableOtherSources?: boolean;
}

/**
 * Copies the repository built in `localDir` onto a lab host (replacing what
 * was at hostDir). Creates /etc/yum.repos.d for rpm (dnf needs it). Does not
 * refresh the host's package caches: after publishing a newer version, run
 * `apt-get update`, and `dnf --refresh` or `dnf makecache` (dnf caches a
 * file:// repository's metadata too, and would say "Nothing to do").
 */
export async function installRepoOnHost(
  lab: Pick<Lab, 'exec'>,
  host: string,
  kind: RepoKind,
  localDir: string,
  options: RepoOnHostOptions = {},
): Promise<void> {
  const hostDir = options.hostDir ?? HOST_REPO_DIR[kind];
  if (!PATH_RE.test(hostDir) || hostDir === '/tmp' || hostDir.startsWith('/tmp/')) {
    throw new Error(`package-repos: bad repository directory on the host: ${hostDir}`);
  }
  const tar = await execFileAsync('tar', ['-C', localDir, '-czf', '-', '.'], { encoding: 'buffer', maxBuffer: 256 << 20 });
  const lines = ['set -e', `rm -rf ${quote(hostDir)}`, `mkdir -p ${quote(hostDir)}`, `base64 -d | tar -xzf - -C ${quote(hostDir)}`];
  if (kind === 'rpm') lines.push('mkdir -p /etc/yum.repos.d');
  if (options.disableOtherSources && kind === 'deb') {
    lines.push(
      'for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do',
      `  if [ -f "$f" ] && [ "$f" != ${quote(SOURCE_FILE.deb)} ]; then mv "$f" "$f.disabled"; fi`,
      'done',
    );
  }
  if (options.writeSource) {
    const text = kind === 'deb' ? `${debSourceLine(hostDir)}\n` : rpmRepoText(hostDir);
    lines.push(`printf %s ${quote(text)} > ${quote(SOURCE_FILE[kind])}`);
  }
  const r = await lab.exec(host, lines.join('\n'), { input: tar.stdout.toString('base64'), timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`package-repos: installing the ${kind} repository on ${host} failed (${r.code}): ${r.stderr.trim()}`);
}
