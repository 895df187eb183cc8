// include_tasks / include_role: loading what a dynamic include names, once per
// include and file, so every host that includes it shares the same tasks (and
// the linear strategy can run them together).
import { dirname } from 'node:path';
import { loadItems, resolveTasksFile, type LoadScope } from '../playbook/load-tasks.js';
import { RoleLoader } from '../playbook/roles.js';
import type { DynamicInclude, Item, Play, RoleInstance } from '../playbook/types.js';
import { loadYamlFile } from '../yaml-source.js';

export interface Included {
  items: Item[];
  /** What the output names: the tasks file, or the role's directory. */
  file: string;
  role?: RoleInstance;
}

export class IncludeLoader {
  private readonly cache = new Map<string, Item[]>();
  private readonly roles = new Map<string, Included>();

  constructor(private readonly play: Play) {}

  tasks(target: string, inc: DynamicInclude): Included {
    const file = resolveTasksFile(target, { fileDir: inc.origin.fileDir, playbookDir: this.play.playbookDir, role: inc.origin.role });
    if (!file) throw new Error(`Could not find or access '${target}' on the Ansible Controller.`);
    const key = `${file}\0${inc.id}`;
    let items = this.cache.get(key);
    if (!items) {
      const roles = new RoleLoader(this.play.playbookDir);
      const scope: LoadScope = { fileDir: dirname(file), playbookDir: this.play.playbookDir, role: inc.origin.role, isHandler: false, roles };
      items = loadItems(loadYamlFile(file, inc.origin.location), scope, { file, line: 1, col: 1 });
      this.cache.set(key, items);
    }
    return { items, file };
  }

  role(target: string, inc: DynamicInclude): Included {
    const key = `role\0${target}\0${inc.tasksFrom ?? ''}\0${inc.id}`;
    let loaded = this.roles.get(key);
    if (!loaded) {
      const roles = new RoleLoader(this.play.playbookDir);
      const { varsFrom, defaultsFrom, handlersFrom } = inc;
      const role = roles.load({ name: target, params: {}, varsFrom, defaultsFrom, handlersFrom, at: inc.origin.location });
      loaded = { items: roles.itemsOf(role, inc.tasksFrom, inc.origin.location), file: role.dir, role };
      this.roles.set(key, loaded);
      // The role's handlers join the play's, so its tasks can notify them.
      for (const h of roles.handlers) if (!this.play.handlers.includes(h)) this.play.handlers.push(h);
    }
    if (inc.public) {
      // public: its defaults and vars are the play's from now on, for every host (the latest last).
      const roles = this.play.roles;
      if (roles.includes(loaded.role!)) roles.splice(roles.indexOf(loaded.role!), 1);
      roles.push(loaded.role!);
    }
    return loaded;
  }
}
