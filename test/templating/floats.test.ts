// Python floats and big ints in templates: repr, arithmetic, JSON/YAML in and
// out (see src/templating/py-float.ts). ansible-cases.json and the differential
// case 87-floats hold Ansible's own results; these pin the pieces.
import { describe, expect, it } from 'vitest';
import { pyJsonDumps, pyJsonLoads } from '../../src/templating/json.js';
import { PyFloat, floatRepr } from '../../src/templating/py-float.js';
import { Templar } from '../../src/templating/templar.js';
import { parseYaml } from '../../src/yaml-source.js';

const t = new Templar();

describe('floatRepr (Python repr of a float)', () => {
  it.each<[number, string]>([
    [3, '3.0'], [-0, '-0.0'], [0, '0.0'], [2.5, '2.5'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [0.0001, '0.0001'],
    [0.00001, '1e-05'], [1.5e-7, '1.5e-07'], [0.1 + 0.2, '0.30000000000000004'], [1e300, '1e+300'], [2 ** 64, '1.8446744073709552e+19'],
    [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'], [-1.25e-10, '-1.25e-10'], [123456789.125, '123456789.125'],
  ])('%s', (n, want) => expect(floatRepr(n)).toBe(want));
});

describe('templates', () => {
  it.each<[string, string]>([
    ['{{ 1e3 }}', '1000.0'], ['{{ 10 / 5 }}', '2.0'], ['{{ 10 / 4 }}', '2.5'], ['{{ 7 // 2 }}', '3'], ['{{ 7.0 // 2 }}', '3.0'],
    ['{{ -7 % 3 }}', '2'], ['{{ -7.0 % 3 }}', '2.0'], ['{{ 7.0 % -3 }}', '-2.0'], ['{{ 2 ** 64 }}', '18446744073709551616'],
    ['{{ 2 ** 64 - 2 ** 64 + 1 }}', '1'], ['{{ -(2 ** 64) // 3 }}', '-6148914691236517206'], ['{{ 2 ** -1 }}', '0.5'],
    ['{{ 3.0 | int }}', '3'], ['{{ 3 | float }}', '3.0'], ['{{ "x" | float }}', '0.0'], ['{{ "x" | float(7) }}', '7'],
    ['{{ "18446744073709551616" | int }}', '18446744073709551616'], ['{{ 1e20 | int }}', '100000000000000000000'],
    ['{{ 2.5 | round }}', '2.0'], ['{{ 3 | round }}', '3'], ['{{ 3 | round(1, "floor") }}', '3.0'],
    ['{{ [1, 2.0] | sum }}', '3.0'], ['{{ -3.0 | abs }}', '3.0'], ['{{ [1.0, -0.0] }}', '[1.0, -0.0]'],
    ['{{ 3.0 == 3 }}', 'True'], ['{{ 2 ** 64 == 2 ** 64 }}', 'True'], ['{{ 3.0 < 3.5 }}', 'True'], ['{{ 2 ** 64 > 1e19 }}', 'True'],
    ['{{ 3.0 is float }}', 'True'], ['{{ 3 is float }}', 'False'], ['{{ 3.0 is integer }}', 'False'], ['{{ (2 ** 64) is integer }}', 'True'],
    ['{{ 1.0 | type_debug }}', 'float'], ['{{ (2 ** 64) | type_debug }}', 'int'], ['{{ 0.0 | bool }}', 'False'], ['{{ 1.0 | bool }}', 'True'],
    ['{{ 1.0 if 0.0 else 2.0 }}', '2.0'], ['{{ "%s|%d|%r" % (1.0, 1.0, 1.0) }}', '1.0|1|1.0'],
  ])('%s', (template, want) => expect(t.renderText(template, {})).toBe(want));

  it('a lone variable keeps a whole float, and a big int', () => {
    const x = new PyFloat(3);
    expect(t.render('{{ x }}', { x })).toBe(x);
    expect(t.render('{{ y }}', { y: 2n ** 64n })).toBe(2n ** 64n);
  });

  it('a rendered list keeps its floats', () => {
    expect(t.render('{{ [x, 2] }}', { x: new PyFloat(1) })).toEqual([new PyFloat(1), 2]);
  });

  it('division by zero fails as in Python', () => {
    expect(() => t.render('{{ 1 / 0 }}', {})).toThrow('division by zero');
    expect(() => t.render('{{ 1.0 // 0 }}', {})).toThrow('float floor division by zero');
  });
});

describe('JSON', () => {
  it('loads floats, big ints, NaN and Infinity as Python does', () => {
    const v = pyJsonLoads('{"a": 3.0, "b": [1, 2.5, 1e20, 18446744073709551616, NaN, -Infinity], "s": "x 3.0 \\" 4.0 NaN"}') as Record<string, unknown>;
    expect(v.a).toEqual(new PyFloat(3));
    expect(v.b).toEqual([1, 2.5, 1e20, 2n ** 64n, NaN, -Infinity]);
    expect(v.s).toBe('x 3.0 " 4.0 NaN');
  });
  it('dumps them back the same', () => {
    expect(pyJsonDumps(pyJsonLoads('[3.0, 1e+20, 18446744073709551616, 2.5, -0.0]'))).toBe('[3.0, 1e+20, 18446744073709551616, 2.5, -0.0]');
  });
  it('from_json keeps a float a float', () => {
    expect(t.render("{{ ('{\"a\": 3.0}' | from_json).a | type_debug }}", {})).toBe('float');
  });
});

describe('YAML', () => {
  it('reads whole floats as floats (PyYAML: a float has a point)', () => {
    expect(parseYaml('a: 3.0\nb: 3\nc: 1.0e+3\nd: -0.0\ne: 2.5\nf: 1e3\ng: 0x1E\n', 'x')).toEqual({
      a: new PyFloat(3), b: 3, c: new PyFloat(1000), d: new PyFloat(-0), e: 2.5, f: '1e3', g: 30,
    });
  });
  it('from_yaml and to_yaml keep them', () => {
    expect(t.render("{{ 'a: 3.0' | from_yaml | to_yaml }}", {})).toBe('{a: 3.0}\n');
    expect(t.render("{{ {'b': 1e20, 'c': x} | to_nice_yaml }}", { x: new PyFloat(-0) })).toBe('b: 1.0e+20\nc: -0.0\n');
  });
});
