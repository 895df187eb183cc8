// INI inventory files: `[group]`, `[group:vars]`, `[group:children]`, host
// lines with inline variables, `host:port`, ranges, `#`/`;` comments. Values are
// read like Python literals (ast.literal_eval), as Ansible does.
import { ParseError, type SourceLocation } from '../errors.js';
import { splitHostPort } from './host-address.js';
import type { InventoryData } from './model.js';
import { literalEval } from './pyliteral.js';
import { RangeError, expandHostRange, hasRange } from './ranges.js';
import { ShlexError, shlexSplit } from './shlex.js';

type State = 'hosts' | 'vars' | 'children';

interface Pending {
  kind: 'vars' | 'children';
  at: SourceLocation;
  parent: string;
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;

export function parseIniInventory(text: string, file: string, inv: InventoryData): void {
  let group = 'ungrouped';
  let state: State = 'hosts';
  // Groups named in [g:vars] or as a child before they are defined anywhere.
  const pending = new Map<string, Pending>();
  // Groups that exist for Ansible: from earlier sources, or given a [g] / [g:children] header.
  const defined = new Set(inv.groups.keys());

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const at = (col = raw.length - raw.trimStart().length + 1): SourceLocation => ({ file, line: index + 1, col });

    if ((line.startsWith('[') && line.endsWith(']')) || SECTION.test(line)) {
      const m = SECTION.exec(line);
      if (!m) {
        throw new ParseError(
          `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
          at(),
        );
      }
      group = m[1]!;
      const type = m[2] ?? 'hosts';
      if (type !== 'hosts' && type !== 'vars' && type !== 'children') {
        throw new ParseError(`Section [${group}:${type}] has unknown type: ${type}`, at(raw.indexOf(':') + 2));
      }
      state = type;
      if (state === 'vars') {
        if (!defined.has(group)) pending.set(group, { kind: 'vars', at: at(), parent: group });
        return;
      }
      inv.addGroup(group);
      defined.add(group);
      pending.delete(group);
      return;
    }

    if (state === 'hosts') parseHostLine(raw, line, group, inv, at);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw new ParseError(`Expected key=value, got: ${line}`, at());
      inv.setGroupVar(group, line.slice(0, eq).trim(), literalEval(line.slice(eq + 1).trim()));
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw new ParseError(`Expected group name, got: ${line}`, at());
      const child = m[1]!;
      if (!defined.has(child) && !pending.has(child)) pending.set(child, { kind: 'children', at: at(), parent: group });
      // Link it now; if it is never defined the error below fires anyway.
      inv.addChild(group, child, at());
    }
  });

  for (const [name, p] of pending) {
    if (p.kind === 'vars') {
      throw new ParseError(`Section [${name}:vars] not valid for undefined group: ${name}`, p.at);
    }
    throw new ParseError(`Section [${p.parent}:children] includes undefined group: ${name}`, p.at);
  }
}

function parseHostLine(
  raw: string,
  line: string,
  group: string,
  inv: InventoryData,
  at: (col?: number) => SourceLocation,
): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    throw new ParseError(`Error parsing host definition '${line}': ${(e as ShlexError).message}`, at());
  }
  if (tokens.length === 0) return;
  const vars: Record<string, unknown> = {};
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    const col = Math.max(raw.indexOf(token.split('=')[0]!, raw.indexOf(tokens[0]!) + tokens[0]!.length), 0) + 1;
    if (eq < 0) throw new ParseError(`Expected key=value host variable assignment, got: ${token}`, at(col));
    vars[token.slice(0, eq)] = literalEval(token.slice(eq + 1));
  }
  const { pattern, port } = splitHostPort(tokens[0]!);
  if (pattern.endsWith(':')) {
    throw new ParseError(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`, at());
  }
  let names: string[];
  try {
    names = hasRange(pattern) ? expandHostRange(pattern) : [pattern];
  } catch (e) {
    throw new ParseError(`Invalid host range in '${pattern}': ${(e as RangeError).message}`, at(raw.indexOf('[') + 1));
  }
  if (names.some((n) => /[[\]]/.test(n) && !/^[0-9a-fA-F:.]+$/.test(n))) {
    throw new ParseError(`Invalid host pattern '${pattern}': unbalanced or malformed range brackets`, at());
  }
  for (const name of names) {
    const host = inv.addHost(name, group);
    if (port !== undefined) host.vars.ansible_port = port;
    Object.assign(host.vars, vars);
  }
}
