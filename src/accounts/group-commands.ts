// groupadd / groupmod / groupdel words for a wanted group (Ansible's group
// module: the gid is the only thing changed on an existing group).
import type { GroupEntry } from './databases.js';

export interface GroupWanted {
  name: string;
  gid?: number;
  system: boolean;
  local: boolean;
  non_unique: boolean;
}

const gidWords = (w: GroupWanted): string[] => (w.gid !== undefined ? ['-g', String(w.gid), ...(w.non_unique ? ['-o'] : [])] : []);

export const groupaddArgv = (w: GroupWanted): string[] => [w.local ? 'lgroupadd' : 'groupadd', ...gidWords(w), ...(w.system ? ['-r'] : []), w.name];

/** groupmod's words, or undefined when the group is as wanted. */
export function groupmodArgv(w: GroupWanted, current: GroupEntry): string[] | undefined {
  if (w.gid === undefined || current.gid === w.gid) return undefined;
  return [w.local ? 'lgroupmod' : 'groupmod', ...gidWords(w), w.name];
}

export const groupdelArgv = (w: GroupWanted): string[] => [w.local ? 'lgroupdel' : 'groupdel', w.name];
