// add_host and group_by change the in-memory inventory for the rest of the run,
// as Ansible's inventory manager does; their `changed` says whether anything
// was new (a host, a group, a membership, a variable).
import { isDeepStrictEqual } from 'node:util';
import { LoadedInventory } from '../inventory/index.js';
import type { InventoryChange } from '../module-api/module-types.js';
import type { RunContext } from './context.js';
import type { TaskOutcome } from './task-runner.js';

const warned = new WeakSet<RunContext>();

/** Ansible's rule for group names: a Python identifier (it warns, and keeps the name). */
function checkGroupName(run: RunContext, name: string): void {
  if (!/^[\d\W]|[^\w]/u.test(name) || warned.has(run)) return;
  warned.add(run);
  run.reporter.emit({ kind: 'warning', message: 'Invalid characters were found in group names but not replaced, use -vvvv to see details' });
}

/** Make the change on `host`'s behalf; returns whether the inventory changed. */
export function applyInventoryChange(run: RunContext, host: string, change: InventoryChange): boolean {
  const inv = run.inventory;
  if (!(inv instanceof LoadedInventory)) return false;
  const data = inv.data;
  let changed = false;
  const newGroup = (name: string): void => {
    if (data.groups.has(name)) return;
    checkGroupName(run, name);
    data.addGroup(name);
    changed = true;
  };
  if (change.kind === 'add_host') {
    if (!data.hosts.has(change.name)) changed = true;
    const entry = data.addHost(change.name, undefined, '');
    const merged = { ...entry.vars, ...change.vars };
    if (!isDeepStrictEqual(merged, entry.vars)) {
      entry.vars = merged;
      changed = true;
    }
    for (const g of change.groups) {
      newGroup(g);
      if (!entry.groups.has(g)) {
        data.addHost(change.name, g);
        changed = true;
      }
    }
  } else {
    newGroup(change.group);
    changed = false; // a new group alone is not a change; its parents and the host are
    for (const p of change.parents) newGroup(p);
    for (const p of change.parents) {
      if (!data.groups.get(p)!.children.includes(change.group)) {
        data.addChild(p, change.group);
        changed = true;
      }
    }
    const entry = data.hosts.get(host);
    if (entry && !entry.groups.has(change.group)) {
      data.addHost(host, change.group);
      changed = true;
    }
  }
  if (changed) {
    data.reconcile();
    inv.groupsChanged();
  }
  return changed;
}

/** A task's outcome once its inventory change is made: changed as the inventory says. */
export function withInventoryChange(run: RunContext, host: string, outcome: TaskOutcome): TaskOutcome {
  const change = outcome.effects?.inventory;
  if (!change || outcome.status === 'failed' || outcome.status === 'skipped') return outcome;
  const changed = applyInventoryChange(run, host, change);
  outcome.result.changed = changed;
  outcome.status = changed ? 'changed' : 'ok';
  return outcome;
}
