// Turning task lists as written into normalized Items: module detection, k=v
// argument strings, blocks, and static imports (import_tasks, import_role)
// expanded at load time. Every problem is a ParseError at the YAML position.
import { dirname, isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { SourceLocation } from '../errors.js';
import { locationOf, locationOfItem, loadYamlFile } from '../yaml-source.js';
import { findModule, shortName } from '../../modules/index.js';
import { literalRuleErrors, unknownOptions, knownOptions } from '../module-api/module-args.js';
import { parseKeyValue, splitArgsString } from './kv.js';
import { BLOCK_KEYWORDS, INCLUDE_ACTIONS, TASK_KEYWORDS, WITH_LOOPS } from './keywords.js';
import {
  conditions, envList, fail, isMapping, keyLocation, optBoolish, optString, stringList, varsMap, type Raw,
} from './field-checks.js';
import type { Block, DynamicInclude, Inherited, Item, LoopSpec, RoleInstance, Task } from './types.js';
import type { RoleLoader } from './roles.js';
import { noteNotify } from './handler-checks.js';
import { legacyInclude } from './legacy-include.js';
import { checkKeywordValues, checkLoopValue } from './keyword-values.js';
import { checkCondition, checkKeywordTemplates, checkTaskTemplates, checkTemplateSrc } from './template-checks.js';

// Ansible takes a variable name as Python does: an identifier that is not a keyword.
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

let nextId = 1;
export function newId(): number {
  return nextId++;
}

export interface LoadScope {
  /** Directory of the file that holds these tasks. */
  fileDir: string;
  playbookDir: string;
  role?: RoleInstance;
  isHandler: boolean;
  roles: RoleLoader;
}

function inherited(raw: Raw, loc: SourceLocation): Inherited {
  return {
    when: conditions(raw, 'when', loc) ?? [],
    tags: stringList(raw, 'tags', loc, true),
    vars: varsMap(raw, 'vars', loc),
    environment: envList(raw, 'environment', loc),
    become: optBoolish(raw, 'become', loc),
    becomeUser: optString(raw, 'become_user', loc),
    becomeMethod: optString(raw, 'become_method', loc),
    becomeFlags: optString(raw, 'become_flags', loc),
    ignoreErrors: optBoolish(raw, 'ignore_errors', loc),
    noLog: optBoolish(raw, 'no_log', loc),
    checkMode: optBoolish(raw, 'check_mode', loc),
    diff: optBoolish(raw, 'diff', loc),
    delegateTo: optString(raw, 'delegate_to', loc),
    delegateFacts: optBoolish(raw, 'delegate_facts', loc),
    runOnce: optBoolish(raw, 'run_once', loc),
    anyErrorsFatal: typeof raw.any_errors_fatal === 'boolean' ? raw.any_errors_fatal : undefined,
  };
}

/** Load a task list (tasks:, handlers:, a tasks file). */
export function loadItems(list: unknown, scope: LoadScope, where: SourceLocation, what = 'tasks'): Item[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) fail(`A malformed block was encountered while loading ${what}: it should be a list`, locationOf(list) ?? where);
  return list.flatMap((entry, i) => {
    const loc = locationOfItem(list, i) ?? where;
    if (!isMapping(entry)) return fail(`A malformed block was encountered while loading ${what}: each entry must be a mapping`, loc);
    return [loadItem(entry, scope, loc)];
  });
}

function loadItem(raw: Raw, scope: LoadScope, loc: SourceLocation): Item {
  if ('block' in raw) return loadBlock(raw, scope, loc);
  return loadTask(raw, scope, loc);
}

function loadBlock(raw: Raw, scope: LoadScope, loc: SourceLocation): Block {
  for (const key of Object.keys(raw)) {
    if (!BLOCK_KEYWORDS.has(key)) fail(`'${key}' is not a valid attribute for a Block`, keyLocation(raw, key, loc));
  }
  checkKeywordValues(raw, loc);
  checkKeywordTemplates(raw, loc, BLOCK_SECTIONS);
  return {
    kind: 'block',
    id: newId(),
    name: optString(raw, 'name', loc),
    ...inherited(raw, loc),
    block: loadItems(raw.block, scope, keyLocation(raw, 'block', loc), 'block'),
    rescue: loadItems(raw.rescue, scope, keyLocation(raw, 'rescue', loc), 'rescue'),
    always: loadItems(raw.always, scope, keyLocation(raw, 'always', loc), 'always'),
    origin: { location: loc, fileDir: scope.fileDir, role: scope.role },
  };
}

const BLOCK_SECTIONS = new Set(['block', 'rescue', 'always']);

interface ActionFound {
  /** The task's key that names the module. */
  key: string;
  action: string;
  args: Raw;
  at: SourceLocation;
}

/** Which key names the module, and its arguments in dict form. */
function findAction(raw: Raw, loc: SourceLocation): ActionFound {
  // with_<lookup> names a lookup plugin; one tsplay does not have is reported now, not on every host.
  const unknownLoop = Object.keys(raw).find((k) => k.startsWith('with_') && !WITH_LOOPS.has(k));
  if (unknownLoop) fail(`lookup plugin (${unknownLoop.slice('with_'.length)}) not found`, keyLocation(raw, unknownLoop, loc));
  const candidates = Object.keys(raw).filter((k) => !TASK_KEYWORDS.has(k) && !WITH_LOOPS.has(k));
  const actionKw = raw.action !== undefined ? 'action' : raw.local_action !== undefined ? 'local_action' : undefined;
  if (actionKw) candidates.push(actionKw);
  if (candidates.length > 1) {
    fail(`conflicting action statements: ${candidates.join(', ')}`, keyLocation(raw, candidates[1]!, loc));
  }
  if (candidates.length === 0) fail('no module/action detected in task.', loc);
  const key = candidates[0]!;
  const at = keyLocation(raw, key, loc);
  let action = key;
  let value = raw[key];
  if (key === 'action' || key === 'local_action') {
    if (isMapping(value)) {
      const { module, ...rest } = value;
      if (typeof module !== 'string') fail(`'${key}' needs a 'module' name`, at);
      action = module;
      value = rest;
    } else if (typeof value === 'string') {
      // A templated module name ("{{ packager }} name=x") is one word, resolved per host when the task runs.
      const text = value.trim();
      action = (text.startsWith('{{') ? splitArgsString(text)[0] : text.split(/\s+/)[0]) ?? '';
      value = text.slice(action.length).trim();
    } else {
      fail(`'${key}' must be a string or a dictionary`, at);
    }
  }
  return { key, action, args: argsOf(action, value, at), at };
}

function argsOf(action: string, value: unknown, at: SourceLocation): Raw {
  if (value === null || value === undefined) return {};
  if (isMapping(value)) return { ...value };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const text = String(value);
    const module = findModule(action);
    try {
      if (module?.freeForm) return parseKeyValue(text, module.freeFormKeys ?? [...knownOptions(module)]);
      return parseKeyValue(text);
    } catch (e) {
      return fail((e as Error).message, at);
    }
  }
  return fail(`the arguments of '${action}' must be a dictionary or a k=v string`, at);
}

function loopOf(raw: Raw, loc: SourceLocation): LoopSpec | undefined {
  const withKey = Object.keys(raw).find((k) => WITH_LOOPS.has(k));
  if (raw.loop !== undefined && withKey) fail(`'loop' and '${withKey}' cannot be used together`, keyLocation(raw, withKey, loc));
  checkLoopValue(raw, loc);
  const kind = raw.loop !== undefined ? 'loop' : withKey;
  if (!kind) {
    if (raw.loop_control !== undefined) fail("'loop_control' needs 'loop' or a 'with_' loop", keyLocation(raw, 'loop_control', loc));
    return undefined;
  }
  const control = raw.loop_control ?? {};
  if (!isMapping(control)) return fail("'loop_control' must be a dictionary", keyLocation(raw, 'loop_control', loc));
  const cloc = keyLocation(raw, 'loop_control', loc);
  for (const k of Object.keys(control)) {
    if (!['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems'].includes(k)) {
      fail(`'${k}' is not a valid attribute for a LoopControl`, keyLocation(control, k, cloc));
    }
  }
  return {
    items: raw[kind],
    kind,
    control: {
      loopVar: optString(control, 'loop_var', cloc) ?? 'item',
      indexVar: optString(control, 'index_var', cloc),
      label: optString(control, 'label', cloc),
      pause: typeof control.pause === 'number' ? control.pause : undefined,
      extended: control.extended === true,
      extendedAllitems: control.extended_allitems !== false,
    },
  };
}

function loadTask(raw: Raw, scope: LoadScope, loc: SourceLocation): Item {
  const found = findAction(raw, loc);
  // A module named like a play keyword (gather_facts) is not that keyword.
  checkKeywordValues(found.key === 'gather_facts' ? Object.fromEntries(Object.entries(raw).filter(([k]) => k !== found.key)) : raw, loc);
  checkTaskTemplates(raw, loc, found.key, found.args, found.at);
  if (raw.args !== undefined) {
    if (!isMapping(raw.args)) fail("'args' must be a dictionary", keyLocation(raw, 'args', loc));
    Object.assign(found.args, raw.args);
  }
  if (raw.local_action !== undefined && raw.delegate_to === undefined) raw = { ...raw, delegate_to: 'localhost' };
  const base = inherited(raw, loc);
  const name = optString(raw, 'name', loc);
  if (INCLUDE_ACTIONS.has(found.action)) return loadInclude(shortName(found.action), found, raw, base, name, scope, loc);
  if (['include', 'ansible.builtin.include', 'ansible.legacy.include'].includes(found.action)) {
    const legacy = legacyInclude(found.args, raw);
    return loadInclude(legacy.action, { ...found, args: legacy.args }, raw, { ...base, vars: { ...legacy.vars, ...base.vars } }, name, scope, loc);
  }

  if (found.action.includes('{{')) return loadTemplatedTask(found, raw, base, name, scope, loc);
  const module = findModule(found.action);
  if (!module) {
    fail(
      `couldn't resolve module/action '${found.action}'. This often indicates a misspelling, missing collection, or incorrect module path.`,
      found.at,
    );
  }
  if ('_raw_params' in found.args && !module.freeForm) {
    fail(
      `this task '${found.action}' has extra params, which is only allowed in the following modules: command, shell, raw, meta, include_vars, include_tasks, import_tasks, include_role, import_role, set_fact`,
      found.at,
    );
  }
  const unknown = unknownOptions(module, found.args);
  if (unknown.length > 0) {
    const supported = [...knownOptions(module)].filter((k) => !k.startsWith('_')).sort().join(', ');
    fail(`Unsupported parameters for (${module.name}) module: ${unknown.join(', ')}. Supported parameters include: ${supported}.`, found.at);
  }
  const broken = literalRuleErrors(module, found.args);
  if (broken.length > 0) fail(`${broken.join('; ')} (module ${module.name})`, found.at);
  // assert's `that` are conditions; a template's literal src is a file of Jinja.
  if (module.name === 'assert') for (const c of [found.args.that].flat()) checkCondition(c, found.at);
  if (module.name === 'template') checkTemplateSrc(found.args.src, scope);
  return taskOf(module.name, found, raw, base, name, scope, loc);
}

/**
 * A task whose module is a template: Ansible takes only k=v options for it at
 * load, and resolves the module on each host when it runs (task-runner.ts).
 */
function loadTemplatedTask(found: ActionFound, raw: Raw, base: Inherited, name: string | undefined, scope: LoadScope, loc: SourceLocation): Task {
  if ('_raw_params' in found.args) {
    fail(
      `this task '${found.action}' has extra params, which is only allowed in the following modules: command, shell, raw, meta, include_vars, include_tasks, import_tasks, include_role, import_role, set_fact`,
      found.at,
    );
  }
  return taskOf(found.action, found, raw, base, name, scope, loc);
}

function taskOf(action: string, found: ActionFound, raw: Raw, base: Inherited, name: string | undefined, scope: LoadScope, loc: SourceLocation): Task {
  const task: Task = {
    kind: 'task',
    id: newId(),
    name,
    action,
    args: found.args,
    origin: { location: loc, fileDir: scope.fileDir, role: scope.role },
    ...base,
    loop: loopOf(raw, loc),
    register: optString(raw, 'register', loc),
    notify: stringList(raw, 'notify', loc),
    changedWhen: conditions(raw, 'changed_when', loc),
    failedWhen: conditions(raw, 'failed_when', loc),
    until: conditions(raw, 'until', loc),
    retries: raw.retries as number | string | undefined,
    delay: raw.delay as number | string | undefined,
    async: raw.async as number | string | undefined,
    poll: raw.poll as number | string | undefined,
    listen: stringList(raw, 'listen', loc),
    isHandler: scope.isHandler,
  };
  if (task.register !== undefined && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(task.register) || PYTHON_KEYWORDS.has(task.register))) {
    fail(`Invalid variable name in 'register' specified: '${task.register}'`, keyLocation(raw, 'register', loc));
  }
  noteNotify(task, keyLocation(raw, 'notify', loc));
  return task;
}

/** Resolve a tasks file named by import_tasks/include_tasks. */
export function resolveTasksFile(name: string, scope: { fileDir: string; playbookDir: string; role?: RoleInstance; isHandler?: boolean }): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  // A role's handlers name files in its handlers/ directory (else tasks/), its tasks in tasks/.
  const roleDirs = !scope.role ? [] : scope.isHandler ? [join(scope.role.dir, 'handlers'), join(scope.role.dir, 'tasks')] : [join(scope.role.dir, 'tasks')];
  const dirs = [...roleDirs, scope.fileDir, scope.playbookDir].filter(
    (d): d is string => d !== undefined,
  );
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function loadInclude(
  action: string,
  found: ActionFound,
  raw: Raw,
  base: Inherited,
  name: string | undefined,
  scope: LoadScope,
  loc: SourceLocation,
): Item {
  const isRole = action.endsWith('_role');
  if (isRole && scope.isHandler) fail(`Using '${found.action}' as a handler is not supported.`, loc);
  const args = found.args;
  const target = String(isRole ? args.name ?? args._raw_params ?? '' : args.file ?? args._raw_params ?? '');
  if (target === '') fail(`'${action}' needs a ${isRole ? 'role name' : 'file'}`, found.at);
  const tasksFrom = typeof args.tasks_from === 'string' ? args.tasks_from : undefined;
  const from = roleFiles(args, found.at);
  const origin = { location: loc, fileDir: scope.fileDir, role: scope.role };
  const isStatic = action.startsWith('import_');
  if (isStatic) {
    if (raw.loop !== undefined || Object.keys(raw).some((k) => WITH_LOOPS.has(k))) {
      fail(`You cannot use loops on '${action}' statements. You should use '${action.replace('import', 'include')}' instead.`, loc);
    }
    const block: Block = { kind: 'block', id: newId(), name, ...base, block: [], rescue: [], always: [], origin, imported: true };
    if (isRole) {
      const role = scope.roles.load({ name: target, params: {}, tasksFrom, ...from, at: found.at });
      block.block = scope.roles.itemsOf(role, tasksFrom, found.at);
      scope.roles.addHandlers(role);
    } else {
      if (target.includes('{{')) fail(`import_tasks needs a literal file name (use include_tasks for '${target}')`, found.at);
      const file = resolveTasksFile(target, scope);
      if (!file) fail(`Could not find or access '${target}'`, found.at);
      const fileScope = { ...scope, fileDir: dirname(file) };
      block.block = loadItems(loadYamlFile(file, found.at), fileScope, { file, line: 1, col: 1 });
    }
    return block;
  }
  const include: DynamicInclude = {
    kind: 'include',
    id: newId(),
    name,
    ...base,
    what: isRole ? 'role' : 'tasks',
    target,
    tasksFrom,
    ...(isRole ? from : {}),
    params: isMapping(args.vars) ? args.vars : {},
    loop: loopOf(raw, loc),
    origin,
    ...(scope.isHandler ? { isHandler: true, listen: stringList(raw, 'listen', loc) } : {}),
  };
  if (isRole && isMapping(args)) {
    for (const [k, v] of Object.entries(args)) if (!['name', 'tasks_from', 'vars', 'apply', 'public', ...ROLE_FILE_OPTIONS].includes(k)) include.params[k] = v;
  }
  return include;
}

const ROLE_FILE_OPTIONS = ['vars_from', 'defaults_from', 'handlers_from'];

/** include_role / import_role: the files read instead of main (vars_from...), and `public`. */
function roleFiles(args: Raw, at: SourceLocation): { varsFrom?: string; defaultsFrom?: string; handlersFrom?: string; public?: boolean } {
  const name = (key: string) => optString(args, key, at);
  const pub = args.public;
  const isPublic = typeof pub === 'string' ? ['yes', 'true', 'on', 'y', '1'].includes(pub.toLowerCase()) : pub === true || pub === 1;
  return { varsFrom: name('vars_from'), defaultsFrom: name('defaults_from'), handlersFrom: name('handlers_from'), public: isPublic };
}
