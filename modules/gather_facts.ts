// gather_facts: the play's fact gathering as a task. tsplay gathers with one
// collector (setup's), so `parallel` is accepted and changes nothing.
import type { Module } from '../src/module-api/module-types.js';
import setup from './setup.js';

const gatherFacts: Module<Record<string, unknown>, undefined> = {
  ...(setup as Module<Record<string, unknown>, undefined>),
  name: 'gather_facts',
  summary: 'Gathers facts about remote hosts',
  schema: {
    ...setup.schema,
    properties: {
      ...setup.schema.properties,
      parallel: { type: 'boolean', description: 'Run the fact modules in parallel (tsplay runs one).' },
    },
  },
  async plan(ctx) {
    const { parallel: _parallel, ...args } = ctx.args;
    const plan = await setup.plan({ ...ctx, args } as Parameters<typeof setup.plan>[0]);
    return plan;
  },
};

export default gatherFacts;
