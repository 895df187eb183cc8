// Roles: finding a role's directory, reading its defaults, vars, meta
// dependencies, tasks and handlers, each loaded once per play.
import { handlerList } from './handler-items.js';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { shippedRolesDir } from '../paths.js';
import { loadYamlFile, locationOf } from '../yaml-source.js';
import { fail, isMapping, keyLocation, type Raw } from './field-checks.js';
import { loadItems, type LoadScope } from './load-tasks.js';
import { roleArgumentCheckTask } from './role-arguments.js';
import { checkKeywordValues } from './keyword-values.js';
import { checkKeywordTemplates } from './template-checks.js';
import type { Handler, Item, RoleInstance } from './types.js';
import { runDefaults } from '../config/run-defaults.js';

export interface RoleRequest {
  name: string;
  params: Raw;
  tasksFrom?: string;
  /** vars_from / defaults_from / handlers_from: read instead of that directory's main file. */
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  at: SourceLocation;
  /** The entry as written (for its argument spec check). */
  entry?: unknown;
}

function mainFile(dir: string, base = 'main'): string | undefined {
  for (const ext of ['.yml', '.yaml', '.json', '']) {
    const p = join(dir, base + ext);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/** A role's file in `sub` (main, or the one an include names), as Ansible finds it. */
function roleFile(dir: string, sub: string, from: string | undefined, at: SourceLocation): string | undefined {
  if (from === undefined) return mainFile(join(dir, sub));
  const file = mainFile(join(dir, sub), from.replace(/\.(ya?ml|json)$/, ''));
  return file ?? fail(`Could not find specified file in role: ${sub}/${from}`, at);
}

function loadDict(file: string | undefined, at: SourceLocation): Raw {
  if (!file) return {};
  const data = loadYamlFile(file, at);
  if (data === null) return {};
  if (!isMapping(data)) fail(`${file} must be a dictionary`, locationOf(data) ?? { file, line: 1, col: 1 });
  return data;
}

export class RoleLoader {
  private readonly cache = new Map<string, RoleInstance>();
  private readonly handlersLoaded = new Set<RoleInstance>();
  /** Roles whose tasks are already in the play: a role runs once per play and params. */
  private readonly included = new Set<RoleInstance>();
  private readonly entries = new Map<RoleInstance, unknown>();
  private readonly handlersFrom = new Map<RoleInstance, string>();
  readonly handlers: Handler[] = [];

  constructor(private readonly playbookDir: string) {}

  searchDirs(): string[] {
    return [join(this.playbookDir, 'roles'), ...runDefaults.rolesPath, this.playbookDir, shippedRolesDir()];
  }

  private findDir(name: string, at: SourceLocation): string {
    if (isAbsolute(name) || name.includes('/')) {
      const dir = resolve(this.playbookDir, name);
      if (existsSync(dir)) return dir;
    } else {
      for (const base of this.searchDirs()) {
        const dir = join(base, name);
        if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
      }
    }
    return fail(`the role '${name}' was not found in ${this.searchDirs().join(':')}`, at);
  }

  private scope(role: RoleInstance, isHandler: boolean): LoadScope {
    return { fileDir: join(role.dir, isHandler ? 'handlers' : 'tasks'), playbookDir: this.playbookDir, role, isHandler, roles: this };
  }

  load(req: RoleRequest): RoleInstance {
    const dir = this.findDir(req.name, req.at);
    const key = `${dir}\0${JSON.stringify(req.params)}\0${req.varsFrom ?? ''}\0${req.defaultsFrom ?? ''}\0${req.handlersFrom ?? ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const metaFile = mainFile(join(dir, 'meta'));
    const meta = loadDict(metaFile, req.at);
    const role: RoleInstance = {
      name: req.name.split('/').pop()!,
      dir,
      defaults: loadDict(roleFile(dir, 'defaults', req.defaultsFrom, req.at), req.at),
      vars: loadDict(roleFile(dir, 'vars', req.varsFrom, req.at), req.at),
      params: req.params,
      dependencies: [],
    };
    this.cache.set(key, role);
    this.entries.set(role, req.entry);
    if (req.handlersFrom !== undefined) {
      roleFile(dir, 'handlers', req.handlersFrom, req.at);
      this.handlersFrom.set(role, req.handlersFrom);
    }
    const deps = meta.dependencies;
    if (deps !== undefined && deps !== null) {
      const depsAt = keyLocation(meta, 'dependencies', req.at);
      if (!Array.isArray(deps)) fail("'dependencies' must be a list", depsAt);
      role.dependencies = deps.map((d) => this.load(roleRequest(d, depsAt)));
    }
    return role;
  }

  /** The role's tasks, its dependencies' tasks first. */
  itemsOf(role: RoleInstance, tasksFrom: string | undefined, at: SourceLocation): Item[] {
    const items: Item[] = [];
    this.included.add(role);
    for (const dep of role.dependencies) {
      if (this.included.has(dep)) continue;
      items.push(...this.itemsOf(dep, undefined, at));
    }
    const file = mainFile(join(role.dir, 'tasks'), tasksFrom?.replace(/\.ya?ml$/, '') ?? 'main');
    if (tasksFrom && !file) fail(`Could not find specified file in role: tasks/${tasksFrom}`, at);
    const argumentCheck = roleArgumentCheckTask(role, this.entries.get(role), tasksFrom, at);
    if (argumentCheck) items.push(argumentCheck);
    if (file) items.push(...loadItems(loadYamlFile(file, at), this.scope(role, false), { file, line: 1, col: 1 }));
    this.addHandlers(role);
    return items;
  }

  /** The role's handlers, once per role instance: each instance's handlers see its own params, as in Ansible. */
  addHandlers(role: RoleInstance): void {
    const from = this.handlersFrom.get(role);
    if (this.handlersLoaded.has(role)) return;
    this.handlersLoaded.add(role);
    for (const dep of role.dependencies) this.addHandlers(dep);
    const file = roleFile(role.dir, 'handlers', from, { file: role.dir, line: 1, col: 1 });
    if (!file) return;
    const items = loadItems(loadYamlFile(file), this.scope(role, true), { file, line: 1, col: 1 }, 'handlers');
    this.handlers.push(...handlerList(items));
  }

  /** Has this role (same params) already been put into the play? */
  isIncluded(role: RoleInstance): boolean {
    return this.included.has(role);
  }

  /** Every role loaded so far (for play-wide role defaults and vars). */
  all(): RoleInstance[] {
    return [...this.cache.values()];
  }
}

const ROLE_KEYWORDS = new Set(['role', 'name', 'when', 'tags', 'vars', 'become', 'become_user', 'become_method', 'environment', 'ignore_errors', 'no_log', 'check_mode', 'diff', 'delegate_to', 'run_once', 'any_errors_fatal', 'tasks_from']);

/** A role entry as written under `roles:` or `dependencies:`. */
export function roleRequest(entry: unknown, at: SourceLocation): RoleRequest & { keywords: Raw } {
  const loc = locationOf(entry) ?? at;
  if (typeof entry === 'string') return { name: entry, params: {}, at: loc, keywords: {} };
  if (!isMapping(entry)) return fail('a role must be a name or a dictionary with a role name', loc);
  const name = entry.role ?? entry.name;
  if (typeof name !== 'string') return fail("a role entry needs 'role' (or 'name')", loc);
  checkKeywordValues(entry, loc);
  checkKeywordTemplates(entry, loc);
  const params: Raw = {};
  const keywords: Raw = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'role' || (k === 'name' && entry.role === undefined)) continue;
    if (ROLE_KEYWORDS.has(k)) keywords[k] = v;
    else params[k] = v;
  }
  if (isMapping(keywords.vars)) Object.assign(params, keywords.vars);
  return { name, params, at: loc, keywords, entry, tasksFrom: typeof entry.tasks_from === 'string' ? entry.tasks_from : undefined };
}
