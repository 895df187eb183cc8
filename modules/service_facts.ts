// service_facts: the host's services as the `services` fact
// (ansible_facts.services), name -> {name, state, status, source}, as
// Ansible's service_facts finds them on Linux (SysV scripts and systemd units).
import type { Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { parseServices, SERVICES_SCRIPT } from '../src/system-facts/services.js';

const serviceFacts: Module<Record<string, never>, undefined> = {
  name: 'service_facts',
  summary: 'Return service state information as fact data',
  supportsCheckMode: true,
  schema: { type: 'object', properties: {} },
  async plan(ctx) {
    const res = await probe(ctx.conn, raw(SERVICES_SCRIPT));
    const services = parseServices(res.stdout);
    if (Object.keys(services).length === 0) {
      const msg = 'Failed to find any services. This can be due to privileges or some other configuration issue.';
      return { changed: false, result: { changed: false, skipped: true, msg } };
    }
    return { changed: false, result: { changed: false, ansible_facts: { services } }, effects: { gatheredFacts: { services } } };
  },
};

export default serviceFacts;
