// setup: gather the host's facts again (e.g. after installing a package) and
// return them as ansible_facts; `filter` keeps the facts whose names match
// its globs, `gather_subset` chooses the collectors, as at play level.
import picomatch from 'picomatch';
import type { Module } from '../src/module-api/module-types.js';
import { gatherFacts } from '../src/facts/gather.js';

interface SetupArgs {
  gather_subset?: string[] | string;
  filter?: string[] | string;
  gather_timeout?: number;
  fact_path?: string;
}

const setup: Module<SetupArgs, undefined> = {
  name: 'setup',
  summary: 'Gathers facts about remote hosts',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      gather_subset: { type: ['array', 'string'], items: { type: 'string' } },
      filter: { type: ['array', 'string'], items: { type: 'string' } },
      gather_timeout: { type: 'integer' },
      fact_path: { type: 'string' },
    },
  },
  async plan(ctx) {
    const gathered = await gatherFacts(ctx.conn, { subset: ctx.args.gather_subset });
    const facts = filterFacts(gathered, ctx.args.filter);
    return { changed: false, result: { changed: false, ansible_facts: facts }, effects: { gatheredFacts: facts } };
  },
};

/** Ansible's filter: fnmatch globs on the prefixed names; gather_subset and module_setup always stay. */
function filterFacts(facts: Record<string, unknown>, filter: string[] | string | undefined): Record<string, unknown> {
  const globs = (Array.isArray(filter) ? filter : (filter ?? '').split(',')).map((g) => g.trim()).filter(Boolean);
  if (globs.length === 0 || globs.includes('*')) return facts;
  const matches = picomatch(globs, { dot: true });
  return Object.fromEntries(
    Object.entries(facts).filter(([k]) => k === 'gather_subset' || k === 'module_setup' || matches(k)),
  );
}

export default setup;
