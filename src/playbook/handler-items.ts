// A play's or role's handlers as a flat list, as ansible-core 2.14 makes it:
// - a task is a handler;
// - import_tasks (or a static legacy `include`): each imported task is a
//   handler (its `listen` and `name` are the task's own, not the import's);
// - a `block:` at the top of a handlers list or of an imported or included
//   handlers file: each task of its `block` is a handler; its rescue and
//   always are never run, and a block inside it is an error;
// - include_tasks is a handler itself: notified by its own name or `listen`,
//   it runs every task of its file (play-runner.ts).
// What a parent hands down (its `when` first, tags, vars...) is copied into each handler.
import { fail } from './field-checks.js';
import type { DynamicInclude, Handler, Inherited, Item } from './types.js';

const INHERITED: readonly (keyof Inherited)[] = [
  'become', 'becomeUser', 'becomeMethod', 'becomeFlags', 'ignoreErrors', 'noLog', 'checkMode', 'diff',
  'delegateTo', 'delegateFacts', 'runOnce', 'anyErrorsFatal',
];

/** The child's keywords under its parent's: conditions and environments stack, tags add up, the child's own values win. */
function inherit<T extends Handler>(parent: Inherited, child: T): T {
  const merged: T = { ...child };
  const into = merged as unknown as Record<string, unknown>;
  for (const key of INHERITED) if (parent[key] !== undefined && merged[key] === undefined) into[key] = parent[key];
  merged.when = [...parent.when, ...child.when];
  merged.tags = [...new Set([...parent.tags, ...child.tags])];
  merged.vars = { ...parent.vars, ...child.vars };
  merged.environment = [...parent.environment, ...child.environment];
  return merged;
}

/** Handlers that open one of Ansible's handler blocks (handlers.ts): a `block:`'s first, and the first after it. */
const groupStarts = new WeakSet<Handler>();

export function opensGroup(handler: Handler): boolean {
  return groupStarts.has(handler);
}

/** The handlers of a play's `handlers:` or of a role's handlers file. */
export function handlerList(items: readonly Item[]): Handler[] {
  const out: Handler[] = [];
  let afterBlock = false;
  for (const item of items) {
    const own = flatten([item], false);
    const isBlock = item.kind === 'block' && !item.imported;
    if ((isBlock || afterBlock) && own[0]) groupStarts.add(own[0]);
    if (isBlock) afterBlock = true;
    else if (own.length > 0) afterBlock = false;
    out.push(...own);
  }
  return out;
}

/** `inBlock`: the items are a block's (where another block is refused). */
function flatten(items: readonly Item[], inBlock: boolean): Handler[] {
  const out: Handler[] = [];
  for (const item of items) {
    if (item.kind !== 'block') out.push(item);
    else if (item.imported) out.push(...flatten(item.block, false).map((h) => inherit(item, h)));
    else {
      if (inBlock) fail('Using a block as a handler is not supported.', item.origin.location);
      // Checked as Ansible loads them, though never run.
      flatten([...item.rescue, ...item.always], true);
      out.push(...flatten(item.block, true).map((h) => inherit(item, h)));
    }
  }
  return out;
}

/** The handlers of a file an include_tasks handler brings (its blocks as in handlerList). */
export function includedHandlers(items: readonly Item[]): Handler[] {
  return flatten(items, false);
}

/**
 * include_tasks handlers of the roles a play's `roles:` names: they find their
 * files in the role's handlers/ directory first. Those of a role brought by
 * import_role or include_role, or in an included file, look in tasks/ as a
 * task would (ansible-core 2.14 walks up to the include_role there).
 */
const inHandlersDir = new WeakSet<DynamicInclude>();

export function findFilesInHandlersDir(handlers: readonly Handler[]): void {
  for (const h of handlers) if (h.kind === 'include') inHandlersDir.add(h);
}

export function findsFilesInHandlersDir(inc: DynamicInclude): boolean {
  return inHandlersDir.has(inc);
}
