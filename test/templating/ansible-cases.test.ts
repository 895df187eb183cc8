// Templates rendered by ansible-playbook 2.14 (set_fact, then the value and its
// type_debug). ansible-cases.json holds the variables, each template, Ansible's
// result and type; see the comment in src/templating/templar.ts for the type rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { PyException } from '../../src/templating/errors.js';
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
// Known differences:
// - from_yaml_all_bad: tsplay's from_yaml_all (filters-serialize.ts) returns a broken
//   document instead of failing with PyYAML's ParserError;
// - lookup_varnames_bad_re: the pattern is refused as in Ansible, but the reason is
//   JavaScript's RegExp message, not Python's re error text.
const KNOWN_DIFFERENCES = new Set<string>(['from_yaml_all_bad', 'lookup_varnames_bad_re']);

const t = new Templar();
// The recording's play runs beside a `files` link to fixtures/files (lookups find
// their files there) with the inventory `localhost,` (inventory_hostnames reads `groups`).
const options = { searchPaths: [fileURLToPath(new URL('./fixtures', import.meta.url))] };
const vars = { ...data.vars, inventory_hostname: 'localhost', groups: { all: ['localhost'], ungrouped: ['localhost'] } };

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
// An exception Ansible lets through is recorded as `Class: message`, the line Ansible shows.
const shown = (err: Error): string => (err instanceof PyException ? `${err.pyClass}: ${err.message}` : unwrap(err.message));

describe('ansible-playbook 2.14 parity', () => {
  for (const [name, [template, value, type]] of Object.entries(data.cases)) {
    if (SKIP.has(name) || SET_FACT_BOOLEANS.has(name)) continue;
    // a known difference must still differ: once it matches, it leaves the list
    (KNOWN_DIFFERENCES.has(name) ? it.fails : it)(`${name}: ${template}`, () => {
      if (type === 'error') {
        const msg = (value as { error: string }).error;
        expect(() => t.render(template, vars, options)).toThrow();
        try {
          t.render(template, vars, options);
        } catch (err) {
          expect(msg.startsWith(shown(err as Error)), `${shown(err as Error)}\n  is not the start of\n${msg}`).toBe(true);
        }
        return;
      }
      const got = t.render(template, vars, options);
      expect(plain(got)).toEqual(value);
      if (['str', 'AnsibleUnsafeText', 'NativeJinjaText'].includes(type)) expect(typeof got).toBe('string');
    });
  }
  it('inline if gives the string (set_fact alone makes it a bool)', () => {
    expect(t.render("{{ 'yes' if n > 3 else 'no' }}", data.vars)).toBe('yes');
  });
});
