import { describe, expect, it } from 'vitest';
import { locationOfKey, parseYaml } from '../src/yaml-source.js';
import { ParseError } from '../src/errors.js';

describe('YAML as Ansible reads it', () => {
  it('takes PyYAML booleans and octal ints, keeps y/n and dates as text', () => {
    const v = parseYaml('a: y\nb: yes\nc: 0644\nd: On\ne: 2020-01-01\nf: n\ng: NO\n', 'x.yml');
    expect(v).toEqual({ a: 'y', b: true, c: 420, d: true, e: '2020-01-01', f: 'n', g: false });
  });

  it('remembers where keys were written', () => {
    const v = parseYaml('- hosts: all\n  tasks:\n    - name: x\n', 'p.yml') as Record<string, unknown>[];
    expect(locationOfKey(v[0], 'tasks')).toEqual({ file: 'p.yml', line: 2, col: 3 });
  });

  it('names file, line and column of a syntax error', () => {
    try {
      parseYaml('a: [1, 2\nb: 3\n', 'bad.yml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).location?.file).toBe('bad.yml');
      expect((e as ParseError).location?.line).toBeGreaterThan(0);
    }
  });
});
