// Which ansible.cfg applies, found as Ansible finds it: $ANSIBLE_CONFIG, then
// ./ansible.cfg (not in a world-writable directory, which anyone could have
// put it in; Ansible warns and skips it), then ~/.ansible.cfg, then
// /etc/ansible/ansible.cfg.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ConfigFileChoice {
  /** The file in use, or undefined (Ansible prints "config file = None"). */
  file?: string;
  /** Ansible's warning when ./ansible.cfg was skipped. */
  warning?: string;
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function findConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), home = homedir()): ConfigFileChoice {
  let warning: string | undefined;
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv) {
    // A directory given in ANSIBLE_CONFIG means the ansible.cfg inside it.
    const path = resolve(cwd, fromEnv);
    const file = existsSync(path) && !isFile(path) ? join(path, 'ansible.cfg') : path;
    if (isFile(file)) return { file };
  }
  const local = join(cwd, 'ansible.cfg');
  if (isFile(local)) {
    if ((statSync(cwd).mode & 0o002) === 0) return { file: local };
    warning = `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`;
  }
  for (const file of [join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg']) if (isFile(file)) return { file, warning };
  return { warning };
}
