// The Inventory that the rest of tsplay uses: hosts, groups, variables in
// Ansible's precedence order, and host pattern selection.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { TsplayError } from '../errors.js';
import type { InventoryData, Vars } from './model.js';
import { LOCALHOST_NAMES, evaluatePatterns, splitPatterns, type PatternScope } from './patterns.js';
import { loadVarsFor } from './vars-dirs.js';

export interface Inventory {
  /** All hosts in Ansible's inventory order (the order `all` lists them in). */
  hostNames(): string[];
  hasHost(name: string): boolean;
  /**
   * Hosts as `hostvars` lists them: in the order the inventory defines them
   * (not the order of `all`), then the implicit localhost, which
   * ansible-playbook always adds.
   */
  hostvarsNames(): string[];
  /** Groups as the `groups` magic variable (shared: not to be changed). */
  groupsVar(): Readonly<Record<string, readonly string[]>>;
  /** `group_names` of a host: sorted, without `all`, with `ungrouped` when it applies (shared: not to be changed). */
  groupNames(host: string): readonly string[];
  /** The host's inventory-level variables merged in Ansible's precedence order. */
  hostVars(host: string, playbookDirs?: string[]): Record<string, unknown>;
  /** Hosts matching an Ansible pattern, in inventory order, restricted by `limit`. */
  selectHosts(pattern: string | string[], limit?: string): string[];
}

export class LoadedInventory implements Inventory {
  /** Name of the implicit localhost once a pattern has asked for it. */
  private implicit: string | undefined;

  constructor(
    readonly data: InventoryData,
    private readonly cwd: string,
  ) {}

  hostNames(): string[] {
    return this.data.groupHosts('all');
  }

  hasHost(name: string): boolean {
    return this.data.hosts.has(name);
  }

  hostvarsNames(): string[] {
    const names = [...this.data.hosts.keys()];
    return names.includes('localhost') ? names : [...names, 'localhost'];
  }

  /** True for the implicit localhost (not in the inventory, local connection). */
  isImplicit(name: string): boolean {
    return !this.data.hosts.has(name) && LOCALHOST_NAMES.includes(name);
  }

  // groups and group_names go into every host's variables at every task, and
  // change only with add_host/group_by: work them out once and hand out the
  // same objects. Templates never see them directly (a variable read through
  // the template view is rendered into a copy). A copy per host cost each task
  // O(hosts^2): at 1,000 hosts, ~24 KB of arrays a host, 24 MB a task.
  private groupsMemo: Readonly<Record<string, readonly string[]>> | undefined;
  private readonly groupNamesMemo = new Map<string, string[]>();

  /** Forget what was worked out from the groups: add_host and group_by changed them. */
  groupsChanged(): void {
    this.groupsMemo = undefined;
    this.groupNamesMemo.clear();
  }

  groupsVar(): Readonly<Record<string, readonly string[]>> {
    this.groupsMemo ??= Object.fromEntries([...this.data.groups.keys()].map((name) => [name, this.data.groupHosts(name)]));
    return this.groupsMemo;
  }

  groupNames(host: string): readonly string[] {
    let names = this.groupNamesMemo.get(host);
    if (!names) {
      names = [...this.data.hostGroups(host)].filter((g) => g !== 'all').sort();
      this.groupNamesMemo.set(host, names);
    }
    return names;
  }

  hostVars(host: string, playbookDirs: string[] = []): Record<string, unknown> {
    const { data } = this;
    const known = data.hosts.get(host);
    if (!known && !this.isImplicit(host)) return {};
    const groups = data.sortGroups([...data.hostGroups(host)].filter((g) => g !== 'all'));
    const allVars = data.groups.get('all')!.vars;
    const pbDirs = playbookDirs.map((d) => resolve(this.cwd, d));
    const out: Vars = {};
    const add = (vars: Vars): void => void Object.assign(out, vars);

    add(allVars);
    for (const g of groups) add(data.groups.get(g)!.vars);
    for (const dir of [...data.varsDirs, ...pbDirs]) add(loadVarsFor(dir, 'group_vars', 'all'));
    for (const dir of data.varsDirs) for (const g of groups) add(loadVarsFor(dir, 'group_vars', g));
    for (const dir of pbDirs) for (const g of groups) add(loadVarsFor(dir, 'group_vars', g));
    if (known) {
      if (known.source) add({ inventory_file: known.source, inventory_dir: dirnameOf(known.source) });
      add(known.vars);
    } else {
      add({ ansible_connection: 'local' });
    }
    for (const dir of [...data.varsDirs, ...pbDirs]) add(loadVarsFor(dir, 'host_vars', host));
    return out;
  }

  selectHosts(pattern: string | string[], limit?: string): string[] {
    const scope: PatternScope = {
      data: this.data,
      implicitLocalhost: (name) => (this.implicit ??= name),
    };
    let hosts = evaluatePatterns(scope, splitPatterns(pattern));
    if (limit !== undefined) {
      const allowed = new Set(evaluatePatterns(scope, this.limitPatterns(limit)));
      hosts = hosts.filter((h) => allowed.has(h));
    }
    return hosts;
  }

  /** `-l` patterns; `@file` entries name a file with one pattern per line. */
  private limitPatterns(limit: string): string[] {
    const out: string[] = [];
    for (const p of splitPatterns(limit)) {
      if (!p.startsWith('@')) {
        out.push(p);
        continue;
      }
      const file = resolve(this.cwd, p.slice(1));
      if (!existsSync(file)) throw new TsplayError(`Unable to find limit file ${file}`);
      if (!statSync(file).isFile()) throw new TsplayError(`Limit starts with '@' but is not a file: ${file}`);
      out.push(...readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
    }
    return out;
  }
}

function dirnameOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i <= 0 ? '/' : file.slice(0, i);
}
