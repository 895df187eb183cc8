// to_json / to_nice_json / to_yaml / to_nice_yaml against text produced by
// ansible-core 2.14's filters (serialize-expected.json holds input and output).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pyJsonDumps } from '../../src/templating/json.js';
import { pyYamlDump } from '../../src/templating/yaml-dump.js';
import { Templar } from '../../src/templating/templar.js';

interface Case { value: unknown; to_json: string; to_nice_json: string; to_yaml: string; to_nice_yaml: string }
const cases = JSON.parse(readFileSync(new URL('./serialize-expected.json', import.meta.url), 'utf8')) as Record<string, Case>;
const t = new Templar();

describe.each(Object.entries(cases))('%s', (_name, c) => {
  it('to_json', () => expect(t.render('{{ v | to_json }}', { v: c.value })).toBe(c.to_json));
  it('to_nice_json', () => expect(t.render('{{ v | to_nice_json }}', { v: c.value })).toBe(c.to_nice_json));
  it('to_yaml', () => expect(pyYamlDump(c.value)).toBe(c.to_yaml));
  it('to_nice_yaml', () => expect(pyYamlDump(c.value, { indent: 4, defaultFlowStyle: false })).toBe(c.to_nice_yaml));
});

describe('json', () => {
  it('escapes like Python', () => {
    expect(pyJsonDumps({ a: 'é"\\\n' })).toBe('{"a": "\\u00e9\\"\\\\\\n"}');
  });
});
