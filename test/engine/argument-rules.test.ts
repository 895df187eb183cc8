// Argument rules as Ansible's ArgumentSpecValidator checks them: mutual
// exclusion of the options a task gave, before defaults; the other rules with
// the defaults applied (an option with a default counts as given).
import { describe, expect, it } from 'vitest';
import { checkArgs, literalRuleErrors } from '../../src/module-api/module-args.js';
import type { Module } from '../../src/module-api/module-types.js';

const module = {
  name: 'ruled',
  summary: 'a module with rules',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      upgrade: { type: 'string', default: 'no', description: 'has a default' },
      name: { type: 'array', items: { type: 'string' }, description: 'no default' },
      state: { type: 'string', default: 'present', description: 'has a default' },
      path: { type: 'string', description: 'no default' },
    },
  },
  optionAliases: { pkg: 'name' },
  rules: { mutuallyExclusive: [['upgrade', 'name']], requiredIf: [['state', 'present', ['path']]] },
  plan: async () => ({ changed: false }),
} as unknown as Module<any, any>;

describe('argument rules', () => {
  it('mutual exclusion counts only what the task gave, not defaults', () => {
    expect(checkArgs(module, { name: ['x'], path: '/p' })).toMatchObject({ ok: true, args: { upgrade: 'no', name: ['x'] } });
    expect(checkArgs(module, { pkg: ['x'], upgrade: 'yes', path: '/p' })).toEqual({ ok: false, errors: ['parameters are mutually exclusive: upgrade|name'] });
    expect(literalRuleErrors(module, { pkg: ['x'], path: '/p' })).toEqual([]);
    expect(literalRuleErrors(module, { name: ['x'], upgrade: 'no', path: '/p' })).toEqual(['parameters are mutually exclusive: upgrade|name']);
  });

  it('required_if sees the defaults', () => {
    expect(checkArgs(module, { name: ['x'] })).toEqual({ ok: false, errors: ['state is present but all of the following are missing: path'] });
    expect(literalRuleErrors(module, {})).toEqual(['state is present but all of the following are missing: path']);
  });
});
