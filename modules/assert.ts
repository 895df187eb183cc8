// assert: fail unless every condition holds.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';

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
      const value = typeof condition === 'boolean' ? condition : ctx.evaluate(String(condition));
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

/** Python truthiness, for values an expression produced. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export default assert;
