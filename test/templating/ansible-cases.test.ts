// Templates rendered by ansible-playbook 2.14 (set_fact, then the value and its
// type_debug). ansible-cases.json holds the variables, each template, Ansible's
// result and type; see the comment in src/templating/templar.ts for the type rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../src/templating/py-float.js';
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
// Known differences: seeded random/shuffle do not reproduce Python's Mersenne Twister.
const KNOWN_DIFFERENCES = new Set(['shuffle_seed', 'random_seed']);

const t = new Templar();

// The recording is JSON: 1.0 reads back as 1, so a whole float is compared by its value
// (its printing is what the str cases and the differential cases check).
function plain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// The recording keeps a type error's own message, without Ansible's wrapper naming the template.
const unwrap = (msg: string): string => msg.replace(/^Unexpected templating type error occurred on \(.*?\): /s, '');

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
          expect(msg.startsWith(unwrap((err as Error).message))).toBe(true);
        }
        return;
      }
      const got = t.render(template, data.vars);
      expect(plain(got)).toEqual(value);
      if (['str', 'AnsibleUnsafeText', 'NativeJinjaText'].includes(type)) expect(typeof got).toBe('string');
    });
  }
  it('inline if gives the string (set_fact alone makes it a bool)', () => {
    expect(t.render("{{ 'yes' if n > 3 else 'no' }}", data.vars)).toBe('yes');
  });
});
