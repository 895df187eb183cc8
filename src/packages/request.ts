// What a package task asks, the same for every package manager: names (with
// an optional version spec), a wanted state, and what was found on the host;
// from these, which packages to install, upgrade or remove, and how a dry run
// names them (--diff, the result).
import type { FileDiff, PlannedTarget } from '../module-api/module-types.js';

export type WantedState = 'present' | 'latest' | 'absent';

/** Ansible's state words, as each package module takes them. */
export function wantedState(state: string): WantedState {
  if (state === 'latest') return 'latest';
  if (state === 'absent' || state === 'removed') return 'absent';
  return 'present';
}

export interface PackageName {
  /** As the user wrote it (name=1.2, name-1.2). */
  spec: string;
  /** The package's name alone. */
  name: string;
  /** The version the user pinned, if any. */
  version?: string;
}

export interface HostPackage {
  /** Installed version, if installed. */
  installed?: string;
  /** The newest version the repositories offer, if asked and known. */
  candidate?: string;
}

export interface PackageChanges {
  install: PackageName[];
  upgrade: PackageName[];
  remove: PackageName[];
}

/**
 * What to do for each name. `found` answers by name; a pinned version is
 * installed unless that exact version is (a prefix match, as `name=1.2*`).
 */
export function packageChanges(names: PackageName[], state: WantedState, found: Map<string, HostPackage>): PackageChanges {
  const changes: PackageChanges = { install: [], upgrade: [], remove: [] };
  for (const p of names) {
    const host = found.get(p.name) ?? {};
    if (state === 'absent') {
      if (host.installed) changes.remove.push(p);
    } else if (!host.installed) changes.install.push(p);
    else if (p.version !== undefined && !host.installed.startsWith(p.version.replace(/\*$/, ''))) changes.install.push(p);
    else if (state === 'latest' && p.version === undefined && host.candidate && host.candidate !== host.installed) changes.upgrade.push(p);
  }
  return changes;
}

export const anyChange = (c: PackageChanges): boolean => c.install.length + c.upgrade.length + c.remove.length > 0;

/** The change named for --diff and the dry run: the packages to install, upgrade and remove. */
export function changesDiff(c: PackageChanges): FileDiff[] {
  if (!anyChange(c)) return [];
  const section = (title: string, ps: PackageName[]) => (ps.length ? `${title}:\n  ${ps.map((p) => p.spec).join(' ')}\n` : '');
  const prepared =
    section('The following NEW packages will be installed', c.install) +
    section('The following packages will be upgraded', c.upgrade) +
    section('The following packages will be REMOVED', c.remove);
  return [{ before: '', after: '', prepared: prepared.trimEnd() }];
}

/** What a dry run remembers of the change: the packages it would install or upgrade. */
export function changesCreate(c: PackageChanges): PlannedTarget[] {
  return [...c.install, ...c.upgrade].map((p) => ({ kind: 'package', key: p.name }));
}
