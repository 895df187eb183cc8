// Range and literal behaviour checked against ansible-inventory on INI host lines.
import { describe, expect, it } from 'vitest';
import { literalEval } from '../../src/inventory/pyliteral.js';
import { expandHostRange } from '../../src/inventory/ranges.js';

describe('host ranges', () => {
  it('expands numeric, padded, alphabetic, strided and repeated ranges', () => {
    expect(expandHostRange('web[01:03]')).toEqual(['web01', 'web02', 'web03']);
    expect(expandHostRange('n[1:10:3]')).toEqual(['n1', 'n4', 'n7', 'n10']);
    expect(expandHostRange('h[a:e:2]')).toEqual(['ha', 'hc', 'he']);
    expect(expandHostRange('h[1:2]x[1:2]')).toEqual(['h1x1', 'h1x2', 'h2x1', 'h2x2']);
    expect(expandHostRange('h[3:1]')).toEqual([]);
  });
  it('rejects bad ranges', () => {
    expect(() => expandHostRange('h[1:x]')).toThrow();
    expect(() => expandHostRange('h[01:3]')).toThrow(/equal-length/);
    expect(() => expandHostRange('h[1:3:0]')).toThrow();
  });
});

describe('Python literals', () => {
  it('reads what ast.literal_eval reads, else keeps the text', () => {
    expect(literalEval('5')).toBe(5);
    expect(literalEval('0x1f')).toBe(31);
    expect(literalEval('0644')).toBe('0644');
    expect(literalEval('True')).toBe(true);
    expect(literalEval('None')).toBe(null);
    expect(literalEval("'single' # trailing")).toBe('single');
    expect(literalEval('(1, 2)')).toEqual([1, 2]);
    expect(literalEval("{'a': [1, 'x']}")).toEqual({ a: [1, 'x'] });
    expect(literalEval('{k:1}')).toBe('{k:1}');
    expect(literalEval('yes')).toBe('yes');
    // Floats stay floats, ints are exact at any size, as in Python.
    expect(String(literalEval('1e3'))).toBe('1000.0');
    expect(String(literalEval('3.0'))).toBe('3.0');
    expect(String(literalEval('-0.0'))).toBe('-0.0');
    expect(literalEval('-2.5')).toBe(-2.5);
    expect(literalEval('18446744073709551616')).toBe(18446744073709551616n);
    expect(literalEval('-18446744073709551616')).toBe(-18446744073709551616n);
  });
});
