// Small validators for keyword values; each failure names the keyword's place.
import { ParseError, type SourceLocation } from '../errors.js';
import { locationOf, locationOfKey } from '../yaml-source.js';
import type { Condition } from './types.js';

export type Raw = Record<string, unknown>;

export function isMapping(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function keyLocation(map: Raw, key: string, fallback: SourceLocation): SourceLocation {
  return locationOfKey(map, key) ?? locationOf(map) ?? fallback;
}

export function fail(message: string, loc: SourceLocation): never {
  throw new ParseError(message, loc);
}

export function optString(map: Raw, key: string, loc: SourceLocation): string | undefined {
  const v = map[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(`'${key}' must be a string`, keyLocation(map, key, loc));
}

/** A value that is a bool or a template string that will evaluate to one. */
export function optBoolish(map: Raw, key: string, loc: SourceLocation): boolean | string | undefined {
  const v = map[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v !== 0;
  return fail(`'${key}' must be a boolean`, keyLocation(map, key, loc));
}

export function stringList(map: Raw, key: string, loc: SourceLocation, splitCommas = false): string[] {
  const v = map[key];
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string' || typeof item === 'number') {
      const s = String(item);
      out.push(...(splitCommas ? s.split(',').map((x) => x.trim()).filter(Boolean) : [s]));
    } else {
      fail(`'${key}' must be a string or a list of strings`, keyLocation(map, key, loc));
    }
  }
  return out;
}

export function conditions(map: Raw, key: string, loc: SourceLocation): Condition[] | undefined {
  const v = map[key];
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  return items.map((item) => {
    if (typeof item === 'boolean' || typeof item === 'string') return item;
    if (typeof item === 'number') return item !== 0;
    return fail(`'${key}' must be a string, a boolean or a list of them`, keyLocation(map, key, loc));
  });
}

export function varsMap(map: Raw, key: string, loc: SourceLocation): Raw {
  const v = map[key];
  if (v === undefined || v === null) return {};
  if (Array.isArray(v) && v.every(isMapping)) return Object.assign({}, ...v);
  if (!isMapping(v)) fail(`'${key}' must be a dictionary`, keyLocation(map, key, loc));
  return v;
}

export function envList(map: Raw, key: string, loc: SourceLocation): Raw[] {
  const v = map[key];
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  for (const item of items) {
    if (!isMapping(item) && typeof item !== 'string') fail(`'${key}' must be a dictionary`, keyLocation(map, key, loc));
  }
  return items.map((item) => (isMapping(item) ? item : { __template__: item }));
}
