// Defaults the playbook loader and the play runner take from ansible.cfg /
// ANSIBLE_* (set once by the command line before anything is loaded): how
// facts are gathered (gathering), any_errors_fatal, and where roles are found.
import { homedir } from 'node:os';
import { join } from 'node:path';
export interface RunDefaults {
  /** implicit: gather unless gather_facts is false; explicit: only when it is true; smart: as implicit, once per host. */
  gathering: 'implicit' | 'explicit' | 'smart';
  anyErrorsFatal: boolean;
  /** roles_path: searched after the playbook's roles/ directory (Ansible's default directories unless set). */
  rolesPath: string[];
}

/** Ansible's default roles_path: the user's, then the system's role directories. */
export const DEFAULT_ROLES_PATH = (): string[] => [join(homedir(), '.ansible', 'roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];

const initial = (): RunDefaults => ({ gathering: 'implicit', anyErrorsFatal: false, rolesPath: DEFAULT_ROLES_PATH() });

export const runDefaults: RunDefaults = initial();

export function setRunDefaults(d: Partial<RunDefaults>): void {
  Object.assign(runDefaults, initial(), d);
}
