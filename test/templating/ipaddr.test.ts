// ansible.utils' ipaddr filter family and address tests, against what ansible-playbook
// 2.14 rendered with Debian's ansible package (ansible.utils 2.10.3, python3-netaddr 0.8).
// ipaddr-cases.json holds the variables, each template, Ansible's result and type.
// To re-record (needs `apt-get install ansible`):
//   python3 -c "import json; d=json.load(open('test/templating/ipaddr-cases.json')); json.dump({'vars': d['vars'],
//     'cases': {k: v[0] for k, v in d['cases'].items()}}, open('/tmp/ipaddr-spec.json', 'w'))"
//   rm test/templating/ipaddr-cases.json
//   CASES_FILE=test/templating/ipaddr-cases.json /usr/bin/python3 test/templating/record-ansible-cases.py /tmp/ipaddr-spec.json
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyException } from '../../src/templating/errors.js';
import { Templar } from '../../src/templating/templar.js';

type Expected = [template: string, value: unknown, type: string];
const data = JSON.parse(readFileSync(new URL('./ipaddr-cases.json', import.meta.url), 'utf8')) as {
  vars: Record<string, unknown>;
  cases: Record<string, Expected>;
};

// Ansible words an unknown plugin name "Could not load ..."; tsplay says "No filter/test named ...".
const UNKNOWN_NAME = /^template error while templating string: Could not load "/;

const t = new Templar();

// JSON reads Python's big ints back as floats: compare a bigint by its float value.
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// The recording keeps a type error's own message, without Ansible's wrapper naming the template.
const unwrap = (msg: string): string => msg.replace(/^Unexpected templating type error occurred on \(.*?\): /s, '');

describe('ansible.utils ipaddr family: ansible-playbook 2.14 parity', () => {
  const entries = Object.entries(data.cases);
  it('has the recorded cases', () => {
    expect(entries.length).toBeGreaterThan(100);
  });
  for (const [name, [template, value, type]] of entries) {
    it(`${name}: ${template}`, () => {
      if (type === 'error') {
        const msg = (value as { error: string }).error;
        let err: Error | undefined;
        try {
          t.render(template, data.vars);
        } catch (e) {
          err = e as Error;
        }
        expect(err, 'Ansible failed here').toBeDefined();
        // An uncaught Python exception (netaddr's IndexError): the recording only says 'exception'.
        if (msg === 'exception') expect(err).toBeInstanceOf(PyException);
        else if (UNKNOWN_NAME.test(msg)) expect(err!.message).toMatch(/^No (filter|test) named /);
        else {
          // Ansible names an uncaught exception's class before its message.
          const mine = err instanceof PyException ? `${err.pyClass}: ${err.message}` : unwrap(err!.message);
          expect(msg.startsWith(mine) || msg.startsWith(unwrap(err!.message)), `${mine}\nis not the start of\n${msg}`).toBe(true);
        }
        return;
      }
      const got = t.render(template, data.vars);
      expect(plain(got)).toEqual(value);
      if (type === 'str' || type === 'AnsibleUnsafeText') expect(typeof got).toBe('string');
      if (type === 'int') expect(['number', 'bigint']).toContain(typeof got);
      if (type === 'NoneType') expect(got).toBeNull();
    });
  }
});

describe('names Ansible 2.14 resolves', () => {
  const render = (s: string): unknown => t.render(s, {});
  it('short names are the ones ansible-core redirects; macaddr, ip4_hex, usable_range and the tests are FQCN only', () => {
    expect(render("{{ '10.0.0.1/24' | ipaddr('network') }}")).toBe('10.0.0.0');
    expect(render("{{ '10.0.0.1/24' | ansible.netcommon.ipaddr('network') }}")).toBe('10.0.0.0');
    expect(render("{{ '10.0.0.1' | ansible.utils.ipmath(2) }}")).toBe('10.0.0.3');
    for (const bad of ["{{ 'aa:bb:cc:dd:ee:ff' | macaddr }}", "{{ '10.0.0.1' | ip4_hex }}", "{{ '10.0.0.0/30' | usable_range }}",
      "{{ '10.0.0.1' is ipv4_address }}", "{{ '10.0.0.1' | ansible.netcommon.ip4_hex }}"]) {
      expect(() => render(bad), bad).toThrow(/No (filter|test) named/);
    }
  });
  it('big sizes stay exact', () => {
    // As in Ansible, an int past 2**63 that a template yields alone comes back as its digits.
    expect(render("{{ '2001:db8::/64' | ansible.utils.ipaddr('size') }}")).toBe('18446744073709551616');
    expect(render("{{ ['2001:db8::/64'] | ansible.utils.ipaddr('size') }}")).toEqual([18446744073709551616n]);
    expect(render("{{ '2001:db8::/64' | ansible.utils.ipaddr('size_usable') - 1 }}")).toBe('18446744073709551613');
  });
});
