// set_fact: set host variables for the rest of the run.
import type { Module } from '../src/module-api/module-types.js';

const BOOL_WORDS = new Set(['yes', 'no', 'true', 'false']);

const setFact: Module<Record<string, unknown>> = {
  name: 'set_fact',
  summary: 'Set host variable(s) and fact(s)',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: { type: 'object', properties: { cacheable: { type: 'boolean', default: false } }, additionalProperties: true },
  async plan(ctx) {
    const { cacheable, ...given } = ctx.args;
    // Like Ansible (without Jinja2 native types): 'yes'/'no'/'true'/'false' strings become booleans.
    const facts = Object.fromEntries(
      Object.entries(given).map(([k, v]) => [k, typeof v === 'string' && BOOL_WORDS.has(v.toLowerCase()) ? ['yes', 'true'].includes(v.toLowerCase()) : v]),
    );
    if (Object.keys(facts).length === 0) {
      throw new Error('No key/value pairs provided, at least one is required for this action to succeed');
    }
    return { changed: false, result: { ansible_facts: facts }, effects: { facts, cacheable: Boolean(cacheable) } };
  },
};

export default setFact;
