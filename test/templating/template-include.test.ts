// {% include %}, {% import %}, {% from ... import %}, {% extends %} / {% block %}:
// templates found in the render's search path (as the template module and
// lookup give it), compared with what Jinja2 renders for these fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/templating/templar.js';

const dir = fileURLToPath(new URL('./fixtures/includes', import.meta.url));
const t = new Templar();
const render = (file: string, searchPaths = [dir], vars: Record<string, unknown> = { name: 'N' }): string =>
  t.renderText(readFileSync(`${dir}/${file}`, 'utf8'), vars, { searchPaths });

describe('template include, import and extends (Jinja2 3 results)', () => {
  it('import as, from-import with alias, include in loops, ignore missing, a list of names', () => {
    expect(render('main.j2')).toBe(
      'Hello N! Hello x? be kind be kind Y Hello y!\npart for N item=none top=Tpart for N item=1 top=Tpart for N item=2 top=Tpart for N item=none top=Tend\n',
    );
  });
  it('extends: blocks replace the parent\'s, super() gives the parent\'s text', () => {
    expect(render('page.j2')).toBe('<head>Page N / Base title</head>\n<body>part for N item=none top=no</body>\nfooter N\n');
  });
  it('two levels of extends, and a template names others beside it first', () => {
    expect(render('sub/deeper.j2')).toBe('<head>Page N / Base title</head>\n<body>part for N item=none top=no</body>\nsub footer N\n');
    expect(render('sub/nested.j2', [`${dir}/sub`, dir])).toBe('beside N|part for N item=none top=no');
  });
  it('a missing template is TemplateNotFound', () => {
    expect(() => t.renderText("{% include 'nope.j2' %}", {}, { searchPaths: [dir] })).toThrow('TemplateNotFound: nope.j2');
    expect(() => t.renderText("{% import 'nope.j2' as x %}", {}, { searchPaths: [dir] })).toThrow('TemplateNotFound: nope.j2');
  });
  it('an imported macro does not see the caller\'s variables without `with context`', () => {
    const text = "{% import 'm.j2' as m %}{{ m.motto }}";
    expect(t.renderText(text, { motto: 'caller' }, { searchPaths: [dir] })).toBe('be kind');
  });
});

describe('context of included and imported templates (Jinja2 3 results)', () => {
  const ctxDir = fileURLToPath(new URL('./fixtures/includes/context', import.meta.url));
  const r = (text: string): string => t.renderText(text, { who: 'var' }, { searchPaths: [ctxDir] });
  it.each<[string, string]>([
    ["{% import 'show.j2' as m with context %}{{ m.show() }}", '[var]'],
    ["{% import 'show.j2' as m %}{{ m.show() }}", '[nobody]'],
    ["{% from 'show.j2' import show with context %}{{ show() }}", '[var]'],
    ["{% set who = 'set' %}{% import 'show.j2' as m with context %}{{ m.show() }}", '[set]'],
    ["{% include 'who.j2' without context %}|{% include 'who.j2' with context %}|{% include 'who.j2' %}", 'nobody|var|var'],
  ])('%s', (text, want) => expect(r(text)).toBe(want));
});
