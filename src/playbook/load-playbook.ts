// Loading a playbook file into Plays: play keywords, vars_files, roles,
// pre_tasks/tasks/post_tasks/handlers and import_playbook.
import { findFilesInHandlersDir, handlerList } from './handler-items.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf, locationOfItem } from '../yaml-source.js';
import {
  envList, fail, isMapping, keyLocation, optBoolish, optString, stringList, varsMap, type Raw,
} from './field-checks.js';
import { checkNotifies } from './handler-checks.js';
import { checkKeywordValues } from './keyword-values.js';
import { PLAY_KEYWORDS } from './keywords.js';
import { loadItems, newId, type LoadScope } from './load-tasks.js';
import { RoleLoader, roleRequest } from './roles.js';
import { checkKeywordTemplates, checkRoleVars } from './template-checks.js';
import type { Block, Item, Play, Playbook, SerialSpec } from './types.js';
import { runDefaults } from '../config/run-defaults.js';

export function loadPlaybook(file: string, seen: string[] = [], from?: SourceLocation): Playbook {
  const path = resolve(file);
  const data = loadYamlFile(path, from);
  const top: SourceLocation = { file: path, line: 1, col: 1 };
  if (data === null) return { file: path, plays: [] };
  if (!Array.isArray(data)) fail('A playbook must be a list of plays', locationOf(data) ?? top);
  const plays: Play[] = [];
  data.forEach((entry, i) => {
    const loc = locationOfItem(data, i) ?? top;
    if (!isMapping(entry)) fail('A play must be a dictionary', loc);
    const importName = entry.import_playbook ?? entry['ansible.builtin.import_playbook'];
    if (importName !== undefined) {
      if (typeof importName !== 'string') fail("'import_playbook' needs a file name", loc);
      const target = isAbsolute(importName) ? importName : resolve(dirname(path), importName);
      if (seen.includes(target)) fail(`import_playbook loop: ${target}`, loc);
      const imported = loadPlaybook(target, [...seen, path], keyLocation(entry, 'import_playbook', loc)).plays;
      // vars on import_playbook are play vars of every imported play.
      const extra = varsMap(entry, 'vars', loc);
      for (const play of imported) play.vars = { ...play.vars, ...extra };
      plays.push(...imported);
      return;
    }
    const play = loadPlay(entry, loc, dirname(path));
    checkRoleVars(play.roles, loc);
    checkNotifies(play);
    plays.push(play);
  });
  return { file: path, plays };
}

function serialOf(raw: Raw, loc: SourceLocation): SerialSpec | undefined {
  const v = raw.serial;
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  for (const item of items) {
    if (typeof item !== 'number' && !(typeof item === 'string' && /^\d+%?$/.test(item.trim()))) {
      fail("'serial' must be a number, a percentage or a list of them", keyLocation(raw, 'serial', loc));
    }
  }
  return { sizes: items as (number | string)[] };
}

/** Play keys whose tasks and role entries are checked as they load. */
const PLAY_SECTIONS = new Set(['pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers']);

export function loadPlay(raw: Raw, loc: SourceLocation, playbookDir: string): Play {
  for (const key of Object.keys(raw)) {
    if (!PLAY_KEYWORDS.has(key)) fail(`'${key}' is not a valid attribute for a Play`, keyLocation(raw, key, loc));
  }
  checkKeywordValues(raw, loc);
  checkKeywordTemplates(raw, loc, PLAY_SECTIONS);
  if (raw.hosts === undefined || raw.hosts === null || raw.hosts === '') {
    fail("the field 'hosts' is required but was not set", loc);
  }
  const roles = new RoleLoader(playbookDir);
  const scope: LoadScope = { fileDir: playbookDir, playbookDir, isHandler: false, roles };
  const strategy = optString(raw, 'strategy', loc) ?? 'linear';
  if (strategy !== 'linear' && strategy !== 'free') fail(`Invalid play strategy specified: ${strategy}`, keyLocation(raw, 'strategy', loc));
  const order = optString(raw, 'order', loc) ?? 'inventory';
  if (!['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'].includes(order)) {
    fail(`'${order}' is not a valid value for 'order'`, keyLocation(raw, 'order', loc));
  }
  const varsFiles = raw.vars_files === undefined || raw.vars_files === null ? [] : Array.isArray(raw.vars_files) ? raw.vars_files : [raw.vars_files];
  const mfp = raw.max_fail_percentage;
  if (mfp !== undefined && typeof mfp !== 'number') fail("'max_fail_percentage' must be a number", keyLocation(raw, 'max_fail_percentage', loc));

  const pre = loadItems(raw.pre_tasks, scope, keyLocation(raw, 'pre_tasks', loc), 'pre_tasks');
  const roleNames: string[] = [];
  const earlierHandlers = roles.handlers.length;
  const roleItems = roleBlocks(raw, loc, roles, roleNames);
  findFilesInHandlersDir(roles.handlers.slice(earlierHandlers));
  const tasks = loadItems(raw.tasks, scope, keyLocation(raw, 'tasks', loc));
  const post = loadItems(raw.post_tasks, scope, keyLocation(raw, 'post_tasks', loc), 'post_tasks');
  const playHandlers = handlerList(loadItems(raw.handlers, { ...scope, isHandler: true }, keyLocation(raw, 'handlers', loc), 'handlers'));

  return {
    name: optString(raw, 'name', loc),
    hosts: stringList(raw, 'hosts', loc),
    location: loc,
    playbookDir,
    vars: varsMap(raw, 'vars', loc),
    varsFiles: varsFiles.map((p, i) => ({ path: p, location: locationOfItem(raw.vars_files, i) ?? keyLocation(raw, 'vars_files', loc) })),
    gatherFacts: optBoolish(raw, 'gather_facts', loc) ?? runDefaults.gathering !== 'explicit',
    gatherSubset: raw.gather_subset ?? undefined,
    sections: [pre, [...roleItems, ...tasks], post],
    handlers: [...roles.handlers, ...playHandlers],
    roles: roles.all(),
    roleNames,
    varsPrompt: varsPromptOf(raw, loc),
    serial: serialOf(raw, loc),
    strategy,
    anyErrorsFatal: raw.any_errors_fatal === undefined ? runDefaults.anyErrorsFatal : raw.any_errors_fatal === true,
    maxFailPercentage: mfp as number | undefined,
    environment: envList(raw, 'environment', loc),
    tags: stringList(raw, 'tags', loc, true),
    forceHandlers: raw.force_handlers === true,
    order: order as Play['order'],
    become: optBoolish(raw, 'become', loc),
    becomeUser: optString(raw, 'become_user', loc),
    becomeMethod: optString(raw, 'become_method', loc),
    becomeFlags: optString(raw, 'become_flags', loc),
    checkMode: optBoolish(raw, 'check_mode', loc),
    diff: optBoolish(raw, 'diff', loc),
    noLog: optBoolish(raw, 'no_log', loc),
    ignoreErrors: optBoolish(raw, 'ignore_errors', loc),
    remoteUser: optString(raw, 'remote_user', loc),
    connection: optString(raw, 'connection', loc),
  };
}

const PROMPT_KEYS = new Set(['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe']);

/** vars_prompt: a list of entries (or one entry), each with a name and Ansible's keys only. */
function varsPromptOf(raw: Raw, loc: SourceLocation): Record<string, unknown>[] {
  const v = raw.vars_prompt;
  if (v === undefined || v === null) return [];
  const at = keyLocation(raw, 'vars_prompt', loc);
  const entries = Array.isArray(v) ? v : [v];
  return entries.map((entry, i) => {
    const here = locationOfItem(v, i) ?? at;
    if (!isMapping(entry) || !('name' in entry)) fail("Invalid vars_prompt data structure, missing 'name' key", here);
    for (const key of Object.keys(entry)) {
      if (!PROMPT_KEYS.has(key)) fail(`Invalid vars_prompt data structure, found unsupported key '${key}'`, here);
    }
    return entry;
  });
}

/** Each entry of `roles:` becomes a block carrying the entry's keywords. */
function roleBlocks(raw: Raw, loc: SourceLocation, roles: RoleLoader, names: string[]): Item[] {
  const list = raw.roles;
  if (list === undefined || list === null) return [];
  const at = keyLocation(raw, 'roles', loc);
  if (!Array.isArray(list)) fail("'roles' must be a list", at);
  return list.flatMap((entry, i) => {
    const req = roleRequest(entry, locationOfItem(list, i) ?? at);
    const role = roles.load(req);
    names.push(role.name);
    if (roles.isIncluded(role)) return [];
    const kw = req.keywords;
    const block: Block = {
      kind: 'block',
      id: newId(),
      name: undefined,
      when: kw.when === undefined ? [] : (Array.isArray(kw.when) ? kw.when : [kw.when]) as Block['when'],
      tags: stringList(kw, 'tags', req.at, true),
      vars: {},
      environment: envList(kw, 'environment', req.at),
      become: optBoolish(kw, 'become', req.at),
      becomeUser: optString(kw, 'become_user', req.at),
      becomeMethod: optString(kw, 'become_method', req.at),
      ignoreErrors: optBoolish(kw, 'ignore_errors', req.at),
      noLog: optBoolish(kw, 'no_log', req.at),
      checkMode: optBoolish(kw, 'check_mode', req.at),
      diff: optBoolish(kw, 'diff', req.at),
      delegateTo: optString(kw, 'delegate_to', req.at),
      runOnce: optBoolish(kw, 'run_once', req.at),
      block: roles.itemsOf(role, req.tasksFrom, req.at),
      rescue: [],
      always: [],
      origin: { location: req.at, fileDir: role.dir },
    };
    return block;
  });
}
