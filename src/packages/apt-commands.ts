// The apt-get commands of the apt module, with Ansible's options: install,
// remove, build-dep, upgrade, autoremove/autoclean, clean, apt-mark manual and
// the cache update (retried with backoff); each optionally under a policy-rc.d
// that answers with a fixed code while dpkg runs, and as a --simulate probe
// for check mode.
import type { Step } from '../host/run.js';
import { quote, quoteArgv, raw, type RawShell } from '../host/shell.js';

export interface AptOptions {
  installRecommends?: boolean;
  purge: boolean;
  autoremove: boolean;
  allowDowngrade: boolean;
  allowUnauthenticated: boolean;
  allowChangeHeld: boolean;
  failOnAutoremove: boolean;
  onlyUpgrade: boolean;
  force: boolean;
  dpkgOptions: string;
  /** The exit code /usr/sbin/policy-rc.d gives while apt-get runs (undefined: the host's own policy). */
  policyRcD?: number;
  /** apt-get install --fix-broken (state fixed). */
  fixBroken?: boolean;
  /** The release to install from (`-t`): installs and upgrades only. */
  defaultRelease?: string;
  /** apt-get --simulate: what Ansible runs in check mode (no policy-rc.d needed, nothing runs). */
  simulate?: boolean;
}

const ENV = { DEBIAN_FRONTEND: 'noninteractive', DEBCONF_NONINTERACTIVE_SEEN: 'true' };
const POLICY = '/usr/sbin/policy-rc.d';

/**
 * argv run with /usr/sbin/policy-rc.d saying `code`: a file already there is
 * moved aside and put back afterwards, else the one written is removed.
 */
function underPolicy(argv: string[], code: number): RawShell {
  const p = quote(POLICY);
  return raw(
    `b=; if [ -e ${p} ]; then b=$(mktemp -d) && mv ${p} "$b/" || exit 1; fi; ` +
      `printf '#!/bin/sh\\nexit %d\\n' ${Math.trunc(code)} > ${p} && chmod 0755 ${p} || exit 1; ` +
      `${quoteArgv(argv)}; rc=$?; ` +
      `if [ -n "$b" ]; then mv "$b/policy-rc.d" ${p} && rmdir "$b"; else rm -f ${p}; fi; exit $rc`,
  );
}

function aptGet(o: AptOptions, verb: string, extra: string[], specs: string[]): Step {
  const dpkg = o.dpkgOptions.split(',').filter(Boolean).flatMap((d) => ['-o', `Dpkg::Options::=--${d.trim()}`]);
  const argv = ['apt-get', '-y', '-q', ...dpkg, ...(o.force ? ['--force-yes'] : []), ...(o.simulate ? ['--simulate'] : []), ...extra, verb, ...specs];
  return {
    summary: `apt-get ${verb} ${specs.join(' ')}`.trim(),
    command: o.policyRcD === undefined || o.simulate ? argv : underPolicy(argv, o.policyRcD),
    env: ENV,
    failure: (res) => `'${argv.join(' ')}' failed: ${res.stderr.trim() || res.stdout.trim()}`,
  };
}

const when = (on: boolean | undefined, ...words: string[]): string[] => (on ? words : []);
const release = (o: AptOptions): string[] => (o.defaultRelease ? ['-t', o.defaultRelease] : []);
const recommends = (o: AptOptions): string[] =>
  o.installRecommends === undefined ? [] : ['-o', `APT::Install-Recommends=${o.installRecommends ? 'yes' : 'no'}`];
/** What install, upgrade and build-dep allow alike. */
const allowances = (o: AptOptions): string[] => [
  ...when(o.failOnAutoremove, '--no-remove'),
  ...when(o.allowUnauthenticated, '--allow-unauthenticated'),
  ...when(o.allowDowngrade, '--allow-downgrades'),
];

export function installStep(o: AptOptions, specs: string[]): Step {
  const extra = [
    ...release(o),
    ...recommends(o),
    ...when(o.onlyUpgrade, '--only-upgrade'),
    ...when(o.fixBroken, '--fix-broken'),
    ...when(o.autoremove, '--auto-remove'),
    ...allowances(o),
    ...when(o.allowChangeHeld, '--allow-change-held-packages'),
  ];
  return aptGet(o, 'install', extra, specs);
}

/** Removal: as Ansible, without --allow-change-held-packages (a held package is not removed). */
export function removeStep(o: AptOptions, names: string[]): Step {
  return aptGet(o, 'remove', [...when(o.purge, '--purge'), ...when(o.autoremove, '--auto-remove')], names);
}

/**
 * `upgrade`'s modes with apt-get, as Ansible without aptitude: dist and full
 * are dist-upgrade, yes and safe are upgrade --with-new-pkgs.
 */
export function upgradeStep(o: AptOptions, mode: string): Step {
  const dist = mode === 'dist' || mode === 'full';
  const after = [...when(!dist, '--with-new-pkgs'), ...when(o.autoremove, '--auto-remove')];
  return aptGet(o, dist ? 'dist-upgrade' : 'upgrade', [...release(o), ...allowances(o)], after);
}

/** `apt-get build-dep` (state build-dep): what the named source packages need to build. */
export function buildDepStep(o: AptOptions, names: string[]): Step {
  const extra = [
    ...release(o),
    ...recommends(o),
    ...when(o.onlyUpgrade, '--only-upgrade'),
    ...allowances(o),
    ...when(o.allowChangeHeld, '--allow-change-held-packages'),
  ];
  return aptGet(o, 'build-dep', extra, names);
}

/** What an upgrade or build-dep that does nothing says (apt-get's summary line). */
export const NOTHING_UPGRADED = '\n0 upgraded, 0 newly installed';

/**
 * Named packages that apt installed as dependencies become manually installed,
 * as Ansible marks every name it installs (so autoremove keeps them). Not a change.
 */
export function markManualStep(names: string[]): Step {
  return { summary: `apt-mark manual ${names.join(' ')}`, command: ['apt-mark', 'manual', ...names], env: ENV };
}

/** `apt-get autoremove` / `autoclean` (with --purge when asked). */
export function cleanupStep(o: AptOptions, operation: 'autoremove' | 'autoclean'): Step {
  return aptGet(o, operation, o.purge ? ['--purge'] : [], []);
}

/** What tells that a cleanup changed something, in its (simulated) output. */
export const CLEANUP_CHANGED = { autoremove: 'The following packages will be REMOVED', autoclean: 'Del ' } as const;

/** `apt-get clean`: any stderr fails it, as in Ansible. */
export function cleanStep(): Step {
  return {
    summary: 'apt-get clean',
    command: raw(`apt-get clean 2>&1 >/dev/null | { if read -r l; then { echo "$l"; cat; } >&2; exit 1; fi; }`),
    env: ENV,
    failure: (res) => `apt-get clean failed: ${res.stderr.trim()}`,
  };
}

/** The time (epoch seconds, `%Y` or `%.9Y`) Ansible takes as the cache's age: update-success-stamp, else the lists directory. */
export const cacheTime = (format = '%Y'): string =>
  `{ stat -c ${format} /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c ${format} /var/lib/apt/lists 2>/dev/null || echo 0; }`;
const CACHE_TIME = cacheTime();

/** The W:/E: lines of apt-get update's stderr, as python-apt words a failed update. */
export function updateFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => /^([WE]): (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}`);
  return `Failed to update apt cache: ${lines.length ? lines.join(', ') : 'unknown reason'}`;
}

export interface UpdateCache {
  /** Update only when the cache is older than this (seconds); 0: always. */
  validSeconds: number;
  /** Tries before failing. */
  retries: number;
  /** The longest wait between tries (seconds). */
  maxDelay: number;
}

/**
 * `apt-get update` (when the cache is older than validSeconds), tried up to
 * `retries` times with waits of 2^n seconds (at most maxDelay) plus the same
 * random fraction, as Ansible. Prints the cache time afterwards.
 */
export function updateCacheStep(u: UpdateCache): Step {
  const retries = Math.max(0, Math.trunc(u.retries));
  const update =
    `f=$(od -An -N2 -tu2 /dev/urandom | tr -d ' '); f=$(printf '%03d' $((f % 1000))); n=0; err=$(mktemp); ` +
    `while [ $n -lt ${retries} ]; do ` +
    `LANG=C apt-get update -q >/dev/null 2>"$err" && { n=ok; break; }; ` +
    `d=${Math.trunc(u.maxDelay)}; [ $n -lt 30 ] && [ $((1 << n)) -lt $d ] && d=$((1 << n)); sleep "$d.$f"; n=$((n + 1)); done; ` +
    `cat "$err" >&2; rm -f "$err"; [ "$n" = ok ] || exit 1`;
  const stale =
    u.validSeconds > 0 ? `[ $(( $(date +%s) - $(${CACHE_TIME}) )) -lt ${Math.floor(u.validSeconds)} ] || { ${update}; }` : `{ ${update}; }`;
  return {
    summary: 'apt-get update',
    command: raw(`${stale} && ${CACHE_TIME}`),
    env: ENV,
    failure: (res) => updateFailure(res.stderr),
  };
}
