// ansible.utils' address filters: ipaddr, ipv4, ipv6, ipwrap, hwaddr/macaddr.
// Ansible 2.14 reaches some by their short names (its builtin routing redirects them
// to ansible.netcommon, which redirects to ansible.utils); the others only as
// ansible.utils.NAME, so those are registered under that name alone.
import { MAC_DIALECTS, parseMac } from '../net-address/mac.js';
import { param, type Args } from './args.js';
import { TemplateError } from './errors.js';
import { ipaddr, pyClass, pyIntValue, truthy } from './filters-ipaddr-query.js';
import { ipaddrMathFilters } from './filters-ipaddr-math.js';
import { pyStr } from './python-repr.js';
import type { FilterFn, FilterTable } from './registry.js';

/** The value types the ipaddr-style filters take (str, list, int; ipwrap: bool instead of int). */
function checkValue(name: string, v: unknown, allowInt: boolean): void {
  const ok = typeof v === 'string' || Array.isArray(v) || typeof v === 'boolean' ||
    (allowInt && (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))));
  if (!ok) throw new TemplateError(`Unrecognized type <${pyClass(v)}> for ${name} filter <value>`);
}

const queryArg = (a: Args): string => {
  const q = param<unknown>(a, 0, 'query', '');
  return typeof q === 'string' ? q : pyStr(q);
};

function versioned(name: string, version: 0 | 4 | 6): FilterFn {
  return (v, a) => {
    checkValue(name, v, true);
    // The ipaddr filter hands the collection alias=None, so its unknown-query message is a TypeError.
    return ipaddr(v, queryArg(a), version, version === 0 ? null : name);
  };
}

function ipwrap(value: unknown, a: Args): unknown {
  checkValue('ipwrap', value, false);
  // The collection binds only `value` by position: a positional query is dropped.
  const query = queryArg({ pos: [], kw: a.kw });
  const wrap = (e: unknown): unknown => {
    const found = ipaddr(e, query, 0, 'ipwrap');
    return truthy(found) ? ipaddr(Array.isArray(value) ? e : found, 'wrap') : e;
  };
  try {
    return Array.isArray(value) ? value.map(wrap) : wrap(value);
  } catch {
    return value;
  }
}

/** hwaddr/macaddr: is it a MAC address, and how to spell it. */
function hwaddr(alias: string): FilterFn {
  return (value, a) => {
    const text = typeof value === 'string' ? value : pyStr(value);
    const query = queryArg(a);
    const mac = parseMac(text);
    if (mac === undefined && query && query !== 'bool') throw new TemplateError(`${alias}: not a hardware address: ${text}`);
    if (query === '') return mac === undefined ? null : text;
    if (query === 'bool') return mac === undefined ? null : true;
    if (query === 'int') return pyIntValue(mac!);
    const dialect = { eui48: 'eui48', win: 'eui48', postgresql: 'pgsql', psql: 'pgsql' }[query] ?? query;
    if (!Object.hasOwn(MAC_DIALECTS, dialect)) throw new TemplateError(`${alias}: unknown filter type: ${query}`);
    return MAC_DIALECTS[dialect](mac!);
  };
}

const shortAndLong: FilterTable = {
  ipaddr: versioned('ipaddr', 0),
  ipv4: versioned('ipv4', 4),
  ipv6: versioned('ipv6', 6),
  ipwrap,
  hwaddr: hwaddr('hwaddr'),
  ...ipaddrMathFilters.shortAndLong,
};

/** Short names (also reached as ansible.netcommon.NAME and ansible.utils.NAME). */
export const ipaddrFilters: FilterTable = {
  ...shortAndLong,
  'ansible.utils.macaddr': hwaddr('macaddr'),
  ...Object.fromEntries(Object.entries(ipaddrMathFilters.utilsOnly).map(([k, f]) => [`ansible.utils.${k}`, f])),
};
