// YAML (and JSON) inventory files: top-level keys are groups, each a mapping
// of `hosts`, `vars` and `children`; children nest the same way.
import { ParseError, type SourceLocation } from '../errors.js';
import { locationOf, locationOfKey } from '../yaml-source.js';
import { splitHostPort } from './host-address.js';
import type { InventoryData } from './model.js';
import { RangeError, expandHostRange, hasRange } from './ranges.js';

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

export function parseYamlInventory(data: unknown, file: string, inv: InventoryData): void {
  if (data === null || data === undefined) return; // an empty file: nothing to add
  const fileStart: SourceLocation = { file, line: 1, col: 1 };
  if (!isMapping(data)) {
    throw new ParseError(
      `YAML inventory has invalid structure, it should be a dictionary, got: ${typeName(data)}`,
      locationOf(data) ?? fileStart,
    );
  }
  if ('plugin' in data) {
    throw new ParseError('Inventory plugin configuration files are not supported, only YAML inventory', locationOfKey(data, 'plugin') ?? fileStart);
  }
  for (const [name, body] of Object.entries(data)) parseGroup(name, body, data, inv, fileStart);
}

function parseGroup(name: string, body: unknown, parent: Mapping, inv: InventoryData, fallback: SourceLocation): string {
  const where = locationOfKey(parent, name) ?? fallback;
  if (body !== null && !isMapping(body)) {
    throw new ParseError(`Invalid group definition for '${name}': expected a mapping of hosts, vars and children, got ${typeName(body)}`, where);
  }
  inv.addGroup(name);
  if (body === null) return name;
  for (const [key, value] of Object.entries(body)) {
    const keyAt = locationOfKey(body, key) ?? where;
    if (key !== 'hosts' && key !== 'vars' && key !== 'children') {
      throw new ParseError(`Unexpected key '${key}' in group '${name}', only "vars", "children" and "hosts" are valid`, keyAt);
    }
    if (value === null) continue;
    // A plain string stands for a single entry with no value, as Ansible allows.
    const section: unknown = typeof value === 'string' ? { [value]: null } : value;
    if (!isMapping(section)) {
      throw new ParseError(`Invalid "${key}" entry for "${name}" group, requires a dictionary, found ${typeName(value)} instead.`, keyAt);
    }
    if (key === 'vars') {
      for (const [k, v] of Object.entries(section)) inv.setGroupVar(name, k, v);
    } else if (key === 'children') {
      for (const [child, childBody] of Object.entries(section)) {
        parseGroup(child, childBody, section, inv, keyAt);
        inv.addChild(name, child, locationOfKey(section, child) ?? keyAt);
      }
    } else {
      for (const [pattern, hostVars] of Object.entries(section)) {
        addHosts(pattern, hostVars, name, inv, locationOfKey(section, pattern) ?? keyAt);
      }
    }
  }
  return name;
}

function addHosts(text: string, vars: unknown, group: string, inv: InventoryData, where: SourceLocation): void {
  if (vars !== null && !isMapping(vars)) {
    throw new ParseError(`Invalid variables for host '${text}' in group '${group}': expected a mapping, got ${typeName(vars)}`, where);
  }
  const { pattern, port } = splitHostPort(text);
  let names: string[];
  try {
    names = hasRange(pattern) ? expandHostRange(pattern) : [pattern];
  } catch (e) {
    throw new ParseError(`Invalid host range in '${pattern}': ${(e as RangeError).message}`, where);
  }
  for (const name of names) {
    const host = inv.addHost(name, group);
    if (port !== undefined) host.vars.ansible_port = port;
    if (vars) Object.assign(host.vars, vars);
  }
}
