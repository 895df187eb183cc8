// replace: the edit (pure, data-driven), the Python-regex layer, and the module
// run on this host. Expected values were produced by ansible-core 2.14
// (ansible-playbook -c local) on the same inputs; the tests do not need Ansible.
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import replace from '../../modules/replace.js';
import { compilePython, expandTemplate, pySubn } from '../../src/file-ops/line-edits/pyregex.js';
import { replaceInText, type ReplaceOptions } from '../../src/file-ops/line-edits/replace-edit.js';
import { run, tempDir } from './line-harness.js';

interface Case {
  name: string;
  in: string;
  args: ReplaceOptions;
  out: string;
  changed: boolean;
  msg: string;
}

const CASES: Case[] = [
  { name: 'simple', in: 'foo bar foo\nfoo\n', args: { regexp: 'foo', replace: 'baz' }, out: 'baz bar baz\nbaz\n', changed: true, msg: '3 replacements made' },
  { name: 'none', in: 'abc\n', args: { regexp: 'zzz', replace: 'y' }, out: 'abc\n', changed: false, msg: '' },
  { name: 'same', in: 'abc\n', args: { regexp: 'b', replace: 'b' }, out: 'abc\n', changed: false, msg: '' },
  { name: 'multiline', in: 'a=1\nb=2\na=3\n', args: { regexp: '^a=(\\d)$', replace: 'A=\\1' }, out: 'A=1\nb=2\nA=3\n', changed: true, msg: '2 replacements made' },
  { name: 'named', in: 'host: x\n', args: { regexp: '^host: (?P<h>\\w+)', replace: 'server: \\g<h>' }, out: 'server: x\n', changed: true, msg: '1 replacements made' },
  { name: 'g0', in: 'ab\n', args: { regexp: 'b', replace: '[\\g<0>]' }, out: 'a[b]\n', changed: true, msg: '1 replacements made' },
  { name: 'empty-matches', in: 'abxd', args: { regexp: 'x*', replace: '-' }, out: '-a-b--d-', changed: true, msg: '5 replacements made' },
  { name: 'dollar', in: 'a\nb\n', args: { regexp: '$', replace: ';' }, out: 'a;\nb;\n;', changed: true, msg: '3 replacements made' },
  { name: 'caret', in: 'a\nb\n', args: { regexp: '^', replace: '> ' }, out: '> a\n> b\n> ', changed: true, msg: '3 replacements made' },
  { name: 'delete-lines', in: 'keep\n#c1\nkeep2\n#c2\n', args: { regexp: '^#.*\\n', replace: '' }, out: 'keep\nkeep2\n', changed: true, msg: '2 replacements made' },
  { name: 'default-replace', in: 'x1y\n', args: { regexp: '\\d' }, out: 'xy\n', changed: true, msg: '1 replacements made' },
  { name: 'after', in: 'a\nSTART\na\nEND\na\n', args: { regexp: 'a', replace: 'b', after: 'START' }, out: 'a\nSTART\nb\nEND\nb\n', changed: true, msg: '2 replacements made' },
  { name: 'before', in: 'a\nSTART\na\nEND\na\n', args: { regexp: 'a', replace: 'b', before: 'END' }, out: 'b\nSTART\nb\nEND\na\n', changed: true, msg: '2 replacements made' },
  { name: 'after-before', in: 'a\nSTART\na\nEND\na\nSTART\na\nEND\n', args: { regexp: 'a', replace: 'b', after: 'START', before: 'END' }, out: 'a\nSTART\nb\nEND\na\nSTART\na\nEND\n', changed: true, msg: '1 replacements made' },
  { name: 'after-nomatch', in: 'a\n', args: { regexp: 'a', replace: 'b', after: 'QQQ' }, out: 'a\n', changed: false, msg: 'Pattern for before/after params did not match the given file: QQQ(?P<subsection>.*)' },
  { name: 'escape-newline', in: 'a b\n', args: { regexp: ' ', replace: '\\n' }, out: 'a\nb\n', changed: true, msg: '1 replacements made' },
  { name: 'crlf-dollar', in: 'a\r\nb\r\n', args: { regexp: 'a$', replace: 'X' }, out: 'a\r\nb\r\n', changed: false, msg: '' },
  { name: 'dot-cr', in: 'a\r\nb\r\n', args: { regexp: 'a.', replace: 'X' }, out: 'X\nb\r\n', changed: true, msg: '1 replacements made' },
  { name: 'unicode', in: 'héllo wörld\n', args: { regexp: 'ö', replace: 'o' }, out: 'héllo world\n', changed: true, msg: '1 replacements made' },
  { name: 'unicode-w', in: 'héllo\n', args: { regexp: '\\w+', replace: 'X' }, out: 'X\n', changed: true, msg: '1 replacements made' },
  { name: 'unmatched-group', in: 'ac\n', args: { regexp: 'a(b)?c', replace: '[\\1]' }, out: '[]\n', changed: true, msg: '1 replacements made' },
  { name: 'unicode-b', in: 'ä foo äfoo\n', args: { regexp: '\\bfoo\\b', replace: 'X' }, out: 'ä X äfoo\n', changed: true, msg: '1 replacements made' },
  { name: 'unicode-d', in: 'a٣b1\n', args: { regexp: '\\d', replace: '#' }, out: 'a#b#\n', changed: true, msg: '2 replacements made' },
  { name: 'unicode-i', in: 'ÄRGER\n', args: { regexp: '(?i)ärger', replace: 'x' }, out: 'x\n', changed: true, msg: '1 replacements made' },
  { name: 'astral', in: 'a😀b\n', args: { regexp: 'a.b', replace: 'X' }, out: 'X\n', changed: true, msg: '1 replacements made' },
  { name: 'escape-dash', in: 'a-b\n', args: { regexp: 'a\\-b', replace: 'X' }, out: 'X\n', changed: true, msg: '1 replacements made' },
  { name: 'quant-brace', in: 'aaa\n', args: { regexp: 'a{,2}', replace: 'X' }, out: 'XXX\nX', changed: true, msg: '4 replacements made' },
  { name: 'literal-brace', in: 'a{b}\n', args: { regexp: '{b}', replace: 'X' }, out: 'aX\n', changed: true, msg: '1 replacements made' },
  { name: 'class-bracket', in: 'a]b\n', args: { regexp: '[]a]', replace: 'X' }, out: 'XXb\n', changed: true, msg: '2 replacements made' },
  { name: 'dotall-flag', in: 'a\nb\n', args: { regexp: '(?s)a.b', replace: 'X' }, out: 'X\n', changed: true, msg: '1 replacements made' },
  { name: 'empty-lines', in: 'a\n\n\nb\n', args: { regexp: '^\\n', replace: '' }, out: 'a\nb\n', changed: true, msg: '2 replacements made' },
  { name: 'backslash-replace', in: 'a\n', args: { regexp: 'a', replace: '\\\\' }, out: '\\\n', changed: true, msg: '1 replacements made' },
  { name: 'lookbehind', in: 'xa ya\n', args: { regexp: '(?<=x)a', replace: 'B' }, out: 'xB ya\n', changed: true, msg: '1 replacements made' },
  { name: 'before-greedy', in: 'a END a END a\n', args: { regexp: 'a', replace: 'b', before: 'END' }, out: 'b END b END a\n', changed: true, msg: '2 replacements made' },
  { name: 'after-dotall', in: 'START\na\n', args: { regexp: 'a', replace: 'b', after: 'START.' }, out: 'START\nb\n', changed: true, msg: '1 replacements made' },
  { name: 'verbose', in: 'key=1\n', args: { regexp: '(?x) key = (\\d)  # comment', replace: 'k=\\1' }, out: 'k=1\n', changed: true, msg: '1 replacements made' },
  { name: 'octal-repl', in: 'a\n', args: { regexp: 'a', replace: '\\101' }, out: 'A\n', changed: true, msg: '1 replacements made' },
  { name: 'named-ref', in: 'abab\n', args: { regexp: '(?P<x>ab)(?P=x)', replace: 'Y' }, out: 'Y\n', changed: true, msg: '1 replacements made' },
  { name: 'empty-file', in: '', args: { regexp: '^', replace: 'x' }, out: 'x', changed: true, msg: '1 replacements made' },
  { name: 'dollar-end', in: 'a\nb', args: { regexp: 'b$', replace: 'c' }, out: 'a\nc', changed: true, msg: '1 replacements made' },
];

describe('replace edit (as Ansible 2.14)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const edit = replaceInText(c.in, c.args);
      expect(edit.text).toBe(c.out);
      expect(edit.changed).toBe(c.changed);
      expect(edit.msg).toBe(c.msg);
    });
  }
});

describe('Python regex layer', () => {
  const sub = (pattern: string, template: string, text: string) =>
    pySubn(compilePython(pattern, { multiline: true }, true).re, template, text);

  it('translates what JS spells differently', () => {
    expect(sub('(?P<k>\\w+)=(?P=k)', '<\\g<k>>', 'a=a b=c')).toEqual(['<a> b=c', 1]);
    expect(sub('\\Aa|b\\Z', 'X', 'ab\nab')).toEqual(['Xb\naX', 2]);
    expect(sub('x{,2}', '-', 'xxx')).toEqual(['---', 3]);
    expect(sub('[]x]', '-', 'a]x')).toEqual(['a--', 2]);
    expect(sub('(?i)straße', 'X', 'STRAßE')).toEqual(['X', 1]);
  });

  it('keeps `$` before a final newline only (no MULTILINE), like Python', () => {
    const re = compilePython('b$', { bytes: true }).re;
    expect(re.test('ab\n')).toBe(true);
    expect(re.test('ab\n\n')).toBe(false);
    expect(re.test('ab\r\n')).toBe(false);
  });

  it('expands templates like match.expand', () => {
    const m = /(a)(b)?(?<n>c)/.exec('ac')!;
    expect(expandTemplate('\\1|\\2|\\g<n>|\\g<0>|\\t|\\\\|\\.|\\101', m)).toBe('a||c|ac|\t|\\|\\.|A');
    expect(() => expandTemplate('\\5', m)).toThrow('invalid group reference 5');
    expect(() => expandTemplate('\\q', m)).toThrow('bad escape \\q');
  });

  it('fails the task on a pattern Python would refuse or JS cannot take', () => {
    expect(() => compilePython('\\q')).toThrow(/invalid regular expression/);
    expect(() => compilePython('[abc')).toThrow(/unterminated character set/);
  });
});

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('replace module', () => {
  it('replaces, with rc 0 and the diff Ansible shows, then is ok', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'foo bar foo\n');
    const r = await run(replace, { path, regexp: 'foo', replace: 'baz' });
    expect(r.result).toEqual({ changed: true, rc: 0, msg: '2 replacements made' });
    expect(r.diff).toEqual([{ before: 'foo bar foo\n', after: 'baz bar baz\n', before_header: path, after_header: path }]);
    expect(readFileSync(path, 'utf8')).toBe('baz bar baz\n');
    expect((await run(replace, { dest: path, regexp: 'foo', replace: 'baz' })).result).toEqual({ changed: false, rc: 0, msg: '' });
  });

  it('check mode predicts without writing', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const r = await run(replace, { path, regexp: 'a', replace: 'b' }, { check: true });
    expect(r.result).toEqual({ changed: true, rc: 0, msg: '1 replacements made' });
    expect(readFileSync(path, 'utf8')).toBe('a\n');
  });

  it('fails on a missing path or a directory', async () => {
    const path = join(dir, 'none');
    expect((await run(replace, { path, regexp: 'a' })).result).toEqual({ failed: true, rc: 257, msg: `Path ${path} does not exist !` });
    expect((await run(replace, { path: dir, regexp: 'a' })).result).toEqual({ failed: true, rc: 256, msg: `Path ${dir} is a directory !` });
  });

  it('mode, backup, and an unmatched before/after (which skips attributes)', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n', { mode: 0o644 });
    const none = await run(replace, { path, regexp: 'a', replace: 'b', after: 'QQQ', mode: '0600' });
    expect(none.result).toEqual({
      changed: false,
      rc: 0,
      msg: 'Pattern for before/after params did not match the given file: QQQ(?P<subsection>.*)',
    });
    expect(mode(path)).toBe('644');
    const attrs = await run(replace, { path, regexp: 'zz', replace: 'b', mode: '0600' });
    expect(attrs.result).toEqual({ changed: true, rc: 0, msg: 'ownership, perms or SE linux context changed' });
    expect(mode(path)).toBe('600');
    const r = await run(replace, { path, regexp: 'a', replace: 'b', backup: true, mode: '0640' });
    expect(r.result.msg).toBe('1 replacements made and ownership, perms or SE linux context changed');
    expect(readFileSync(String(r.result.backup_file), 'utf8')).toBe('a\n');
    expect(mode(path)).toBe('640');
  });

  it('reads and writes with `encoding`', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, Buffer.from('caf\xe9\n', 'latin1'));
    const r = await run(replace, { path, regexp: 'é', replace: 'e!', encoding: 'latin-1' });
    expect(r.result.msg).toBe('1 replacements made');
    expect(r.diff[0]).toMatchObject({ before: 'café\n', after: 'cafe!\n' });
    expect(readFileSync(path, 'latin1')).toBe('cafe!\n');
  });

  it('follows a symlink and validates', async () => {
    writeFileSync(join(dir, 'real'), 'a\n');
    symlinkSync('real', join(dir, 'link'));
    const bad = await run(replace, { path: join(dir, 'link'), regexp: 'a', replace: 'b', validate: 'false %s' });
    expect(bad.result).toEqual({ failed: true, msg: 'failed to validate: rc:1 error:' });
    const r = await run(replace, { path: join(dir, 'link'), regexp: 'a', replace: 'b', validate: 'grep -q b %s' });
    expect(r.result.msg).toBe('1 replacements made');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('b\n');
  });
});
