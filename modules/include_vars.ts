// include_vars: load variables from a YAML/JSON file (or a directory of them)
// on the controller, at include_vars precedence.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { loadYamlFile } from '../src/yaml-source.js';
import { isVaultText } from '../src/vault/envelope.js';

interface IncludeVarsArgs {
  _raw_params?: string;
  file?: string;
  dir?: string;
  name?: string;
  depth: number;
  files_matching?: string;
  ignore_files: string[];
  extensions: string[];
}

function filesIn(dir: string, args: IncludeVarsArgs, level = 1): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (args.depth === 0 || level < args.depth) out.push(...filesIn(full, args, level + 1));
      continue;
    }
    const ext = entry.includes('.') ? entry.slice(entry.lastIndexOf('.') + 1) : '';
    if (!args.extensions.includes(ext)) continue;
    if (args.ignore_files.includes(entry)) continue;
    if (args.files_matching && !new RegExp(args.files_matching).test(entry)) continue;
    out.push(full);
  }
  return out;
}

function isVaulted(path: string): boolean {
  return isVaultText(readFileSync(path));
}

function loadVarsFile(path: string): Record<string, unknown> {
  const data = loadYamlFile(path);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ModuleFailure(`${path} must be stored as a dictionary/hash`);
  }
  return data as Record<string, unknown>;
}

const includeVars: Module<IncludeVarsArgs> = {
  name: 'include_vars',
  summary: 'Load variables from files, dynamically within a task',
  freeForm: '_raw_params',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      _raw_params: { type: 'string' },
      file: { type: 'string' },
      dir: { type: 'string' },
      name: { type: 'string' },
      depth: { type: 'integer', default: 0 },
      files_matching: { type: 'string' },
      ignore_files: { type: 'array', items: { type: 'string' }, default: [] },
      extensions: { type: 'array', items: { type: 'string' }, default: ['yaml', 'yml', 'json'] },
      hash_behaviour: { type: 'string' },
      ignore_unknown_extensions: { type: 'boolean' },
    },
  },
  async plan(ctx) {
    const { args } = ctx;
    let files: string[];
    if (args.dir !== undefined) {
      files = filesIn(ctx.findFile('vars', args.dir), args);
    } else {
      const name = args.file ?? args._raw_params;
      if (!name) throw new ModuleFailure('one of file, dir or a free-form file name is required');
      files = [ctx.findFile('vars', name)];
    }
    const loaded: Record<string, unknown> = {};
    for (const f of files) Object.assign(loaded, loadVarsFile(f));
    const vars = args.name ? { [args.name]: loaded } : loaded;
    return {
      changed: false,
      // Values read from a vaulted file are not shown, even at -v (as Ansible).
      result: { ansible_facts: vars, ansible_included_var_files: files, ...(files.some(isVaulted) ? { _ansible_no_log: true } : {}) },
      effects: { includeVars: vars },
    };
  },
};

export default includeVars;
