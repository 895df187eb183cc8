// Whether a run may inspect or write files on its hosts: then each connection
// starts the host agent right away, so it is ready by the first file task;
// otherwise it starts only if a task asks for it (see SshOptions.startAgent).
import { findModule } from '../../modules/index.js';
import type { Item, Playbook } from '../playbook/types.js';

function itemsUseHostFiles(items: readonly Item[]): boolean {
  return items.some((item) => {
    if (item.kind === 'block') return itemsUseHostFiles([...item.block, ...item.rescue, ...item.always]);
    // What an include brings is known only when it runs: assume it may.
    if (item.kind === 'include') return true;
    return findModule(item.action)?.hostFiles === true;
  });
}

export function playbooksUseHostFiles(playbooks: readonly Playbook[]): boolean {
  return playbooks.some((pb) => pb.plays.some((play) => play.sections.some(itemsUseHostFiles) || itemsUseHostFiles(play.handlers)));
}
