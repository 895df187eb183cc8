// Literal keyword values Ansible would reject only when the task runs (on every
// host): a boolean keyword that is not a boolean, a become method tsplay does
// not have, a `loop` that is not a list. Templated values are left to the run.
import type { SourceLocation } from '../errors.js';
import { toBoolean } from '../module-api/module-args.js';
import { pyStr } from '../templating/python-repr.js';
import { fail, keyLocation, type Raw } from './field-checks.js';

const BOOLEAN_KEYWORDS = [
  'ignore_errors', 'ignore_unreachable', 'become', 'any_errors_fatal', 'check_mode', 'diff', 'no_log',
  'run_once', 'delegate_facts', 'gather_facts', 'force_handlers',
];

/** The become plugins tsplay runs (src/connection/task-connection.ts). */
const BECOME_METHODS = new Set(['sudo', 'su']);

function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

/** As Ansible's boolean(): true/false, 0/1 and yes/no/on/off/y/n/t/f/true/false/1/0 words. */
function isBooleanLiteral(v: unknown): boolean {
  if (typeof v === 'string' && v.trim() === '') return false;
  return toBoolean(v) !== undefined;
}

export function checkKeywordValues(raw: Raw, loc: SourceLocation): void {
  for (const key of BOOLEAN_KEYWORDS) {
    const v = raw[key];
    if (v === undefined || v === null || isTemplated(v) || isBooleanLiteral(v)) continue;
    fail(
      `the field '${key}' has an invalid value (${pyStr(v)}), and could not be converted to a bool. ` +
        `Valid booleans include: 'y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f'`,
      keyLocation(raw, key, loc),
    );
  }
  const method = raw.become_method;
  if (typeof method === 'string' && !isTemplated(method) && !BECOME_METHODS.has(method)) {
    fail(
      `Invalid become method specified, could not find matching plugin: '${method}' (tsplay has: ${[...BECOME_METHODS].join(', ')})`,
      keyLocation(raw, 'become_method', loc),
    );
  }
}

/** `loop:` takes a list, or a template that renders to one (Ansible's message). */
export function checkLoopValue(raw: Raw, loc: SourceLocation): void {
  const v = raw.loop;
  if (v === undefined || v === null || Array.isArray(v) || isTemplated(v)) return;
  fail(
    `Invalid data passed to 'loop', it requires a list, got this instead: ${pyStr(v)}. ` +
      'Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.',
    keyLocation(raw, 'loop', loc),
  );
}
