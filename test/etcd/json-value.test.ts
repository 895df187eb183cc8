// The etcdctl module's value rules: text as given, other values as compact
// JSON, and a JSON object or array compared parsed (key order and spacing make
// no change; array order and types do).
import { describe, expect, it } from 'vitest';
import { jsonEqual, sameValue, valueText } from '../../src/etcd/json-value.js';

describe('etcd values', () => {
  it('writes text as given and anything else as compact JSON', () => {
    expect(valueText('a b\n')).toBe('a b\n');
    expect(valueText({ b: 1, a: [1, 'x'] })).toBe('{"b":1,"a":[1,"x"]}');
    expect(valueText(5)).toBe('5');
    expect(valueText(true)).toBe('true');
  });

  const cases: Array<[string, string, unknown, boolean]> = [
    ['same text', 'hello', 'hello', true],
    ['other text', 'hello', 'hello ', false],
    ['a dict against its JSON in another key order', '{"b":1,"a":{"y":2,"x":1}}', { a: { x: 1, y: 2 }, b: 1 }, true],
    ['a dict against JSON with spaces and newlines', '{ "a" : [1, 2],\n "b": null }', { b: null, a: [1, 2] }, true],
    ['a JSON string against stored JSON in another order', '{"a":1,"b":2}', '{"b": 2, "a": 1}', true],
    ['array order matters', '[1,2]', [2, 1], false],
    ['types matter', '{"a":"1"}', { a: 1 }, false],
    ['an extra key is a change', '{"a":1,"b":2}', { a: 1 }, false],
    ['stored text that is not JSON', 'not json', { a: 1 }, false],
    ['a number', '5', 5, true],
    ['text that looks like a number is compared as text', '5.0', '5', false],
  ];
  it.each(cases)('%s', (_name, stored, wanted, same) => {
    expect(sameValue(stored, wanted)).toBe(same);
  });

  it('compares JSON data deeply', () => {
    expect(jsonEqual({ a: [{ b: 1, c: 2 }] }, { a: [{ c: 2, b: 1 }] })).toBe(true);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});
