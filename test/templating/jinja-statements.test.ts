// Jinja statements nunjucks lacks or reads differently, as ansible-core 2.14
// renders them (trim_blocks on, lstrip_blocks off): recursive loops,
// loop.changed, filter and set blocks with filter chains, with, autoescape,
// the `+` whitespace modifiers, endraw's newline, macro varargs/kwargs, self.
// Side by side with ansible-playbook in differential cases 126 and 127.
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/templating/templar.js';

const t = new Templar();
const r = (text: string, vars: Record<string, unknown> = {}): string => t.renderText(text, vars);

describe('loops', () => {
  const tree = [{ n: 'a', c: [{ n: 'b', c: [{ n: 'c' }] }] }, { n: 'd' }];
  it('recursive loops render loop(children) one level deeper', () => {
    expect(r('{% for x in tree recursive %}{{ x.n }}{{ loop.depth }}{% if x.c is defined %}[{{ loop(x.c) }}]{% endif %}{% endfor %}', { tree })).toBe(
      'a1[b2[c3]]d1',
    );
  });
  it('a recursive loop keeps its filter and loop.* at every level', () => {
    expect(r('{% for x in tree if x.n != "c" recursive %}{{ loop.index }}{{ x.n }}{{ loop.depth0 }}{% if x.c is defined %}({{ loop(x.c) }}){% endif %}{% endfor %}', { tree })).toBe(
      '1a0(1b1())2d0',
    );
  });
  it('loop.changed compares with the last call of the same loop', () => {
    expect(r('{% for n in [1, 1, 2, 1] %}{{ loop.changed(n) }} {% endfor %}')).toBe('True False True True ');
    expect(r('{% for a in [1, 2] %}{% for b in [1, 1] %}{{ loop.changed(b) }}{% endfor %};{% endfor %}')).toBe('TrueFalse;TrueFalse;');
  });
});

describe('blocks with filters', () => {
  it('a filter block applies a chain of filters with arguments', () => {
    expect(r("{% filter replace('a', '4') | upper %}banana{% endfilter %}")).toBe('B4N4N4');
  });
  it('a set block may filter what it captures', () => {
    expect(r('{% set x | trim | upper %}  hi  {% endset %}[{{ x }}]')).toBe('[HI]');
    expect(r('{% set x %}  hi  {% endset %}[{{ x }}]')).toBe('[  hi  ]');
  });
});

describe('with and autoescape', () => {
  it('with binds names for its body only, read outside it', () => {
    expect(r("{% set a = 'out' %}{% with a = 'in', b = a %}{{ a }} {{ b }}{% endwith %} {{ a }}")).toBe('in out out');
    expect(r('{% with %}x{% endwith %}')).toBe('x');
  });
  it('autoescape blocks render their body unescaped, as under Ansible', () => {
    expect(r("{% autoescape true %}{{ '<x>' }}{% endautoescape %}")).toBe('<x>');
  });
});

describe('whitespace', () => {
  it('+%} keeps the newline trim_blocks would drop; {%+ is accepted', () => {
    expect(r('{% if true +%}\nkept{% endif %}\n{% if true %}\ngone{% endif %}')).toBe('\nkeptgone');
    expect(r('{%+ if true %}x{% endif %}')).toBe('x');
  });
  it('the newline after endraw goes, as after any tag', () => {
    expect(r('{% raw %}{{ x }}{% endraw %}\nnext')).toBe('{{ x }}next');
  });
});

describe('macros', () => {
  it('varargs and kwargs hold what the parameters do not', () => {
    const m = '{% macro m(a, b=2) %}{{ a }}-{{ b }}-{{ varargs }}-{{ kwargs | dictsort }}{% endmacro %}';
    expect(r(`${m}{{ m(1) }}|{{ m(1, 3, 4, 5, x=6) }}`)).toBe("1-2-()-[]|1-3-(4, 5)-[('x', 6)]");
  });
  it('call blocks still reach caller()', () => {
    expect(r('{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}')).toBe('<in>');
  });
});

describe('self', () => {
  it('self.block() renders a block again', () => {
    expect(r('{% block head %}H{% endblock %} {{ self.head() }}')).toBe('H H');
  });
});
