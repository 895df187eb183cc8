// add_host: put a host (and its variables) into the in-memory inventory for
// the plays that follow. It runs once per task (and per loop item), on the
// controller; the engine makes the change and says whether it was new.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';

const NAME_KEYS = ['name', 'hostname', 'host'];
const GROUP_KEYS = ['groupname', 'groups', 'group'];
// Keys Ansible keeps out of the host's variables (host and group stay in, as in 2.14).
const SPECIAL = new Set(['name', 'hostname', 'groupname', 'groups']);

/** `name:port` (or `[v6]:port`) splits off the port as Ansible's parse_address does. */
function splitPort(name: string): { name: string; port?: number } {
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(name);
  if (bracketed) return { name: bracketed[1]!, port: Number(bracketed[2]) };
  const plain = /^([^:\s]+):(\d+)$/.exec(name);
  if (plain) return { name: plain[1]!, port: Number(plain[2]) };
  return { name };
}

function groupList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : undefined;
  if (!list) throw new ModuleFailure('Groups must be specified as a list.');
  const out: string[] = [];
  for (const g of list) if (!out.includes(g)) out.push(g.trim());
  return out;
}

const addHost: Module<Record<string, unknown>> = {
  name: 'add_host',
  summary: 'Add a host (and alternatively a group) to the ansible-playbook in-memory inventory',
  supportsCheckMode: true,
  controllerOnly: true,
  bypassHostLoop: true,
  schema: {
    type: 'object',
    properties: {
      name: { description: 'The hostname/ip of the host to add to the inventory, can include a colon and a port number.' },
      groups: { description: 'The groups to add the hostname to (a list, or names separated by commas).' },
    },
    additionalProperties: true,
  },
  async plan(ctx) {
    const args = ctx.args;
    const given = NAME_KEYS.map((k) => args[k]).find((v) => v !== undefined);
    if (given === undefined) throw new ModuleFailure('name, host or hostname needs to be provided');
    const { name, port } = splitPort(String(given));
    const groups = groupList(GROUP_KEYS.map((k) => args[k]).find((v) => v !== undefined));
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (!SPECIAL.has(k)) vars[k] = v;
    if (port !== undefined) vars.ansible_ssh_port = port;
    return {
      changed: false,
      result: { add_host: { host_name: name, groups, host_vars: vars } },
      effects: { inventory: { kind: 'add_host', name, groups, vars } },
    };
  },
};

export default addHost;
