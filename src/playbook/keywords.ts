// The keywords Ansible accepts on plays, blocks and tasks. Anything else on a
// task is taken as the module name.

const COMMON = [
  'name', 'when', 'tags', 'vars', 'environment', 'become', 'become_user', 'become_method',
  'become_flags', 'become_exe', 'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode',
  'diff', 'delegate_to', 'delegate_facts', 'run_once', 'any_errors_fatal', 'collections',
  'connection', 'debugger', 'module_defaults', 'port', 'remote_user', 'throttle', 'timeout',
];

export const TASK_KEYWORDS = new Set([
  ...COMMON, 'action', 'local_action', 'args', 'loop', 'loop_control', 'register', 'notify',
  'changed_when', 'failed_when', 'until', 'retries', 'delay', 'async', 'poll', 'listen',
]);

export const BLOCK_KEYWORDS = new Set([...COMMON, 'block', 'rescue', 'always']);

export const PLAY_KEYWORDS = new Set([
  ...COMMON, 'hosts', 'gather_facts', 'gather_subset', 'gather_timeout', 'fact_path', 'vars_files',
  'vars_prompt', 'roles', 'pre_tasks', 'tasks', 'post_tasks', 'handlers', 'serial', 'strategy',
  'max_fail_percentage', 'force_handlers', 'order',
]);

/** Task-level include/import actions the loader handles itself. */
export const INCLUDE_ACTIONS = new Set([
  'include_tasks', 'import_tasks', 'include_role', 'import_role',
  'ansible.builtin.include_tasks', 'ansible.builtin.import_tasks',
  'ansible.builtin.include_role', 'ansible.builtin.import_role',
]);

/**
 * `with_<lookup>` loops whose items are the lookup's list for the given terms,
 * as query('<lookup>', ...terms) gives it (src/templating/lookups.ts).
 */
export const LOOKUP_LOOPS = new Set([
  'with_file', 'with_template', 'with_env', 'with_pipe', 'with_vars', 'with_fileglob', 'with_first_found',
  'with_lines', 'with_random_choice', 'with_sequence',
]);

/** Ansible's with_<lookup> loops that tsplay supports. */
export const WITH_LOOPS = new Set([
  'with_items', 'with_list', 'with_dict', 'with_indexed_items', 'with_flattened', 'with_together',
  'with_nested', 'with_cartesian', 'with_subelements', 'with_inventory_hostnames',
  ...LOOKUP_LOOPS,
]);
