// meta: instructions to the engine (flush_handlers, end_play, ...). The engine
// acts on them; this module only declares and validates the action.
import type { Module } from '../src/module-api/module-types.js';

export const META_ACTIONS = [
  'flush_handlers',
  'noop',
  'refresh_inventory',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'reset_connection',
  'role_complete',
] as const;
export type MetaAction = (typeof META_ACTIONS)[number];

const meta: Module<{ _raw_params: MetaAction }> = {
  name: 'meta',
  summary: 'Execute Ansible \'actions\'',
  freeForm: '_raw_params',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: { _raw_params: { type: 'string', enum: [...META_ACTIONS] } },
    required: ['_raw_params'],
  },
  async plan() {
    return { changed: false, result: {} };
  },
};

export default meta;
