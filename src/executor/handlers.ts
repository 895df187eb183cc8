// Which handlers a `notify` name reaches: by name, by `listen` topic, or as
// "role : handler" for a role's handler.
import type { Task } from '../playbook/types.js';

export function handlersFor(handlers: readonly Task[], name: string): Task[] {
  return handlers.filter(
    (h) => h.name === name || h.listen.includes(name) || (h.origin.role !== undefined && `${h.origin.role.name} : ${h.name}` === name),
  );
}
