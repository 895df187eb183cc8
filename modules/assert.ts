// assert: fail unless every condition holds.
import { ModuleFailure, TaskFailure, type Module } from '../src/module-api/module-types.js';
import { conditionalFailure } from '../src/templating/errors.js';

interface AssertArgs {
  that: unknown[];
  fail_msg?: unknown;
  msg?: unknown;
  success_msg?: unknown;
  quiet: boolean;
}

const assert: Module<AssertArgs> = {
  name: 'assert',
  summary: 'Asserts given expressions are true',
  supportsCheckMode: true,
  shown: 'always',
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      that: { type: 'array' },
      fail_msg: {},
      msg: {},
      success_msg: { default: 'All assertions passed' },
      quiet: { type: 'boolean', default: false },
    },
    required: ['that'],
  },
  async plan(ctx) {
    for (const condition of ctx.args.that) {
      const value = typeof condition === 'boolean' ? condition : evaluated(ctx.evaluate, String(condition));
      if (!truthy(value)) {
        throw new ModuleFailure(String(ctx.args.fail_msg ?? ctx.args.msg ?? 'Assertion failed'), {
          assertion: condition,
          evaluated_to: false,
        });
      }
    }
    // quiet: the result is not printed (tsplay's mark for Ansible's missing _ansible_verbose_always).
    return { changed: false, result: { msg: ctx.args.success_msg, ...(ctx.args.quiet ? { _tsplay_quiet: true } : {}) } };
  },
};

/** A condition's value; one that cannot be evaluated fails the task as Ansible words it. */
function evaluated(evaluate: (expression: string) => unknown, condition: string): unknown {
  try {
    return evaluate(condition);
  } catch (e) {
    throw new TaskFailure(conditionalFailure(condition, e).message);
  }
}

/** Python truthiness, for values an expression produced. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export default assert;
