// The shortcut for text with plain `{{ name }}` placeholders must write exactly
// the code nunjucks' compiler (with tsplay's changes) generates, or decline.
import { describe, expect, it } from 'vitest';
import { templateCode } from '../../src/templating/jinja-compiler.js';
import { simpleTemplateCode } from '../../src/templating/simple-template.js';

const TEXTS = [
  '', 'a', ' ', '/etc/app.conf', '\n', '\r\n', '\t', '"', "'", '\\', '\\n', '\u2028', '\u2029', 'é ü 日本', '#', '# x',
  '%', '$HOME', '-', ' - ', 'x}', '}', '{', '{ x }', '{#', '#}', '{%', '%}', 'a:b=c,d', '`', '${x}',
];
const PLACEHOLDERS = [
  '{{ x }}', '{{x}}', '{{  a_b1  }}', '{{ _ }}', '{{ inventory_hostname }}', '{{ True }}', '{{ False }}', '{{ None }}',
  '{{ true }}', '{{ none }}', '{{ null }}', '{{ not }}', '{{ in }}', '{{ x }}}', '{{- x }}', '{{ x -}}', '{{ x.y }}',
  '{{ x|upper }}', '{{\tx }}', '{{ 1x }}', '{{ loop }}', '{{ range }}', '{{ super }}', '{{ caller }}', '{{ omit }}',
  '{{ x }', '{ x }}', '{{{ x }}', '{{ x y }}', '{{ Über }}',
];

function compare(src: string): boolean {
  const fast = simpleTemplateCode(src);
  if (fast !== undefined) expect(fast, JSON.stringify(src)).toBe(templateCode(src, 'template'));
  return fast !== undefined;
}

describe('simple template shortcut', () => {
  it('writes the compiler\'s code for text with plain placeholders', () => {
    for (const src of [
      '{{ x }}',
      '{{ bench_dir }}/{{ inventory_hostname }}/copy01.txt',
      'file 1 of {{ inventory_hostname }}\nline two\n',
      'cat {{ bench_dir }}/{{ inventory_hostname }}/copy01.txt',
      '"quoted" \\ back\tslash {{x}}{{y}} \u2028 end',
    ]) {
      expect(compare(src), JSON.stringify(src)).toBe(true);
    }
  });

  it('declines everything else', () => {
    for (const src of ['', 'no placeholder', '{{ x | upper }}', '{{ True }}', '{{- x }}', '{% if x %}{{ x }}{% endif %}', '{# c #}{{ x }}', '{{ x }}}', '{ {{ x }}']) {
      expect(simpleTemplateCode(src), JSON.stringify(src)).toBeUndefined();
    }
  });

  it('agrees with the compiler on every combination of text and placeholder', () => {
    let fast = 0;
    for (const a of TEXTS) {
      for (const p of PLACEHOLDERS) {
        for (const b of TEXTS) {
          if (compare(a + p + b)) fast++;
          if (compare(p + a + p + b)) fast++;
        }
      }
    }
    expect(fast).toBeGreaterThan(1000);
  });
});
