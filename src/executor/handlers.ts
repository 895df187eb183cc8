// Which handlers a `notify` name reaches, as ansible-playbook 2.14's strategy
// finds them: by name (or "role : handler" for a role's handler) exactly one,
// and by `listen` topic every handler listening to it. Handlers of the same
// name are no error and draw no warning: the name reaches the first of them in
// the last group of handlers (the play's own come after its roles', each
// role's in a group of its own, an imported file's in its parent's group, a
// `block:` of handlers in a group of its own).
import { opensGroup } from '../playbook/handler-items.js';
import type { Handler } from '../playbook/types.js';

export function handlersFor(handlers: readonly Handler[], name: string): Handler[] {
  const named = handlerNamed(handlers, name);
  const listening = handlers.filter((h) => h.listen?.includes(name));
  return named && !listening.includes(named) ? [named, ...listening] : listening;
}

function handlerNamed(handlers: readonly Handler[], name: string): Handler | undefined {
  // Ansible's handler blocks: consecutive handlers of the same role (or of none).
  const groups: Handler[][] = [];
  for (const h of handlers) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.origin.role === h.origin.role && !opensGroup(h)) last.push(h);
    else groups.push([h]);
  }
  for (let i = groups.length - 1; i >= 0; i--) {
    const hit = groups[i]!.find((h) => h.name === name || (h.origin.role !== undefined && `${h.origin.role.name} : ${h.name}` === name));
    if (hit) return hit;
  }
  return undefined;
}
