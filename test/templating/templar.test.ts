// Templar behaviour beyond single templates: views, conditionals, evaluate,
// renderText, lookups and errors. Expected values observed with ansible-core 2.14.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Templar, TemplateError, UndefinedVariableError, containsTemplate,
} from '../../src/templating/templar.js';

const t = new Templar();
const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));

describe('containsTemplate and fast path', () => {
  it.each([
    ['plain', false], ['{{ x }}', true], ['{% if %}', true], ['{# c #}', true], ['{ x }', false],
  ])('%s', (s, want) => expect(containsTemplate(s)).toBe(want));
  it('returns plain strings untouched, even ones that look like lists', () => {
    expect(t.render('[1, 2]', {})).toBe('[1, 2]');
    expect(t.render({ a: ['x', 1, null, true] }, {})).toEqual({ a: ['x', 1, null, true] });
  });
  it('renders deep structures', () => {
    expect(t.render({ a: ['{{ n }}', 'n={{ n }}'], b: { c: '{{ l }}' } }, { n: 2, l: [1] })).toEqual({
      a: [2, 'n=2'],
      b: { c: [1] },
    });
  });
});

describe('undefined variables', () => {
  const cases: [string, string, string][] = [
    ['{{ foo }}', "'foo' is undefined", 'foo'],
    ['{{ foo.bar }}', "'foo' is undefined", 'foo'],
    ['{{ foo | upper }}', "'foo' is undefined", 'foo'],
    ['{{ d.bar }}', "'dict object' has no attribute 'bar'", 'bar'],
    ["{{ 'x' ~ foo }}", "'foo' is undefined", 'foo'],
    ['{% for x in foo %}{% endfor %}', "'foo' is undefined", 'foo'],
    ['{% if foo %}{% endif %}', "'foo' is undefined", 'foo'],
  ];
  it.each(cases)('%s', (tmpl, message, variable) => {
    let err: unknown;
    try {
      t.render(tmpl, { d: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UndefinedVariableError);
    expect((err as UndefinedVariableError).message).toBe(message);
    expect((err as UndefinedVariableError).variable).toBe(variable);
  });
  it('default(omit) and defined tests do not fail', () => {
    expect(t.render('{{ foo | default(omit) }}', { omit: '__omit__' })).toBe('__omit__');
    expect(t.render('{{ foo.bar is defined }}', {})).toBe(false);
    expect(t.render('{{ d.bar is defined }}', { d: {} })).toBe(false);
  });
});

describe('syntax errors', () => {
  it('name the template', () => {
    expect(() => t.render('{{ foo bar }}', {})).toThrow(TemplateError);
    expect(() => t.render('{{ foo bar }}', {})).toThrow(/^template error while templating string: .*String: \{\{ foo bar \}\}$/);
    expect(() => t.render('{% if %}', {})).toThrow(TemplateError);
  });
});

describe('evaluate', () => {
  const vars = { x: 3, l: [1, 2], d: { a: 1 }, s: 'abc', n: null };
  it.each([
    ['x > 1', true],
    ['x > 1 and y is defined', false],
    ['l', [1, 2]],
    ['d.a', 1],
    ['l | length', 2],
    ['n', null],
    ["s ~ '!'", 'abc!'],
    ['[]', []],
  ])('%s', (expr, want) => expect(t.evaluate(expr, vars)).toEqual(want));
  it('fails on undefined', () => expect(() => t.evaluate('nope', vars)).toThrow("'nope' is undefined"));
});

describe('isTrue (when)', () => {
  // observed: when: s with s="false" runs; when: "{{ s }}" is skipped; when: [] is skipped
  const vars = { s: 'false', e: [], t: 'x', tv: '{{ s }}', z: 0 };
  it.each<[unknown, boolean]>([
    [true, true], [false, false], [null, true], ['', true],
    ['s', true], ['{{ s }}', false], ['e', false], ['t == "x"', true], ['z', false],
    ["'y' | bool", false], ["'On' | bool", true], ['{} or [1]', true], ['not e', true],
    [['t == "x"', 'not e'], true], [['t == "x"', 'e'], false], [0, false], [1, true],
  ])('%j', (cond, want) => expect(t.isTrue(cond, vars)).toBe(want));
  it('resolves lazily through a view', () => {
    expect(t.isTrue('tv', t.view(vars))).toBe(true);
  });
});

describe('view', () => {
  it('renders values at use time with the view as vars', () => {
    const v = t.view({ a: '{{ b }}', b: '{{ c | upper }}', c: 'x', l: ['{{ c }}', '{{ n }}'], n: 4 });
    expect(v.a).toBe('X');
    expect(v.l).toEqual(['x', 4]);
    expect(t.render('{{ a }}-{{ l[1] + 1 }}', v)).toBe('X-5');
    expect('a' in v).toBe(true);
    expect('zz' in v).toBe(false);
    expect(Object.keys(v).sort()).toEqual(['a', 'b', 'c', 'l', 'n']);
  });
  it('caches rendered values', () => {
    let reads = 0;
    const vars = { get a(): string { reads++; return '{{ 1 + 1 }}'; } };
    const v = t.view(vars);
    expect(v.a).toBe('2');
    expect(v.a).toBe('2');
    expect(reads).toBe(1);
  });
  it('detects recursion', () => {
    const v = t.view({ a: '{{ a }}', b: '{{ c }}', c: '{{ b }}' });
    expect(() => v.a).toThrow(/recursive loop detected in template string: \{\{ a \}\}/);
    expect(() => v.b).toThrow(/recursive loop detected/);
  });
  it('works with proxies inside vars (hostvars)', () => {
    const host = t.view({ ip: '10.0.0.{{ 1 + 1 }}' });
    const hostvars = new Proxy({}, {
      get: (_t, k) => (k === 'web1' ? host : undefined),
      has: (_t, k) => k === 'web1',
    });
    expect(t.render("{{ hostvars['web1'].ip }}", { hostvars })).toBe('10.0.0.2');
    expect(t.render("{{ hostvars['db'] is defined }}", { hostvars })).toBe(false);
  });
});

describe('renderText (template module)', () => {
  it('matches the template module output', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${fixtures}/t.j2`, 'utf8');
    expect(t.renderText(text, { name: 'World', items: ['a', 'b'] })).toBe('Hello World\n- a\t|\n- b\t|\n  yes\nend\n\n');
  });
  it('always returns a string', () => {
    expect(t.renderText('{{ l }}', { l: [1, 'a'] })).toBe("[1, 'a']");
    expect(t.renderText('{{ n }}', { n: 1 })).toBe('1');
  });
  it('supports whitespace control, set, macros and loop vars', () => {
    expect(t.renderText('{% set x = 2 %}{% for i in range(x) -%}\n  {{ loop.index }}{{ "," if not loop.last }}\n{%- endfor %}', {})).toBe('1,2');
  });
});

describe('lookups', () => {
  const opts = { searchPaths: [fixtures] };
  it('file strips trailing whitespace', () => {
    expect(t.render("[{{ lookup('file', 'f.txt') }}]", {}, opts)).toBe('[file content]');
    expect(t.render("{{ query('file', 'f.txt') }}", {}, opts)).toEqual(['file content']);
    expect(t.render("{{ lookup('file', 'sub.txt') }}", {}, opts)).toBe('in files dir');
  });
  it('file fails for missing files', () => {
    expect(() => t.render("{{ lookup('file', 'nope.txt') }}", {}, opts)).toThrow(/could not locate file in lookup: nope.txt/);
  });
  it('template renders with the current vars', () => {
    expect(t.render("{{ lookup('template', 't.j2') }}", { name: 'World', items: ['a', 'b'] }, opts)).toBe(
      'Hello World\n- a\t|\n- b\t|\n  yes\nend\n\n',
    );
  });
  it('env and vars', () => {
    process.env.TSPLAY_TEST_ENV = 'val';
    expect(t.render("{{ lookup('env', 'TSPLAY_TEST_ENV') }}", {})).toBe('val');
    expect(t.render("{{ lookup('env', 'TSPLAY_NOT_SET') }}", {})).toBe('');
    expect(t.render("{{ lookup('vars', 'name') }}", { name: 'World' })).toBe('World');
    expect(t.render("{{ lookup('vars', 'l') }}", { l: [1] })).toEqual([1]);
    expect(t.render("{{ q('vars', 'name') }}", { name: 'World' })).toEqual(['World']);
  });
});

describe('backslashes', () => {
  it('are literal inside {{ }} string literals for render(), like Ansible', () => {
    expect(t.render("{{ 'a\\nb' }}", {})).toBe('a\\nb');
    expect(t.render("{{ 'a1b' | regex_replace('\\d', 'X') }}", {})).toBe('aXb');
  });
  it('are escapes in renderText()', () => {
    expect(t.renderText("{{ 'a\\nb' }}", {})).toBe('a\nb');
  });
});
