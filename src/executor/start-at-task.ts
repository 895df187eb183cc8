// --start-at-task as ansible-playbook 2.14 does it: before a play runs, its
// static task tree (blocks, roles, imports; includes as tasks, never what they
// include) is searched, in order and after tag selection, for the first task
// whose name or "role : name" equals the pattern or fnmatch-es it. The play
// starts there (facts first); a play before the match runs nothing.
import { fnmatch } from '../file-ops/fnmatch.js';
import type { Item, Play } from '../playbook/types.js';
import { tagsSelected } from './tags.js';

/** The names Ansible matches a task by: its own, and the one its banner shows. */
function namesOf(item: Exclude<Item, { kind: 'block' }>): string[] {
  if (item.kind === 'include' && item.what === 'role') {
    return [item.name ?? `include_role : ${item.target}`];
  }
  const action = item.kind === 'task' ? item.action : 'include_tasks';
  const role = item.origin.role ? `${item.origin.role.name} : ` : '';
  return [...(item.name ? [item.name] : []), `${role}${item.name ?? action}`];
}

export function startMatches(item: Exclude<Item, { kind: 'block' }>, pattern: string): boolean {
  return namesOf(item).some((n) => n === pattern || fnmatch(n, pattern));
}

/** The item of `play` the run starts at, if there is one. */
export function findStart(play: Play, pattern: string, only: string[], skip: string[]): Item | undefined {
  const search = (items: readonly Item[], tags: string[]): Item | undefined => {
    for (const item of items) {
      const own = [...tags, ...item.tags];
      if (item.kind === 'block') {
        // Rescue runs on a failure only: not where a run can start.
        const found = search([...item.block, ...item.always], own);
        if (found) return found;
      } else if (tagsSelected(new Set(own), only, skip) && startMatches(item, pattern)) return item;
    }
    return undefined;
  };
  for (const section of play.sections) {
    const found = search(section, play.tags);
    if (found) return found;
  }
  return undefined;
}
