// The shortcut for text with plain `{{ name }}` placeholders must write exactly
// the code nunjucks' compiler (with tsplay's changes) generates, or decline.
import { describe, expect, it } from 'vitest';
import { templateCode } from '../../src/templating/jinja-compiler.js';
import { simpleRoot, simpleTemplateCode, simpleTemplateParts } from '../../src/templating/simple-template.js';

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

/** A runtime that records what a render function asks of it. */
function recordingRuntime(failOn: string) {
  return {
    emitData: (t: string) => `D(${t})`,
    emit: (v: unknown) => `E(${String(v)})`,
    contextOrFrameLookup: (context: Record<string, unknown>, _frame: unknown, name: string) => {
      if (name === failOn) throw new Error(`lookup of ${name} failed`);
      return context[name];
    },
    handleError: (e: Error, line: number, col: number) => `H(${e.message} ${line}:${col})`,
  };
}

/** Render with a compiled template's root, recording the runtime calls and the callback's arguments. */
function renderRecorded(tmpl: { root: Function }, failOn: string): unknown[] {
  const calls: unknown[] = [];
  tmpl.root(null, { x: 'X', y: 'Y', inventory_hostname: 'h1' }, {}, recordingRuntime(failOn), (err: unknown, res?: string) => calls.push([err, res]));
  return calls;
}

function compare(src: string): boolean {
  const fast = simpleTemplateCode(src);
  if (fast === undefined) return false;
  const code = templateCode(src, 'template');
  expect(fast, JSON.stringify(src)).toBe(code);
  // The shared render function does what that code does, also when a lookup fails.
  const generated = new Function(code)() as { root: Function };
  const shared = simpleRoot(simpleTemplateParts(src)!);
  for (const failOn of ['', 'x']) {
    expect(renderRecorded(shared, failOn), JSON.stringify(src)).toEqual(renderRecorded(generated, failOn));
  }
  return true;
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
