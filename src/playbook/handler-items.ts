// A play's or role's handlers as a flat list of tasks. Handlers may come from
// a file through import_tasks (or a static legacy `include`), as in Ansible:
// each imported task becomes a handler, carrying the import's keywords (its
// `when` first, tags, vars...). Blocks and dynamic includes are not handlers.
import { fail } from './field-checks.js';
import type { Inherited, Item, Task } from './types.js';

/** The child's keywords under its parent's: conditions and environments stack, tags add up, the child's own values win. */
function inherit(parent: Inherited, child: Task): Task {
  const merged: Task = { ...child };
  for (const [key, value] of Object.entries(parent) as [keyof Inherited, unknown][]) {
    if (value !== undefined && merged[key] === undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  merged.when = [...parent.when, ...child.when];
  merged.tags = [...new Set([...parent.tags, ...child.tags])];
  merged.vars = { ...parent.vars, ...child.vars };
  merged.environment = [...parent.environment, ...child.environment];
  return merged;
}

export function handlerTasks(items: Item[], message: string): Task[] {
  const out: Task[] = [];
  for (const item of items) {
    if (item.kind === 'task') out.push(item);
    else if (item.kind === 'block' && item.imported && item.rescue.length === 0 && item.always.length === 0) {
      out.push(...handlerTasks(item.block, message).map((t) => inherit(item, t)));
    } else fail(message, item.origin.location);
  }
  return out;
}
