// Lookups that reshape their terms or read the run's own data, as Ansible
// 2.14's plugins of the same names: nested, together, indexed_items,
// subelements (the with_* loop forms, usable in lookup()/query() too),
// inventory_hostnames, varnames and config.
import { readAnsibleConfig, type SettingName } from '../config/ansible-config.js';
import { DEFAULT_ROLES_PATH } from '../config/run-defaults.js';
import { InventoryData } from '../inventory/model.js';
import { evaluatePatterns, splitPatterns } from '../inventory/patterns.js';
import { PyException, TemplateError } from './errors.js';
import { LookupFailure, type Lookup } from './lookup-support.js';
import { isMapping, truthy, typeName } from './python-ops.js';
import { pyRepr, pyStr, tuple } from './python-repr.js';
import { pyRegex } from './regex.js';
import { toBool } from './filters-core.js';

/** Python iteration of a value: a list's items, a string's characters, a dict's keys. */
function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isMapping(v)) return Object.keys(v);
  throw new PyException('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** LookupBase._flatten: one level, lists spliced in. */
function flatten(items: unknown[]): unknown[] {
  return items.flatMap((x) => (Array.isArray(x) ? x : [x]));
}

/** listify_lookup_plugin_terms: a string (or other scalar) is a list of itself. */
function listify(term: unknown): unknown[] {
  return Array.isArray(term) ? term : isMapping(term) ? Object.keys(term) : [term];
}

function nested(terms: unknown[]): unknown[] {
  const lists = terms.map(listify);
  if (lists.length === 0) throw new TemplateError('with_nested requires at least one element in the nested list');
  let result: unknown[] = lists[0]!;
  for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flatten([x, y])));
  return result.map((x) => flatten(iterate(x)));
}

function together(terms: unknown[]): unknown[] {
  const lists = terms.map(listify);
  if (lists.length === 0) throw new TemplateError('with_together requires at least one element in each list');
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => flatten(lists.map((l) => (i < l.length ? l[i] : null))));
}

function subelements(terms: unknown[]): unknown[] {
  const fail = (msg = ''): never => {
    throw new TemplateError(`subelements lookup expects a list of two or three items, ${msg}`);
  };
  if (terms.length < 2 || terms.length > 3) fail();
  const [source, key, flags = {}] = terms;
  if ((!Array.isArray(source) && !isMapping(source)) || typeof key !== 'string') fail('first a dict or a list, second a string pointing to the subkey');
  if (!isMapping(flags)) fail("the optional third item must be a dict with flags ('skip_missing',)");
  let elements: unknown[];
  if (isMapping(source)) {
    if ('skipped' in source && source.skipped !== false) return [];
    elements = Object.values(source);
  } else elements = source as unknown[];
  const path = (key as string).split('.');
  const skipMissing = toBool((flags as Record<string, unknown>).skip_missing ?? false) === true;
  const out: unknown[] = [];
  for (const item of elements) {
    if (!isMapping(item)) throw new TemplateError(`subelements lookup expects a dictionary, got '${pyStr(item)}'`);
    if ('skipped' in item && item.skipped !== false) continue;
    // Ansible pops the list out of (its copy of) the item: copy the path, leave the variable alone
    const top: Record<string, unknown> = { ...item };
    let at = top;
    let sublist: unknown[] = [];
    for (const [i, k] of path.entries()) {
      const last = i === path.length - 1;
      if (!(k in at)) {
        if (skipMissing) continue;
        throw new TemplateError(`could not find '${k}' key in iterated item '${pyRepr(at)}'`);
      }
      const v = at[k];
      if (!last) {
        if (!isMapping(v)) {
          if (skipMissing) continue;
          throw new TemplateError(`the key ${k} should point to a dictionary, got '${pyRepr(v)}'`);
        }
        at = at[k] = { ...v };
      } else {
        if (!Array.isArray(v)) throw new TemplateError(`the key ${k} should point to a list, got '${pyRepr(v)}'`);
        sublist = v;
        delete at[k];
      }
    }
    for (const sub of sublist) out.push(tuple([top, sub]));
  }
  return out;
}

/** Hosts matching the patterns among the run's `groups`; a bad pattern matches nothing. */
function inventoryHostnames(terms: unknown[], groups: unknown): unknown[] {
  const data = new InventoryData();
  if (isMapping(groups)) {
    for (const [group, hosts] of Object.entries(groups)) {
      data.addGroup(group);
      for (const host of Array.isArray(hosts) ? hosts : []) data.addHost(pyStr(host), group);
    }
  }
  try {
    return evaluatePatterns({ data, implicitLocalhost: (name) => name }, splitPatterns(terms.map((t) => pyStr(t))));
  } catch {
    return [];
  }
}

function varnames(terms: unknown[], names: string[]): unknown[] {
  return terms.flatMap((term) => {
    if (typeof term !== 'string') throw new TemplateError(`Invalid setting identifier, "${pyStr(term)}" is not a string, it is a <class '${typeName(term)}'>`);
    let re: RegExp;
    try {
      re = pyRegex(term);
    } catch (e) {
      throw new TemplateError(`Unable to use "${term}" as a search parameter: ${(e as Error).message}`);
    }
    return names.filter((n) => re.test(n));
  });
}

/** Ansible's names of the settings tsplay reads, and their 2.14 defaults. */
const CONFIG_NAMES: Record<string, [SettingName | undefined, unknown]> = {
  DEFAULT_HOST_LIST: ['inventory', ['/etc/ansible/hosts']],
  DEFAULT_REMOTE_USER: ['remoteUser', null],
  DEFAULT_PRIVATE_KEY_FILE: ['privateKeyFile', null],
  DEFAULT_ROLES_PATH: ['rolesPath', undefined],
  DEFAULT_FORKS: ['forks', 5],
  DEFAULT_TIMEOUT: ['timeout', 10],
  HOST_KEY_CHECKING: ['hostKeyChecking', true],
  DEFAULT_GATHERING: ['gathering', 'implicit'],
  DEFAULT_VAULT_PASSWORD_FILE: ['vaultPasswordFile', null],
  ANY_ERRORS_FATAL: ['anyErrorsFatal', false],
  RETRY_FILES_ENABLED: ['retryFilesEnabled', false],
  DEFAULT_STDOUT_CALLBACK: ['stdoutCallback', 'default'],
  ANSIBLE_NOCOLOR: ['nocolor', false],
  ANSIBLE_FORCE_COLOR: ['forceColor', false],
  DEFAULT_BECOME: ['become', false],
  DEFAULT_BECOME_METHOD: ['becomeMethod', 'sudo'],
  DEFAULT_BECOME_USER: ['becomeUser', 'root'],
  DEFAULT_BECOME_ASK_PASS: ['becomeAskPass', false],
  ANSIBLE_PIPELINING: ['pipelining', false],
  DEPRECATION_WARNINGS: ['deprecationWarnings', true],
};

/**
 * The config lookup for the settings tsplay reads (ansible.cfg and ANSIBLE_*
 * over Ansible's defaults). Any other name, and plugin settings, count as a
 * missing setting.
 */
function config(terms: unknown[], kw: Record<string, unknown>): unknown[] {
  const missing = kw.on_missing ?? 'error';
  const [ptype, pname] = [kw.plugin_type, kw.plugin_name];
  if (truthy(ptype) !== truthy(pname)) throw new LookupFailure('Both plugin_type and plugin_name are required, cannot use one without the other', true);
  if (typeof missing !== 'string' || !['error', 'warn', 'skip'].includes(missing)) {
    throw new LookupFailure(`Invalid value "${pyStr(missing)}" for configuration option "plugin_type: lookup plugin: config setting: on_missing ", valid values are: error, skip, warn`, true);
  }
  const read = readAnsibleConfig().values;
  const out: unknown[] = [];
  for (const term of terms) {
    if (typeof term !== 'string') throw new LookupFailure(`Invalid setting identifier, "${pyStr(term)}" is not a string, its a <class '${typeName(term)}'>`, true);
    const known = truthy(ptype) ? undefined : CONFIG_NAMES[term];
    if (!known) {
      if (missing === 'error') throw new LookupFailure(`Unable to find setting ${term}`);
      continue;
    }
    const [name, dflt] = known;
    const set = name === undefined ? undefined : read[name];
    out.push(set !== undefined ? set.value : term === 'DEFAULT_ROLES_PATH' ? DEFAULT_ROLES_PATH() : dflt);
  }
  return out;
}

export const dataLookups: Record<string, Lookup> = {
  nested: (terms) => nested(terms),
  together: (terms) => together(terms),
  indexed_items: (terms) => flatten(terms).map((x, i) => tuple([i, x])),
  subelements: (terms) => subelements(terms),
  inventory_hostnames: (terms, _a, ctx) => inventoryHostnames(terms, ctx.lookup('groups')),
  varnames: (terms, _a, ctx) => {
    const names: string[] = [];
    for (const name in ctx.vars) if (!names.includes(name)) names.push(name);
    return varnames(terms, names);
  },
  config: (terms, a) => config(terms, a.kw),
};
