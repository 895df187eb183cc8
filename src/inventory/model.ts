// The inventory as parsers build it: groups with own hosts, child groups and
// variables; hosts with their own variables. `reconcile()` then attaches
// top-level groups to `all` and fills `ungrouped` as Ansible does.
import { ParseError, type SourceLocation } from '../errors.js';

export type Vars = Record<string, unknown>;

export class Group {
  readonly hosts: string[] = [];
  readonly children: string[] = [];
  readonly parents: string[] = [];
  vars: Vars = {};
  priority = 1;
  constructor(readonly name: string) {}
}

export class HostEntry {
  vars: Vars = {};
  /** Groups the host was put in directly (not their ancestors). */
  readonly groups = new Set<string>();
  constructor(
    readonly name: string,
    readonly source?: string,
  ) {}
}

export class InventoryData {
  readonly groups = new Map<string, Group>();
  readonly hosts = new Map<string, HostEntry>();
  /** Where inventory sources live: group_vars/host_vars are looked up beside them. */
  readonly varsDirs: string[] = [];
  /** The file being parsed; new hosts remember it as their inventory_file. */
  currentSource: string | undefined;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = new Group(name);
      this.groups.set(name, group);
    }
    return group;
  }

  addHost(name: string, group?: string, source?: string): HostEntry {
    let host = this.hosts.get(name);
    if (!host) {
      host = new HostEntry(name, source ?? this.currentSource);
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const g = this.addGroup(group);
      if (!host.groups.has(group)) {
        host.groups.add(group);
        g.hosts.push(name);
      }
    }
    return host;
  }

  /** Make `child` a child group of `parent`; loops are an error (`where` names it). */
  addChild(parent: string, child: string, where?: SourceLocation): void {
    const p = this.addGroup(parent);
    const c = this.addGroup(child);
    if (p.children.includes(child)) return;
    if (parent === child || this.ancestors(parent).has(child)) {
      throw new ParseError(`Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`, where);
    }
    p.children.push(child);
    c.parents.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.addGroup(group);
    if (key === 'ansible_group_priority') g.priority = Number(value);
    else g.vars[key] = value;
  }

  ancestors(group: string): Set<string> {
    const seen = new Set<string>();
    const walk = (name: string): void => {
      for (const p of this.groups.get(name)?.parents ?? []) {
        if (!seen.has(p)) {
          seen.add(p);
          walk(p);
        }
      }
    };
    walk(group);
    return seen;
  }

  /** Attach parentless groups to `all`; hosts in no other group go to `ungrouped`. */
  reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.addGroup('ungrouped');
    for (const host of this.hosts.values()) {
      const others = [...host.groups].filter((g) => g !== 'all' && g !== 'ungrouped');
      if (others.length > 0 && host.groups.has('ungrouped')) {
        host.groups.delete('ungrouped');
        ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
      } else if (others.length === 0 && !host.groups.has('ungrouped')) {
        this.addHost(host.name, 'ungrouped');
      }
    }
  }

  /** Longest distance from `all` (all = 0), used to order group variables. */
  depth(group: string): number {
    const g = this.groups.get(group);
    if (!g || g.parents.length === 0) return 0;
    return Math.max(...g.parents.map((p) => this.depth(p) + 1));
  }

  /**
   * Hosts of a group and its descendants: own hosts first, then children level
   * by level, each host once (Ansible's order).
   */
  groupHosts(group: string): string[] {
    const ordered: string[] = [];
    const seen = new Set<string>([group]);
    let level = [group];
    while (level.length > 0) {
      ordered.push(...level);
      const next: string[] = [];
      for (const name of level) {
        for (const kid of this.groups.get(name)?.children ?? []) {
          if (!seen.has(kid)) {
            seen.add(kid);
            next.push(kid);
          }
        }
      }
      level = next;
    }
    const out = new Set<string>();
    for (const name of ordered) for (const h of this.groups.get(name)?.hosts ?? []) out.add(h);
    return [...out];
  }

  /** Every group a host belongs to, directly or through children, `all` included. */
  hostGroups(host: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.hosts.get(host)?.groups ?? []) {
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return out;
  }

  /** Groups ordered for variable merging: depth, then priority, then name. */
  sortGroups(names: Iterable<string>): string[] {
    return [...names].sort((a, b) => {
      const ga = this.groups.get(a)!;
      const gb = this.groups.get(b)!;
      return this.depth(a) - this.depth(b) || ga.priority - gb.priority || (a < b ? -1 : a > b ? 1 : 0);
    });
  }
}
