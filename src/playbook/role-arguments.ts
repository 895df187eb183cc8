// A role's meta/argument_specs.yml, checked as Ansible 2.14 checks it: a task
// put first in the role's own tasks ("Validating arguments against arg spec
// 'main' - <short_description>", tagged always) that checks the role's params
// and the variables the spec names, and fails the host with Ansible's result.
// Nothing is converted or defaulted in the role's variables (2.14 does not).
// Params written literally where the role is used are checked at load too, so
// a bad one stops the run before any host is touched, with its file:line:col.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf, locationOfItem } from '../yaml-source.js';
import { isLiteral, toBoolean } from '../module-api/module-args.js';
import type { Templar } from '../templating/templar.js';
import type { Effective } from '../executor/scope.js';
import type { TaskOutcome } from '../executor/task-runner.js';
import { argumentErrors, type ArgumentSpec } from './argument-spec.js';
import { fail, isMapping, keyLocation, type Raw } from './field-checks.js';
import { newId } from './load-tasks.js';
import type { RoleInstance, Task } from './types.js';

/** One entry point of a role's argument specs. */
interface EntryPoint {
  short_description?: string;
  options?: ArgumentSpec;
}

/** What a role's validation task checks. */
export interface RoleArgumentCheck {
  role: RoleInstance;
  entryPoint: string;
  options: ArgumentSpec;
  /** The role's params as written where it is used (not its `vars:`). */
  provided: Raw;
}

const checks = new WeakMap<Task, RoleArgumentCheck>();

/** The check a task stands for, when it is a role's argument validation. */
export function roleArgumentCheckOf(task: Task): RoleArgumentCheck | undefined {
  return checks.get(task);
}

// Keywords of a role entry in Ansible: never role params.
const ROLE_ENTRY_KEYWORDS = new Set([
  'role', 'name', 'when', 'tags', 'vars', 'become', 'become_user', 'become_method', 'become_flags', 'become_exe', 'environment',
  'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'diff', 'delegate_to', 'delegate_facts', 'run_once',
  'any_errors_fatal', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'connection', 'remote_user', 'port',
  'collections', 'module_defaults', 'throttle', 'timeout', 'debugger', 'max_fail_percentage', 'public', 'allow_duplicates',
]);

/** A role entry's params: its keys that are not keywords. */
export function roleParams(entry: unknown): Raw {
  if (!isMapping(entry)) return {};
  return Object.fromEntries(Object.entries(entry).filter(([k]) => !ROLE_ENTRY_KEYWORDS.has(k)));
}

// ---- the spec file, its shape checked with ajv (compiled when first needed: user data) ----

const TYPES = ['str', 'int', 'bool', 'list', 'dict', 'path', 'raw', 'float', 'bytes', 'bits', 'jsonarg'];

const SPEC_FILE_SCHEMA = {
  type: 'object',
  properties: {
    argument_specs: {
      type: ['object', 'null'],
      additionalProperties: {
        type: 'object',
        properties: { short_description: { type: 'string' }, options: { $ref: '#/definitions/options' } },
      },
    },
  },
  definitions: {
    options: {
      type: ['object', 'null'],
      additionalProperties: {
        type: 'object',
        properties: {
          type: { enum: TYPES },
          elements: { enum: TYPES },
          required: { type: 'boolean' },
          choices: { type: 'array' },
          options: { $ref: '#/definitions/options' },
        },
      },
    },
  },
};

let specFileValidator: ValidateFunction | undefined;

function specFileProblems(data: unknown): ErrorObject[] {
  if (!specFileValidator) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    specFileValidator = new Ajv({ allErrors: true, strict: false }).compile(SPEC_FILE_SCHEMA);
  }
  return specFileValidator(data) ? [] : (specFileValidator.errors ?? []);
}

/** Where the YAML node at an ajv instance path was written. */
function locate(data: unknown, instancePath: string, fallback: SourceLocation): SourceLocation {
  let node = data;
  let at = locationOf(data) ?? fallback;
  for (const part of instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (Array.isArray(node)) {
      at = locationOfItem(node, Number(part)) ?? at;
      node = node[Number(part)];
    } else if (isMapping(node)) {
      at = keyLocation(node, part, at);
      node = node[part];
    } else break;
  }
  return at;
}

function specFile(roleDir: string): string | undefined {
  for (const name of ['argument_specs.yml', 'argument_specs.yaml', 'main.yml', 'main.yaml']) {
    const file = join(roleDir, 'meta', name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The role's argument specs by entry point: meta/argument_specs.yml, else meta/main.yml's. */
export function loadArgumentSpecs(roleDir: string, at: SourceLocation): Record<string, EntryPoint> {
  const file = specFile(roleDir);
  if (!file) return {};
  const data = loadYamlFile(file, at);
  if (!isMapping(data)) return {};
  const problem = specFileProblems(data)[0];
  if (problem) {
    const where = problem.instancePath.slice(1).replace(/\//g, '.') || 'argument_specs';
    const allowed = problem.keyword === 'enum' ? `: ${(problem.params.allowedValues as string[]).join(', ')}` : '';
    fail(`invalid argument spec in ${file}: ${where} ${problem.message ?? 'is invalid'}${allowed}`, locate(data, problem.instancePath, { file, line: 1, col: 1 }));
  }
  return (data.argument_specs as Record<string, EntryPoint> | null) ?? {};
}

// ---- the validation task ----

/** The title Ansible gives the validation task. */
export function checkTitle(entryPoint: string, spec: EntryPoint): string {
  const title = `Validating arguments against arg spec '${entryPoint}'`;
  return spec.short_description !== undefined ? `${title} - ${spec.short_description}` : title;
}

/**
 * The validation task for a role entered at `tasksFrom` (main by default),
 * or none when its specs have no such entry point. Literal params that break
 * the spec stop the load here.
 */
export function roleArgumentCheckTask(role: RoleInstance, entry: unknown, tasksFrom: string | undefined, at: SourceLocation): Task | undefined {
  const entryPoint = tasksFrom ?? 'main';
  const spec = loadArgumentSpecs(role.dir, at)[entryPoint];
  if (!spec) return undefined;
  const options = spec.options ?? {};
  const provided = roleParams(entry);
  refuseLiteralParams(role, entryPoint, options, provided, isMapping(entry) ? entry : undefined, at);
  const task: Task = {
    kind: 'task',
    id: newId(),
    name: checkTitle(entryPoint, spec),
    action: 'validate_argument_spec',
    args: { argument_spec: options, provided_arguments: provided },
    origin: { location: at, fileDir: join(role.dir, 'tasks'), role },
    when: [],
    tags: ['always'],
    vars: {},
    environment: [],
    notify: [],
    listen: [],
    isHandler: false,
  };
  checks.set(task, { role, entryPoint, options, provided });
  return task;
}

/**
 * Params written literally where the role is used are what Ansible checks
 * whatever the variables say (they take precedence), so their errors are
 * certain now: each is checked alone (required options may still come from
 * variables) and the first bad one is named with its place.
 */
function refuseLiteralParams(role: RoleInstance, entryPoint: string, options: ArgumentSpec, provided: Raw, entry: Raw | undefined, at: SourceLocation): void {
  const optional: ArgumentSpec = Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { ...o, required: false }]));
  const errors: string[] = [];
  let first: SourceLocation | undefined;
  for (const [name, value] of Object.entries(provided)) {
    if (!isLiteral(value)) continue;
    const found = argumentErrors(optional, { [name]: value }, () => true);
    if (found.length === 0) continue;
    errors.push(...found);
    first ??= entry ? keyLocation(entry, name, at) : at;
  }
  if (first) fail(`Validation of arguments failed for role '${role.name}' against arg spec '${entryPoint}':\n${errors.join('\n')}`, first);
}

/** Ansible's validate_args_context of a role's check. */
function context(check: RoleArgumentCheck): Record<string, unknown> {
  return { argument_spec_name: check.entryPoint, name: check.role.name, path: check.role.dir, type: 'role' };
}

function outcome(status: TaskOutcome['status'], result: TaskOutcome['result']): TaskOutcome {
  return { status, ignored: false, result, diff: [], noLog: false };
}

/**
 * Run a role's check on one host: the variables the spec names (templated)
 * with the role's params over them, as Ansible's validate_argument_spec does.
 */
export function runRoleArgumentCheck(check: RoleArgumentCheck, eff: Effective, vars: Record<string, unknown>, templar: Templar): TaskOutcome {
  const view = templar.view(vars);
  const setting = (v: boolean | string | undefined) => (typeof v === 'string' ? toBoolean(templar.render(v, view)) : v) === true;
  let result: TaskOutcome;
  try {
    if (!eff.when.every((c) => templar.isTrue(c, view))) {
      return outcome('skipped', { changed: false, skip_reason: 'Conditional result was False', skipped: true });
    }
    const raw: Raw = {};
    for (const name of Object.keys(check.options)) if (name in vars) raw[name] = vars[name];
    Object.assign(raw, check.provided);
    const values = templar.render(raw, view) as Raw;
    const errors = argumentErrors(check.options, values, (name) => isLiteral(raw[name]));
    result =
      errors.length === 0
        ? outcome('ok', { changed: false, msg: 'The arg spec validation passed', validate_args_context: context(check) })
        : outcome('failed', {
            argument_errors: errors,
            argument_spec_data: check.options,
            changed: false,
            failed: true,
            msg: `Validation of arguments failed:\n${errors.join('\n')}`,
            validate_args_context: context(check),
          });
  } catch (e) {
    result = outcome('failed', { changed: false, failed: true, msg: (e as Error).message });
  }
  result.noLog = setting(eff.noLog);
  result.ignored = result.status === 'failed' && setting(eff.ignoreErrors);
  return result;
}
