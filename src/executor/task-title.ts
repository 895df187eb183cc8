// How ansible-playbook names a task in its output. The TASK banner puts the
// role before the name ("role : name"); FAILED - RETRYING lines give the name
// alone. Either way the name is rendered with the host's variables, left as
// written if it cannot be, and a task without a name is "role : action".
import type { Task } from '../playbook/types.js';
import { containsTemplate } from '../templating/templar.js';

export function taskTitle(task: Task, render: (name: string) => unknown, roleBeforeName: boolean): string {
  const role = task.origin.role ? `${task.origin.role.name} : ` : '';
  if (!task.name) return `${role}${task.action}`;
  const prefix = roleBeforeName ? role : '';
  // Most names are plain text: no need to build the host's variables for them.
  if (!containsTemplate(task.name)) return `${prefix}${task.name}`;
  try {
    return `${prefix}${String(render(task.name))}`;
  } catch {
    return `${prefix}${task.name}`;
  }
}
