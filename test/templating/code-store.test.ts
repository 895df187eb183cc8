// The code nunjucks makes of template texts is kept across runs
// (src/templating/code-store.ts): looked up by text, written only when a run
// added to it, merged with other runs' additions, bounded, and ignored when
// damaged.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { saveTemplateCodeStore, TemplateCodeStore, useTemplateCodeStore } from '../../src/templating/code-store.js';
import { compileTemplate, templateCode } from '../../src/templating/jinja-compiler.js';
import { prepareSource } from '../../src/templating/source.js';
import { Templar } from '../../src/templating/templar.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-code-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => useTemplateCodeStore(undefined));

const entries = (file: string): Record<string, string> => (JSON.parse(readFileSync(file, 'utf8')) as { code: Record<string, string> }).code;

describe('TemplateCodeStore', () => {
  it('gives back what an earlier run kept, by name and text', () => {
    const file = join(dir, 'a.json');
    const first = new TemplateCodeStore(file);
    expect(first.get('template', '{{ a }}x')).toBeUndefined();
    expect(first.save()).toBe(false); // nothing added
    first.set('template', '{{ a }}x', 'return 1;');
    expect(first.save()).toBe(true);
    expect(first.save()).toBe(false); // nothing new since

    const next = new TemplateCodeStore(file);
    expect(next.get('template', '{{ a }}x')).toBe('return 1;');
    expect(next.get('other', '{{ a }}x')).toBeUndefined();
    expect(next.get('template', '{{ a }}y')).toBeUndefined();
  });

  it('merges with what another run wrote meanwhile', () => {
    const file = join(dir, 'b.json');
    const one = new TemplateCodeStore(file);
    const two = new TemplateCodeStore(file);
    one.get('t', 'x'); // loaded before two writes
    two.set('t', 'two', 'return 2;');
    two.save();
    one.set('t', 'one', 'return 1;');
    one.save();
    const three = new TemplateCodeStore(file);
    expect([three.get('t', 'one'), three.get('t', 'two')]).toEqual(['return 1;', 'return 2;']);
  });

  it('keeps at most 2000 texts, the latest used last to go', () => {
    const file = join(dir, 'c.json');
    const store = new TemplateCodeStore(file);
    for (let i = 0; i < 2001; i++) store.set('t', `text ${i}`, `return ${i};`);
    store.save();
    expect(Object.keys(entries(file))).toHaveLength(2000);
    const next = new TemplateCodeStore(file);
    expect(next.get('t', 'text 0')).toBeUndefined();
    expect(next.get('t', 'text 1')).toBe('return 1;');
    next.set('t', 'new', 'return -1;');
    next.save();
    const last = new TemplateCodeStore(file);
    expect(last.get('t', 'text 1')).toBe('return 1;'); // used by the previous run: kept
    expect(last.get('t', 'text 2')).toBeUndefined();
  });

  it('starts empty from a damaged or foreign file', () => {
    for (const [name, text] of [['d1.json', '{"version":1,"code":{"x":'], ['d2.json', '{"version":2,"code":{}}'], ['d3.json', 'null']] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const store = new TemplateCodeStore(file);
      expect(store.get('t', 'x')).toBeUndefined();
      store.set('t', 'x', 'return 0;');
      expect(store.save()).toBe(true);
      expect(new TemplateCodeStore(file).get('t', 'x')).toBe('return 0;');
    }
  });

  it('ignores a file that others may write: its code would run as this user', () => {
    const file = join(dir, 'shared.json');
    const store = new TemplateCodeStore(file);
    store.set('t', 'x', 'return 0;');
    store.save();
    chmodSync(file, 0o666);
    expect(new TemplateCodeStore(file).get('t', 'x')).toBeUndefined();
  });

  it('runs without keeping anything when the file cannot be written', () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const store = new TemplateCodeStore(join(blocker, 'store.json'));
    store.set('t', 'x', 'return 0;');
    expect(store.save()).toBe(false);
  });
});

describe('templates compiled through the store', () => {
  it('take their code from the store when it has it, and add it when not', () => {
    const file = join(dir, 'compile.json');
    const src = '{% for u in users %}{{ u.name | upper }}{% endfor %} on {{ port + 1 }}';
    useTemplateCodeStore(file);
    const made = compileTemplate(src, 'template');
    expect(saveTemplateCodeStore()).toBe(true);
    const [key, code] = Object.entries(entries(file))[0]!;
    expect(code).toBe(templateCode(src, 'template'));
    expect(made.root.toString()).toContain('upper');

    // A run that finds the code in the store does not make it again: it runs what it finds.
    writeFileSync(file, JSON.stringify({ version: 1, code: { [key]: 'return { root: function from_store() {} };' } }));
    useTemplateCodeStore(file);
    expect(compileTemplate(src, 'template').root.name).toBe('from_store');
    expect(saveTemplateCodeStore()).toBe(false);
  });

  it('render the same from code an earlier run kept as from code made now', () => {
    const file = join(dir, 'render.json');
    const text = '{% for u in users %}{{ u.name | upper }}{% if not loop.last %},{% endif %}{% endfor %} on {{ port + 1 }}\n';
    const vars = { users: [{ name: 'ann' }, { name: 'bo' }], port: 8079 };
    // An earlier run: the code for the text as the templar prepares it, kept.
    useTemplateCodeStore(file);
    compileTemplate(prepareSource(text.replace(/\n$/, ''), false), 'template');
    expect(saveTemplateCodeStore()).toBe(true);
    // This run finds it there (nothing new to save) and renders with it.
    useTemplateCodeStore(file);
    expect(new Templar().renderText(text, vars)).toBe('ANN,BO on 8080\n');
    expect(saveTemplateCodeStore()).toBe(false);
  });
});
