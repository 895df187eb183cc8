// Python str()/repr() and ast.literal_eval, as Python 3 prints and parses them.
import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../src/templating/py-float.js';
import { literalEval, pyRepr, pyStr, tuple } from '../../src/templating/python-repr.js';

describe('pyRepr', () => {
  it.each<[unknown, string]>([
    [null, 'None'], [true, 'True'], [false, 'False'], [5, '5'], [2.5, '2.5'], [1e-5, '1e-05'], [1e300, '1e+300'],
    [0.0001, '0.0001'], ['a', "'a'"], ["it's", '"it\'s"'], ['a\'b"c', "'a\\'b\"c'"], ['x\ny\t\\', "'x\\ny\\t\\\\'"],
    ['é', "'é'"], ['\x07', "'\\x07'"], [['a', 1, null], "['a', 1, None]"], [{ a: [true] }, "{'a': [True]}"],
    [tuple(['a', 1]), "('a', 1)"], [tuple(['a']), "('a',)"], [[], '[]'], [{}, '{}'],
    [new PyFloat(3), '3.0'], [new PyFloat(-0), '-0.0'], [new PyFloat(1e15), '1000000000000000.0'], [1e16, '1e+16'],
    [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'], [1.5e-7, '1.5e-07'], [0.1 + 0.2, '0.30000000000000004'],
    [[new PyFloat(1), 2], '[1.0, 2]'],
  ])('%j', (v, want) => expect(pyRepr(v)).toBe(want));
  it('a big int prints all its digits', () => expect(pyRepr(2n ** 64n)).toBe('18446744073709551616'));
  it('str of a string is the string', () => expect(pyStr('a b')).toBe('a b'));
});

describe('literalEval', () => {
  it.each<[string, unknown]>([
    ['[1, 2]', [1, 2]], ["{'a': 1, \"b\": [None, True, False]}", { a: 1, b: [null, true, false] }],
    ['True', true], ["('a', 'b')", ['a', 'b']], ["['x\\ny', 'it\\'s']", ['x\ny', "it's"]], ['[-1, 2.5e3, 0.5]', [-1, new PyFloat(2500), 0.5]],
    ['[1, 2]  ', [1, 2]], ["{5: 'x'}", { 5: 'x' }], ["['a' 'b']", ['ab']],
  ])('%s', (text, want) => expect(literalEval(text)).toEqual(want));
  it.each(['[1, 2] x', '[foo]', '{1, 2}', '[1 + 2]', '[', "{'a' 1}"])('rejects %s', (text) => {
    expect(() => literalEval(text)).toThrow(SyntaxError);
  });
});
