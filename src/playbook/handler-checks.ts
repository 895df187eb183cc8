// A literal `notify` that reaches no handler of its play (by name, `listen`
// topic or "role : name") is refused at load. Ansible stops the run only when
// the task notifies; tsplay says so before any host is touched.
import type { SourceLocation } from '../errors.js';
import { handlersFor } from '../executor/handlers.js';
import { fail } from './field-checks.js';
import type { Item, Play, Task } from './types.js';

/** Where each task's `notify` was written (set while loading its task). */
const notifyAt = new WeakMap<Task, SourceLocation>();

export function noteNotify(task: Task, at: SourceLocation): void {
  if (task.notify.length > 0) notifyAt.set(task, at);
}

const templated = (s: string) => s.includes('{{') || s.includes('{%');

function* tasksOf(items: readonly Item[]): Generator<Task> {
  for (const item of items) {
    if (item.kind === 'task') yield item;
    else if (item.kind === 'block') yield* tasksOf([...item.block, ...item.rescue, ...item.always]);
  }
}

export function checkNotifies(play: Play): void {
  // Handlers named by templates, or brought by a role included at run time, are only known then.
  const dynamicRole = play.sections.some((s) => hasRoleInclude(s));
  if (dynamicRole || play.handlers.some((h) => templated(h.name ?? '') || h.listen?.some(templated))) return;
  for (const task of tasksOf([...play.sections.flat(), ...play.handlers])) {
    for (const name of task.notify) {
      if (templated(name) || handlersFor(play.handlers, name).length > 0) continue;
      fail(
        `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`,
        notifyAt.get(task) ?? task.origin.location,
      );
    }
  }
}

function hasRoleInclude(items: readonly Item[]): boolean {
  return items.some((item) =>
    item.kind === 'include' ? item.what === 'role' : item.kind === 'block' && hasRoleInclude([...item.block, ...item.rescue, ...item.always]),
  );
}
