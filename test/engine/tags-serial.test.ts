import { describe, expect, it } from 'vitest';
import { tagsSelected } from '../../src/executor/tags.js';
import { batches } from '../../src/executor/serial.js';

const t = (...tags: string[]) => new Set(tags);

describe('tag selection', () => {
  it('runs everything but never-tagged tasks by default', () => {
    expect(tagsSelected(t(), [], [])).toBe(true);
    expect(tagsSelected(t('a'), [], [])).toBe(true);
    expect(tagsSelected(t('never'), [], [])).toBe(false);
  });
  it('honours --tags with always and never', () => {
    expect(tagsSelected(t('a'), ['a'], [])).toBe(true);
    expect(tagsSelected(t('b'), ['a'], [])).toBe(false);
    expect(tagsSelected(t('always'), ['a'], [])).toBe(true);
    expect(tagsSelected(t('never', 'a'), ['a'], [])).toBe(true);
    expect(tagsSelected(t(), ['untagged'], [])).toBe(true);
    expect(tagsSelected(t('x'), ['tagged'], [])).toBe(true);
  });
  it('honours --skip-tags, also for always', () => {
    expect(tagsSelected(t('a'), [], ['a'])).toBe(false);
    expect(tagsSelected(t('always'), [], ['always'])).toBe(false);
  });
});

describe('serial batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('splits by count, percentage and list', () => {
    expect(batches(hosts)).toEqual([hosts]);
    expect(batches(hosts, { sizes: [2] })).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches(hosts, { sizes: ['40%'] })).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches(hosts, { sizes: [1, 3] })).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });
});
