// The argument spec check: Ansible 2.14's conversions, order and messages.
import { describe, expect, it } from 'vitest';
import { argumentErrors, convert, pythonClass, type ArgumentSpec } from '../../src/playbook/argument-spec.js';

const YAML_STR = "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
const fromYaml = () => true;
const templated = () => false;

describe('conversions as Ansible makes them', () => {
  it.each([
    ['int', '8080', 8080],
    ['int', ' -3 ', -3],
    ['int', true, true],
    ['float', '0.5', 0.5],
    ['float', 2, 2],
    ['bool', 'yes', true],
    ['bool', 'Off', false],
    ['bool', 0, false],
    ['str', 5, '5'],
    ['str', false, 'False'],
    ['str', [1, 'a'], "[1, 'a']"],
    ['list', 'a,b', ['a', 'b']],
    ['list', 3, ['3']],
    ['dict', 'a=1 b=2', { a: '1', b: '2' }],
    ['dict', '{"a": 1}', { a: 1 }],
    ['dict', "{'a': 1}", { a: 1 }],
    ['raw', { x: [1] }, { x: [1] }],
  ])('%s from %j', (type, value, expected) => {
    expect(convert(type, value, true)).toEqual(expected);
  });

  it('expands ~ and $VARS in a path', () => {
    process.env.TSPLAY_SPEC_TEST = 'here';
    expect(convert('path', '$TSPLAY_SPEC_TEST/x', true)).toBe('here/x');
    expect(String(convert('path', '~/x', true))).not.toContain('~');
  });

  it.each([
    ['int', 'eighty', `${YAML_STR} cannot be converted to an int`],
    ['int', 1.5, "<class 'float'> cannot be converted to an int"],
    ['float', 'x', `${YAML_STR} cannot be converted to a float`],
    ['list', { a: 1 }, "<class 'ansible.parsing.yaml.objects.AnsibleMapping'> cannot be converted to a list"],
    ['dict', 'plain', 'dictionary requested, could not parse JSON or key=value'],
    ['dict', [1], "<class 'ansible.parsing.yaml.objects.AnsibleSequence'> cannot be converted to a dict"],
    ['bool', 'maybe', "The value 'maybe' is not a valid boolean."],
    ['bool', [true], "<class 'ansible.parsing.yaml.objects.AnsibleSequence'> cannot be converted to a bool"],
  ])('%s refuses %j', (type, value, message) => {
    expect(() => convert(type, value, true)).toThrow(message);
  });

  it('names Python classes: YAML text is AnsibleUnicode, templated text str', () => {
    expect(pythonClass('x', true)).toBe(YAML_STR);
    expect(pythonClass('x', false)).toBe("<class 'str'>");
    expect(pythonClass(3, true)).toBe("<class 'int'>");
    expect(pythonClass(null, true)).toBe("<class 'NoneType'>");
  });
});

const SPEC: ArgumentSpec = {
  port: { type: 'int', required: true },
  name: { type: 'str', default: 'hello' },
  mode: { type: 'str', choices: ['a', 'b'] },
  items: { type: 'list', elements: 'int' },
  conf: { type: 'dict', options: { size: { type: 'int', required: true } } },
  servers: { type: 'list', elements: 'dict', options: { host: { type: 'str', required: true } } },
};

describe('argumentErrors', () => {
  it('passes values that convert, and names nothing missing that has a default', () => {
    expect(argumentErrors(SPEC, { port: '80', mode: 'a', items: '1,2', conf: 'size=3', servers: [{ host: 'h' }] }, fromYaml)).toEqual([]);
  });

  it('lists every missing required option, sorted, in one message', () => {
    const spec: ArgumentSpec = { b: { required: true }, a: { required: true }, c: { required: true, default: 1 } };
    expect(argumentErrors(spec, {}, fromYaml)).toEqual(['missing required arguments: a, b']);
  });

  it('treats a null value as given (and skips its type check)', () => {
    expect(argumentErrors(SPEC, { port: null }, fromYaml)).toEqual([]);
  });

  it("reports in Ansible's order: required, types, choices, sub-options, then unknown names", () => {
    const errors = argumentErrors(
      { ...SPEC, port: { type: 'int' }, other: { required: true } },
      { port: 'x', mode: 'c', items: [1, 'y'], conf: { size: 'big', extra: 1 }, servers: [{ port: 1 }] },
      fromYaml,
    );
    expect(errors).toEqual([
      'missing required arguments: other',
      `argument 'port' is of type ${YAML_STR} and we were unable to convert to int: ${YAML_STR} cannot be converted to an int`,
      `Elements value for option 'items' is of type ${YAML_STR} and we were unable to convert to int: ${YAML_STR} cannot be converted to an int`,
      'value of mode must be one of: a, b, got: c',
      `argument 'size' is of type ${YAML_STR} found in 'conf'. and we were unable to convert to int: ${YAML_STR} cannot be converted to an int`,
      'missing required arguments: host found in servers',
      'conf.extra, servers.port. Supported parameters include: host.',
    ]);
  });

  it('names an unknown top-level param with the supported ones', () => {
    expect(argumentErrors(SPEC, { port: 1, colour: 'red' }, fromYaml)).toEqual([
      'colour. Supported parameters include: conf, items, mode, name, port, servers.',
    ]);
  });

  it('checks choices after conversion, and each item of a list', () => {
    const spec: ArgumentSpec = { p: { type: 'int', choices: [80, 443] }, l: { type: 'list', choices: ['x', 'y'] } };
    expect(argumentErrors(spec, { p: '443', l: 'x,z' }, templated)).toEqual(['value of l must be one or more of: x, y. Got no match for: z']);
  });

  it('refuses a list item that is not a dict, as an element of the wrong type', () => {
    expect(argumentErrors(SPEC, { port: 1, servers: ['h1'] }, templated)).toEqual([
      "Elements value for option 'servers' is of type <class 'str'> and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value",
    ]);
  });

  it('does not change the values it is given', () => {
    const values = { port: '80', conf: { size: '3' } };
    argumentErrors(SPEC, values, fromYaml);
    expect(values).toEqual({ port: '80', conf: { size: '3' } });
  });
});
