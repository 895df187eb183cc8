// The items of the with_* loops the executor makes itself (loops.ts), as
// ansible-core 2.14 gives them (differential case 121 runs them side by side).
import { describe, expect, it } from 'vitest';
import { loopItems } from '../../src/executor/loops.js';

describe('loopItems', () => {
  it('with_cartesian is with_nested', () => {
    expect(loopItems('with_cartesian', [['x', 'y'], [1, 2]])).toEqual([['x', 1], ['x', 2], ['y', 1], ['y', 2]]);
    expect(loopItems('with_nested', [['x'], [1, 2], ['z']])).toEqual([['x', 1, 'z'], ['x', 2, 'z']]);
  });

  it('with_subelements pairs each parent, without the list, with each sub-item', () => {
    const people = [{ name: 'a', keys: [1, 2] }, { name: 'b', keys: [3] }];
    expect(loopItems('with_subelements', [people, 'keys'])).toEqual([[{ name: 'a' }, 1], [{ name: 'a' }, 2], [{ name: 'b' }, 3]]);
    // the variable itself keeps its lists
    expect(people[0]!.keys).toEqual([1, 2]);
  });

  it('with_subelements of a dict, a nested key, and skip_missing', () => {
    expect(loopItems('with_subelements', [{ u: { g: ['x'] }, v: { g: [] } }, 'g'])).toEqual([[{}, 'x']]);
    expect(loopItems('with_subelements', [[{ n: 1, a: { b: [7] } }], 'a.b'])).toEqual([[{ n: 1, a: {} }, 7]]);
    expect(() => loopItems('with_subelements', [[{ n: 1 }], 'keys'])).toThrow("could not find 'keys' key in iterated item '{'n': 1}'");
    expect(loopItems('with_subelements', [[{ n: 1 }, { n: 2, keys: [5] }], 'keys', { skip_missing: true }])).toEqual([[{ n: 2 }, 5]]);
  });

  it('with_subelements skips skipped results', () => {
    expect(loopItems('with_subelements', [[{ skipped: true, l: [1] }, { l: [2] }], 'l'])).toEqual([[{}, 2]]);
    expect(loopItems('with_subelements', [{ skipped: true, results: [] }, 'l'])).toEqual([]);
  });

  it('with_inventory_hostnames selects hosts by pattern', () => {
    const seen: string[][] = [];
    expect(loopItems('with_inventory_hostnames', 'web:!h2', (p) => (seen.push(p), ['h1']))).toEqual(['h1']);
    expect(seen).toEqual([['web:!h2']]);
  });
});
