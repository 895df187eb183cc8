// group_vars/ and host_vars/ beside inventory sources and playbooks:
// `<dir>/group_vars/web.yml` (.yaml, .json or no extension) and the directory
// form `<dir>/group_vars/web/*.yml`, whose files are merged in sorted order.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError } from '../errors.js';
import { loadYamlFile, locationOf } from '../yaml-source.js';
import type { Vars } from './model.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

function kind(path: string): 'file' | 'dir' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

/** Files of a vars directory, sorted and recursive; hidden and backup files skipped. */
function dirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extensionOf(name);
    const k = kind(full);
    if (k === 'dir' && ext === '') out.push(...dirFiles(full));
    else if (k === 'file' && (ext === '' || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/** The files that hold variables for `name` under `<base>/<sub>`, in load order. */
export function varsFiles(base: string, sub: 'group_vars' | 'host_vars', name: string): string[] {
  const root = join(base, sub);
  if (kind(root) !== 'dir') return [];
  const found: string[] = [];
  for (const ext of [...EXTENSIONS, '']) {
    const full = join(root, name + ext);
    const k = kind(full);
    if (k === 'file') found.push(full);
    else if (k === 'dir') found.push(...dirFiles(full));
  }
  return found;
}

const cache = new Map<string, { mtime: number; vars: Vars }>();

/** Variables in one vars file; it must hold a mapping (or nothing). */
export function loadVarsFile(file: string): Vars {
  const mtime = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.vars;
  const data = loadYamlFile(file);
  let vars: Vars;
  if (data === null || data === undefined) vars = {};
  else if (typeof data === 'object' && !Array.isArray(data)) vars = data as Vars;
  else {
    throw new ParseError(
      `Invalid vars file '${file}': expected a mapping of variables, got ${Array.isArray(data) ? 'a list' : typeof data}`,
      locationOf(data) ?? { file, line: 1, col: 1 },
    );
  }
  cache.set(file, { mtime, vars });
  return vars;
}

/** Variables for `name` from `<base>/<sub>`, later files overriding earlier ones. */
export function loadVarsFor(base: string, sub: 'group_vars' | 'host_vars', name: string): Vars {
  const out: Vars = {};
  for (const file of varsFiles(base, sub, name)) Object.assign(out, loadVarsFile(file));
  return out;
}
