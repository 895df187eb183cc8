// include_tasks / include_role: loading what a dynamic include names, once per
// include and file, so every host that includes it shares the same tasks (and
// the linear strategy can run them together).
import { dirname, join } from 'node:path';
import { loadItems, resolveTasksFile, type LoadScope } from '../playbook/load-tasks.js';
import { RoleLoader } from '../playbook/roles.js';
import { findsFilesInHandlersDir, includedHandlers } from '../playbook/handler-items.js';
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
    const isHandler = inc.isHandler === true;
    const inHandlersDir = findsFilesInHandlersDir(inc);
    // A role's other include handlers find their files as its tasks do (handler-items.ts).
    const fileDir = isHandler && !inHandlersDir && inc.origin.role ? join(inc.origin.role.dir, 'tasks') : inc.origin.fileDir;
    const file = resolveTasksFile(target, { fileDir, playbookDir: this.play.playbookDir, role: inc.origin.role, isHandler: inHandlersDir });
    if (!file) throw new Error(`Could not find or access '${target}' on the Ansible Controller.`);
    const key = `${file}\0${inc.id}`;
    let items = this.cache.get(key);
    if (!items) {
      const roles = new RoleLoader(this.play.playbookDir);
      const scope: LoadScope = { fileDir: dirname(file), playbookDir: this.play.playbookDir, role: inc.origin.role, isHandler, roles };
      items = loadItems(loadYamlFile(file, inc.origin.location), scope, { file, line: 1, col: 1 });
      // A handler's file: its tasks are handlers, its blocks flattened (handler-items.ts).
      if (isHandler) items = includedHandlers(items);
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
