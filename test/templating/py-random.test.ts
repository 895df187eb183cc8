// PyRandom against CPython 3.11's random.Random. The expected values in
// fixtures/py-random-expected.json were printed by /usr/bin/python3 (the Python
// ansible-core 2.14 runs on), per seed, each from a fresh Random(seed):
//   random: [r.random() for _ in range(3)], then bits70: r.getrandbits(70), then u32: two getrandbits(32);
//   shuffle10: r.shuffle(list(range(10)));  choice: [r.choice('abcdefg') for _ in range(5)];
//   randrange: [r.randrange(0,100,1), r.randrange(10,100,5), r.randrange(100,0,-7), r.randrange(0,2**40,1)].
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../src/templating/py-float.js';
import { PyRandom, seededRandom } from '../../src/templating/py-random.js';

interface Expected {
  seed: string | number | boolean;
  random: number[];
  bits70: string;
  u32: number[];
  shuffle10: number[];
  choice: string[];
  randrange: number[];
}
const expected = JSON.parse(readFileSync(new URL('./fixtures/py-random-expected.json', import.meta.url), 'utf8')) as Record<string, Expected>;

describe('PyRandom reproduces Python random.Random(seed)', () => {
  it('has the seeds it is meant to check (ints, negative, wide, str, empty, unicode, bool)', () => {
    expect(Object.keys(expected)).toHaveLength(9);
  });
  for (const [name, e] of Object.entries(expected)) {
    it(`seed ${name}`, () => {
      let r = new PyRandom(e.seed);
      expect([r.random(), r.random(), r.random()]).toEqual(e.random);
      expect(String(r.getrandbits(70))).toBe(e.bits70);
      expect([Number(r.getrandbits(32)), Number(r.getrandbits(32))]).toEqual(e.u32);
      r = new PyRandom(e.seed);
      expect(r.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual(e.shuffle10);
      r = new PyRandom(e.seed);
      expect(Array.from({ length: 5 }, () => r.choice([...'abcdefg']))).toEqual(e.choice);
      r = new PyRandom(e.seed);
      expect([r.randrange(0, 100, 1), r.randrange(10, 100, 5), r.randrange(100, 0, -7), r.randrange(0, 2 ** 40, 1)]).toEqual(e.randrange);
    });
  }
  // printed by /usr/bin/python3: random.Random(s).random() for each float s (seeded by hash(s))
  const FLOAT_SEEDS: [number, number][] = [
    [1.5, 0.551763726942059], [-2.25, 0.9236205677220981], [1e300, 0.2614143642581235], [0.1, 0.8062579873336703],
    [3.0, 0.23796462709189137], [-0.5, 0.6833350889696508], [1e-300, 0.43684087591810306],
  ];
  for (const [seed, first] of FLOAT_SEEDS) {
    it(`float seed ${seed} (Python seeds a float by its hash)`, () => {
      expect(new PyRandom(seed).random()).toBe(first);
      expect(seededRandom(new PyFloat(seed)).random()).toBe(first);
    });
  }
  it('fails as Python does on an empty range or sequence', () => {
    const r = new PyRandom(1);
    expect(() => r.randrange(0, 0, 1)).toThrow('empty range for randrange() (0, 0, 0)');
    expect(() => r.randrange(0, 10, 0)).toThrow('zero step for randrange()');
    expect(() => r.choice([])).toThrow('Cannot choose from an empty sequence');
  });
});
