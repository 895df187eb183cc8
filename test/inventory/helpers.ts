import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ParseError } from '../../src/errors.js';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fx = (name: string): string => fixtures + name;

/** Inventory-level variables without the inventory_file/inventory_dir magic (as ansible-inventory --list shows). */
export function plain(vars: Record<string, unknown>): Record<string, unknown> {
  const { inventory_file: _f, inventory_dir: _d, ...rest } = vars;
  return rest;
}

export function expectParseError(fn: () => unknown, message: RegExp, file: string, line: number): ParseError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ParseError);
  const err = caught as ParseError;
  expect(err.message).toMatch(message);
  expect(err.location?.file).toBe(file);
  expect(err.location?.line).toBe(line);
  expect(err.location?.col).toBeGreaterThanOrEqual(1);
  return err;
}
