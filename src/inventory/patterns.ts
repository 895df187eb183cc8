// Host patterns as Ansible reads them: `a:b` / `a,b` unions, `&` intersections,
// `!` exclusions (applied after all unions), globs, `~regex`, and subscripts
// `g[0]`, `g[-1]`, `g[1:3]` (inclusive), `g[2:]`.
import { TsplayError } from '../errors.js';
import type { InventoryData } from './model.js';

export const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Split a pattern string (or list) into single patterns. */
export function splitPatterns(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitPatterns(p));
  if (pattern.includes(',')) return pattern.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const text = pattern.trim();
  // A bare IPv6 address is one pattern, not colon-separated ones.
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:]*:[0-9a-fA-F.]*$/.test(text) && text.split(':').length > 2) return [text];
  return (text.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []).map((p) => p.trim()).filter((p) => p !== '');
}

/** Unions first, then intersections, then exclusions; only the latter two means `all` first. */
export function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => p[0] !== '!' && p[0] !== '&');
  const and = patterns.filter((p) => p[0] === '&');
  const not = patterns.filter((p) => p[0] === '!');
  return [...(regular.length > 0 ? regular : ['all']), ...and, ...not];
}

type Subscript = { start: number; end?: number };

function splitSubscript(pattern: string): { expr: string; sub?: Subscript } {
  if (pattern.startsWith('~')) return { expr: pattern };
  const m = /^(.+)\[(?:(-?\d+)|(\d+)[:-](\d*))\]$/.exec(pattern);
  if (!m) return { expr: pattern };
  if (m[2] !== undefined) return { expr: m[1]!, sub: { start: Number(m[2]) } };
  return { expr: m[1]!, sub: { start: Number(m[3]), end: m[4] === '' ? -1 : Number(m[4]) } };
}

function applySubscript(hosts: string[], sub: Subscript | undefined): string[] {
  if (!sub) return hosts;
  // Ansible: an end of 0 (x:0) means a single host, like x.
  if (sub.end !== undefined && sub.end !== 0) {
    const end = sub.end === -1 ? hosts.length - 1 : sub.end;
    return hosts.slice(sub.start, end + 1);
  }
  const index = sub.start < 0 ? hosts.length + sub.start : sub.start;
  const host = hosts[index];
  return host === undefined ? [] : [host];
}

function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body}]`;
        i = close;
      }
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

function matcher(pattern: string): (name: string) => boolean {
  let re: RegExp;
  try {
    // `~regex` is matched at the start only, like Python's re.match.
    re = pattern.startsWith('~') ? new RegExp(`^(?:${pattern.slice(1)})`) : globToRegExp(pattern);
  } catch {
    throw new TsplayError(`Invalid host list pattern: ${pattern}`);
  }
  return (name) => re.test(name);
}

export interface PatternScope {
  data: InventoryData;
  /** Called for a localhost name that matched nothing; returns the implicit host's name. */
  implicitLocalhost(name: string): string;
}

function enumerate(scope: PatternScope, pattern: string): string[] {
  const { data } = scope;
  const results: string[] = [];
  const isMatch = matcher(pattern);
  const groups = [...data.groups.keys()].filter((g) => isMatch(g));
  for (const g of groups) results.push(...data.groupHosts(g));
  const special = pattern.startsWith('~') || /[.?*[]/.test(pattern);
  if (groups.length === 0 || special) {
    for (const h of data.hosts.keys()) if (isMatch(h)) results.push(h);
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(pattern)) results.push(scope.implicitLocalhost(pattern));
  return results;
}

function matchOne(scope: PatternScope, pattern: string): string[] {
  const bare = pattern[0] === '&' || pattern[0] === '!' ? pattern.slice(1) : pattern;
  const { expr, sub } = splitSubscript(bare);
  return applySubscript(enumerate(scope, expr), sub);
}

/** Hosts matching already split patterns, in Ansible's order, without duplicates. */
export function evaluatePatterns(scope: PatternScope, patterns: string[]): string[] {
  let hosts: string[] = [];
  for (const p of orderPatterns(patterns)) {
    if (scope.data.hosts.has(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const that = matchOne(scope, p);
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of that) {
        if (!have.has(h)) {
          have.add(h);
          hosts.push(h);
        }
      }
    }
  }
  return hosts;
}
