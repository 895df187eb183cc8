// The normalized form of a playbook: what the loader produces from the YAML a
// user wrote (which stays `unknown` until validated). Every field here has
// been checked; defaults and inheritance are resolved at run time.
import type { SourceLocation } from '../errors.js';

/** A condition as written: a bool or an expression (when, changed_when, ...). */
export type Condition = boolean | string;

export interface BecomeSettings {
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: string;
  becomeFlags?: string;
}

/** Keywords that blocks, roles and includes hand down to the tasks inside them. */
export interface Inherited extends BecomeSettings {
  when: Condition[];
  tags: string[];
  vars: Record<string, unknown>;
  environment: Record<string, unknown>[];
  ignoreErrors?: boolean | string;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  diff?: boolean | string;
  delegateTo?: string;
  /** With delegate_to: facts the task sets go to the delegated host. */
  delegateFacts?: boolean | string;
  runOnce?: boolean | string;
  anyErrorsFatal?: boolean;
}

export interface LoopControl {
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
  /** With `extended`, whether ansible_loop.allitems is set (Ansible's default: yes). */
  extendedAllitems?: boolean;
}

export interface LoopSpec {
  /** Raw loop value (may be a template). */
  items: unknown;
  /** Which keyword: 'loop', 'with_items', 'with_dict', 'with_list', 'with_indexed_items', ... */
  kind: string;
  control: LoopControl;
}

/** Where a task and its files come from. */
export interface Origin {
  location: SourceLocation;
  /** Directory of the YAML file holding the task. */
  fileDir: string;
  role?: RoleInstance;
}

export interface Task extends Inherited {
  kind: 'task';
  /** Stable identity: tasks are grouped by it across hosts. */
  id: number;
  name?: string;
  action: string;
  args: Record<string, unknown>;
  origin: Origin;
  loop?: LoopSpec;
  register?: string;
  notify: string[];
  changedWhen?: Condition[];
  failedWhen?: Condition[];
  until?: Condition[];
  retries?: number | string;
  delay?: number | string;
  /** Run in the background for at most this many seconds (async_task.ts), checked every `poll` seconds. */
  async?: number | string;
  poll?: number | string;
  /** Handler topics (handlers only). */
  listen: string[];
  isHandler: boolean;
}

export interface Block extends Inherited {
  kind: 'block';
  id: number;
  name?: string;
  block: Item[];
  rescue: Item[];
  always: Item[];
  origin: Origin;
  /** Made by import_tasks or import_role (or a static `include`): in handlers, its tasks are handlers. */
  imported?: boolean;
}

/** include_tasks / include_role: resolved per host when reached. */
export interface DynamicInclude extends Inherited {
  kind: 'include';
  id: number;
  name?: string;
  what: 'tasks' | 'role';
  /** Raw (untemplated) file or role name. */
  target: string;
  tasksFrom?: string;
  /** include_role's vars_from, defaults_from, handlers_from. */
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** include_role `public`: its defaults and vars join the play's once it is included. */
  public?: boolean;
  params: Record<string, unknown>;
  loop?: LoopSpec;
  origin: Origin;
  /** include_tasks written among handlers: a handler itself, notified by its name or `listen` topics. */
  isHandler?: boolean;
  listen?: string[];
}

export type Item = Task | Block | DynamicInclude;

/** What a play's handlers are: tasks, and include_tasks whose tasks all run when it is notified. */
export type Handler = Task | DynamicInclude;

export interface RoleInstance {
  name: string;
  dir: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  params: Record<string, unknown>;
  /** Roles this one depends on (meta/main.yml), loaded before it. */
  dependencies: RoleInstance[];
}

export interface SerialSpec {
  /** Each entry a count or a percentage string ("30%"); the last repeats. */
  sizes: (number | string)[];
}

export interface Play extends BecomeSettings {
  name?: string;
  hosts: string[];
  location: SourceLocation;
  playbookDir: string;
  vars: Record<string, unknown>;
  varsFiles: { path: unknown; location: SourceLocation }[];
  gatherFacts: boolean | string;
  /** gather_subset as written (list or comma-separated text); undefined: all. */
  gatherSubset?: unknown;
  /** pre_tasks, roles+tasks, post_tasks: handlers flush at the end of each. */
  sections: Item[][];
  handlers: Handler[];
  roles: RoleInstance[];
  /** vars_prompt entries as written (keys checked), asked before the play runs (vars-prompt.ts). */
  varsPrompt: Record<string, unknown>[];
  /** The roles its `roles:` names, in order (ansible_play_role_names). */
  roleNames: string[];
  serial?: SerialSpec;
  strategy: 'linear' | 'free';
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  environment: Record<string, unknown>[];
  tags: string[];
  forceHandlers: boolean;
  order: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  checkMode?: boolean | string;
  diff?: boolean | string;
  noLog?: boolean | string;
  ignoreErrors?: boolean | string;
  remoteUser?: string;
  connection?: string;
}

export interface Playbook {
  file: string;
  plays: Play[];
}
