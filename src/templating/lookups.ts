// lookup()/query()/q(): file, template, env, vars, items/list, dict, pipe,
// lines, random_choice, unvault; fileglob and first_found (lookups-files.ts),
// sequence and password (lookups-generate.ts), nested, together, indexed_items,
// subelements, inventory_hostnames, varnames and config (lookups-data.ts),
// csvfile and ini (lookups-tables.ts), url (lookups-url.ts).
import { execSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decryptIfVaulted } from '../vault/controller-file.js';
import { dirname } from 'node:path';
import { splitArgs } from './args.js';
import { TemplateError } from './errors.js';
import { AnsibleClassError, LookupFailure, findInSearchPath, type Lookup, type LookupLoop } from './lookup-support.js';
import { fileLookups } from './lookups-files.js';
import { generateLookups } from './lookups-generate.js';
import { dataLookups } from './lookups-data.js';
import { tableLookups } from './lookups-tables.js';
import { urlLookups } from './lookups-url.js';
import { templateVars } from './template-vars.js';
import { truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';
import type { RenderContext } from './runtime.js';
import { defined, isUndefined } from './undefined.js';

export interface LookupHost {
  renderText(text: string, vars: Record<string, unknown>, options?: { searchPaths?: string[] }): string;
}

/** What a controller shell command prints (pipe, lines). */
function shellOutput(command: unknown): string {
  return execSync(pyStr(command), { encoding: 'utf8', shell: '/bin/sh' });
}

function readTerm(term: unknown, subdir: string, ctx: RenderContext): { path: string; text: string } {
  const name = pyStr(term);
  const path = findInSearchPath(name, subdir, ctx.extra.searchPaths);
  if (!path) throw new TemplateError(`could not locate file in lookup: ${name}`);
  // A vaulted file is read decrypted, as Ansible's file and template lookups read it.
  return { path, text: decryptIfVaulted(readFileSync(path), path).toString('utf8') };
}

const lookups: Record<string, Lookup> = {
  file: (terms, a, ctx) =>
    terms.map((t) => {
      let text = readTerm(t, 'files', ctx).text;
      if (truthy(a.kw.lstrip ?? false)) text = text.replace(/^\s+/, '');
      if (truthy(a.kw.rstrip ?? true)) text = text.replace(/\s+$/, '');
      return text;
    }),
  template: (terms, _a, ctx) =>
    terms.map((t) => {
      const { path, text } = readTerm(t, 'templates', ctx);
      const host = ctx.extra.templar as LookupHost;
      return host.renderText(text, Object.assign(Object.create(ctx.vars) as Record<string, unknown>, templateVars(path)), { searchPaths: [dirname(path), ...ctx.extra.searchPaths] });
    }),
  env: (terms, a) => terms.map((t) => process.env[pyStr(t)] ?? (a.kw.default === undefined ? '' : a.kw.default)),
  vars: (terms, a, ctx) =>
    terms.map((t) => {
      const name = pyStr(t);
      const v = ctx.lookup(name);
      if (v === undefined || isUndefined(v)) {
        if ('default' in a.kw) return a.kw.default;
        throw new TemplateError(`No variable found with this name: ${name}`);
      }
      return v;
    }),
  items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])),
  list: (terms) => terms,
  dict: (terms) =>
    terms.flatMap((t) => Object.entries(t as Record<string, unknown>).map(([key, value]) => ({ key, value }))),
  pipe: (terms) => terms.map((t) => shellOutput(t).replace(/\s+$/, '')),
  lines: (terms) =>
    terms.flatMap((t) => {
      const out = shellOutput(t);
      return out === '' ? [] : out.replace(/\r?\n$/, '').split(/\r?\n/);
    }),
  random_choice: (terms) => (terms.length === 0 ? [] : [terms[randomInt(terms.length)]]),
  // Read decrypted when vaulted, else as it is; a missing file is a parser error in Ansible.
  unvault: (terms, _a, ctx) =>
    terms.map((t) => {
      const name = pyStr(t);
      const path = findInSearchPath(name, 'files', ctx.extra.searchPaths);
      if (!path) throw new AnsibleClassError(`Unable to find file matching "${name}" `, 'ansible.errors.AnsibleParserError');
      return decryptIfVaulted(readFileSync(path), path).toString('utf8');
    }),
  ...fileLookups,
  ...generateLookups,
  ...dataLookups,
  ...tableLookups,
  ...urlLookups,
};

function run(ctx: RenderContext, args: unknown[], wantlist: boolean): unknown {
  const a = splitArgs(args.map(defined));
  const [name, ...terms] = a.pos;
  const plugin = lookups[pyStr(name)];
  if (!plugin) throw new TemplateError(`lookup plugin (${pyStr(name)}) not found`);
  const errors = pyStr(a.kw.errors ?? 'strict');
  let result: unknown[];
  try {
    result = plugin(terms, a, ctx);
  } catch (err) {
    if (err instanceof LookupFailure && err.options) throw err;
    if (errors === 'ignore' || errors === 'warn') return wantlist ? [] : null;
    if (err instanceof LookupFailure) throw err;
    const cls = err instanceof AnsibleClassError ? err.pyClass : err instanceof TemplateError ? 'ansible.errors.AnsibleError' : undefined;
    throw new TemplateError(`An unhandled exception occurred while running the lookup plugin '${pyStr(name)}'. Error was a ${cls ? `<class '${cls}'>` : 'Error'}, original message: ${(err as Error).message}`);
  }
  // An empty result stays a list, as ansible-playbook renders it ("[]").
  if (wantlist || truthy(a.kw.wantlist ?? false) || result.length === 0) return result;
  if (result.every((x) => typeof x === 'string')) return result.join(',');
  return result.length === 1 ? result[0] : result;
}

/**
 * The items of a `with_<lookup>` loop: the lookup's list for the terms. As in
 * Ansible, a failing lookup fails with its own message here, not wrapped as
 * inside a template.
 */
export function queryLookup(ctx: RenderContext, name: string, terms: unknown[], loop: LookupLoop): unknown[] {
  const plugin = lookups[name];
  if (!plugin) throw new TemplateError(`lookup plugin (${name}) not found`);
  return plugin(terms.map(defined), { pos: [], kw: {} }, ctx, loop);
}

export const lookupGlobals = {
  lookup(this: RenderContext, ...args: unknown[]): unknown {
    return run(this, args, false);
  },
  query(this: RenderContext, ...args: unknown[]): unknown {
    return run(this, args, true);
  },
  q(this: RenderContext, ...args: unknown[]): unknown {
    return run(this, args, true);
  },
};
