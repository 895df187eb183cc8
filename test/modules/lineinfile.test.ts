// lineinfile: the edit (pure, data-driven) and the module run on this host.
// Expected values were produced by ansible-core 2.14 (ansible-playbook -c local)
// on the same inputs; the tests themselves do not need Ansible.
import { lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import lineinfile from '../../modules/lineinfile.js';
import { byteStrToText, utf8Bytes } from '../../src/file-ops/line-edits/bytes.js';
import { lineInFileAbsent, lineInFilePresent, type LineOptions } from '../../src/file-ops/line-edits/lineinfile-edit.js';
import { run, tempDir } from './line-harness.js';

interface Case {
  name: string;
  in: string;
  args: LineOptions;
  out: string;
  changed: boolean;
  msg: string;
  found?: number;
  /** in/out are byte strings (not UTF-8 text). */
  raw?: boolean;
}

const CASES: Case[] = [
  { name: 'add-eof', in: 'a\nb\n', args: { line: 'c' }, out: 'a\nb\nc\n', changed: true, msg: 'line added' },
  { name: 'add-eof-nonl', in: 'a\nb', args: { line: 'c' }, out: 'a\nb\nc\n', changed: true, msg: 'line added' },
  { name: 'exists', in: 'a\nb\n', args: { line: 'a' }, out: 'a\nb\n', changed: false, msg: '' },
  { name: 'exists-last-nonl', in: 'a\nb', args: { line: 'b' }, out: 'a\nb\n', changed: true, msg: 'line replaced' },
  { name: 'empty-file', in: '', args: { line: 'x' }, out: 'x\n', changed: true, msg: 'line added' },
  { name: 'regexp-replace', in: 'a=1\nb=2\n', args: { regexp: '^a=', line: 'a=9' }, out: 'a=9\nb=2\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-last-wins', in: 'a=1\na=2\nb\n', args: { regexp: '^a=', line: 'a=9' }, out: 'a=1\na=9\nb\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-firstmatch', in: 'a=1\na=2\nb\n', args: { regexp: '^a=', line: 'a=9', firstmatch: true }, out: 'a=9\na=2\nb\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-nomatch', in: 'x\ny\n', args: { regexp: '^a=', line: 'a=9' }, out: 'x\ny\na=9\n', changed: true, msg: 'line added' },
  { name: 'regexp-same', in: 'a=9\n', args: { regexp: '^a=', line: 'a=9' }, out: 'a=9\n', changed: false, msg: '' },
  { name: 'regexp-last-nonl', in: 'x\na=1', args: { regexp: '^a=', line: 'a=9' }, out: 'x\na=9\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-dollar', in: 'ab\nab \n', args: { regexp: 'b$', line: 'Z' }, out: 'Z\nab \n', changed: true, msg: 'line replaced' },
  { name: 'regexp-dot-crlf', in: 'foo\r\nbar\r\n', args: { regexp: '^foo.*', line: 'X\\g<0>Y', backrefs: true }, out: 'Xfoo\rY\nbar\r\n', changed: true, msg: 'line replaced' },
  { name: 'backrefs', in: 'name=old\n', args: { regexp: '^name=(.*)$', line: 'name=new-\\1', backrefs: true }, out: 'name=new-old\n', changed: true, msg: 'line replaced' },
  { name: 'backrefs-named', in: 'k: v1\n', args: { regexp: '^k: (?P<v>\\w+)', line: 'k2: \\g<v>', backrefs: true }, out: 'k2: v1\n', changed: true, msg: 'line replaced' },
  { name: 'backrefs-nomatch', in: 'x\n', args: { regexp: '^name=(.*)$', line: 'name=\\1', backrefs: true }, out: 'x\n', changed: false, msg: '' },
  { name: 'backrefs-escapes', in: 'a1\n', args: { regexp: '^a(\\d)', line: 'b\\1\\tc\\\\d', backrefs: true }, out: 'b1\tc\\d\n', changed: true, msg: 'line replaced' },
  { name: 'insertafter-regex', in: 'a\nb\nc\n', args: { line: 'X', insertafter: '^b' }, out: 'a\nb\nX\nc\n', changed: true, msg: 'line added' },
  { name: 'insertafter-regex-last', in: 'a\nb\na\nc\n', args: { line: 'X', insertafter: '^a' }, out: 'a\nb\na\nX\nc\n', changed: true, msg: 'line added' },
  { name: 'insertafter-regex-first', in: 'a\nb\na\nc\n', args: { line: 'X', insertafter: '^a', firstmatch: true }, out: 'a\nX\nb\na\nc\n', changed: true, msg: 'line added' },
  { name: 'insertafter-regex-nomatch', in: 'a\nb\n', args: { line: 'X', insertafter: '^zz' }, out: 'a\nb\nX\n', changed: true, msg: 'line added' },
  { name: 'insertafter-regex-lastline', in: 'a\nb\n', args: { line: 'X', insertafter: '^b' }, out: 'a\nb\nX\n', changed: true, msg: 'line added' },
  { name: 'insertafter-regex-lastline-nonl', in: 'a\nb', args: { line: 'X', insertafter: '^b' }, out: 'a\nbX\n', changed: true, msg: 'line added' },
  { name: 'insertafter-already', in: 'a\nX\nb\n', args: { line: 'X', insertafter: '^a' }, out: 'a\nX\nb\n', changed: false, msg: '' },
  { name: 'insertafter-exists-elsewhere', in: 'X\na\nb\n', args: { line: 'X', insertafter: '^a' }, out: 'X\na\nb\n', changed: false, msg: '' },
  { name: 'insertafter-firstmatch-exists-later', in: 'a\nb\nX\n', args: { line: 'X', insertafter: '^a', firstmatch: true }, out: 'a\nX\nb\nX\n', changed: true, msg: 'line added' },
  { name: 'insertafter-bof', in: 'a\nb\n', args: { line: 'X', insertafter: 'BOF' }, out: 'X\na\nb\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-regex', in: 'a\nb\nc\n', args: { line: 'X', insertbefore: '^b' }, out: 'a\nX\nb\nc\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-regex-last', in: 'a\nb\na\n', args: { line: 'X', insertbefore: '^a' }, out: 'a\nb\nX\na\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-regex-first', in: 'a\nb\na\n', args: { line: 'X', insertbefore: '^a', firstmatch: true }, out: 'X\na\nb\na\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-bof', in: 'a\nb\n', args: { line: 'X', insertbefore: 'BOF' }, out: 'X\na\nb\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-bof-empty', in: '', args: { line: 'X', insertbefore: 'BOF' }, out: 'X\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-nomatch', in: 'a\nb', args: { line: 'X', insertbefore: '^zz' }, out: 'a\nb\nX\n', changed: true, msg: 'line added' },
  { name: 'insertbefore-first-line', in: 'a\nb\n', args: { line: 'X', insertbefore: '^a' }, out: 'X\na\nb\n', changed: true, msg: 'line added' },
  { name: 'regexp-with-insertafter', in: 'a\nb\n', args: { regexp: '^q=', line: 'q=1', insertafter: '^a' }, out: 'a\nq=1\nb\n', changed: true, msg: 'line added' },
  { name: 'regexp-matched-ignores-insertafter', in: 'q=0\na\nb\n', args: { regexp: '^q=', line: 'q=1', insertafter: '^a' }, out: 'q=1\na\nb\n', changed: true, msg: 'line replaced' },
  { name: 'search-string', in: 'foo.bar=1\nx\n', args: { search_string: 'o.b', line: 'foo.bar=2' }, out: 'foo.bar=2\nx\n', changed: true, msg: 'line replaced' },
  { name: 'search-string-nomatch', in: 'x\n', args: { search_string: 'zz', line: 'new' }, out: 'x\nnew\n', changed: true, msg: 'line added' },
  { name: 'search-string-firstmatch', in: 'ab1\nab2\n', args: { search_string: 'ab', line: 'C', firstmatch: true }, out: 'C\nab2\n', changed: true, msg: 'line replaced' },
  { name: 'crlf-exact', in: 'a\r\nb\r\n', args: { line: 'a' }, out: 'a\nb\r\n', changed: true, msg: 'line replaced' },
  { name: 'crlf-add', in: 'a\r\nb\r\n', args: { line: 'c' }, out: 'a\r\nb\r\nc\n', changed: true, msg: 'line added' },
  { name: 'cr-last', in: 'a\r', args: { line: 'c' }, out: 'a\rc\n', changed: true, msg: 'line added' },
  { name: 'regexp-empty', in: 'a\nb\n', args: { regexp: '', line: 'Z' }, out: 'a\nZ\n', changed: true, msg: 'line replaced' },
  { name: 'unicode', in: 'héllo\n', args: { regexp: '^h.llo', line: 'wörld' }, out: 'héllo\nwörld\n', changed: true, msg: 'line added' },
  { name: 'unicode-dot-bytes', in: 'héllo\n', args: { regexp: '^h.llo', line: 'X' }, out: 'héllo\nX\n', changed: true, msg: 'line added' },
  { name: 'named-groups-python', in: 'port 80\n', args: { regexp: '^port (?P<p>\\d+)$', line: 'port \\g<p>0', backrefs: true }, out: 'port 800\n', changed: true, msg: 'line replaced' },
  { name: 'inline-flag-i', in: 'FOO=1\n', args: { regexp: '(?i)^foo=', line: 'foo=2' }, out: 'foo=2\n', changed: true, msg: 'line replaced' },
  { name: 'absent-line', in: 'a\nb\na\n', args: { line: 'a', state: 'absent' }, out: 'b\n', changed: true, msg: '2 line(s) removed', found: 2 },
  { name: 'absent-regexp', in: 'a1\nb\na2\n', args: { regexp: '^a', state: 'absent' }, out: 'b\n', changed: true, msg: '2 line(s) removed', found: 2 },
  { name: 'absent-search', in: 'a1\nb\na2\n', args: { search_string: '2', state: 'absent' }, out: 'a1\nb\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'absent-none', in: 'a\n', args: { line: 'zz', state: 'absent' }, out: 'a\n', changed: false, msg: '', found: 0 },
  { name: 'absent-nonl', in: 'a\nb', args: { line: 'b', state: 'absent' }, out: 'a\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'absent-crlf', in: 'a\r\nb\r\n', args: { line: 'a', state: 'absent' }, out: 'b\r\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'absent-regexp-and-line', in: 'a\nb\n', args: { regexp: '^b', line: 'a', state: 'absent' }, out: 'a\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'backrefs-g0-multi', in: 'v=1\nv=2\n', args: { regexp: '^v=(\\d)', line: '\\g<0>0', backrefs: true }, out: 'v=1\nv=20\n', changed: true, msg: 'line replaced' },
  { name: 'absent-search-crlf', in: 'a1\r\nb\r\n', args: { search_string: 'a', state: 'absent' }, out: 'b\r\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'insertafter-eof-explicit', in: 'x\na\nb\n', args: { line: 'a', insertafter: 'EOF' }, out: 'x\na\nb\n', changed: false, msg: '' },
  { name: 'insertbefore-exists-elsewhere', in: 'a\nb\nX\n', args: { line: 'X', insertbefore: '^a' }, out: 'a\nb\nX\n', changed: false, msg: '' },
  { name: 'line-with-newline', in: 'a\n', args: { line: 'b\n' }, out: 'a\nb\n\n', changed: true, msg: 'line added' },
  { name: 'line-with-newline-regexp', in: 'a\nq=1\n', args: { regexp: '^q=', line: 'q=2\n' }, out: 'a\nq=2\n', changed: true, msg: 'line replaced' },
  { name: 'insertafter-matches-line-itself', in: 'a\nb\n', args: { line: 'a', insertafter: '^a' }, out: 'a\nb\n', changed: false, msg: '' },
  { name: 'only-newline', in: '\n', args: { line: 'x' }, out: '\nx\n', changed: true, msg: 'line added' },
  { name: 'empty-line-value', in: 'a\n\nb\n', args: { line: '' }, out: 'a\n\nb\n', changed: false, msg: '' },
  { name: 'empty-line-value-absent', in: 'a\n\nb\n', args: { line: '', state: 'absent' }, out: 'a\nb\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'regexp-class-bracket', in: 'a]b\n', args: { regexp: '[]]b', line: 'Z' }, out: 'Z\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-quant-brace', in: 'aa\n', args: { regexp: '^a{,2}$', line: 'Z' }, out: 'Z\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-literal-brace', in: 'a{\n', args: { regexp: 'a{', line: 'Z' }, out: 'Z\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-escape-dash', in: 'a-b\n', args: { regexp: 'a\\-b', line: 'Z' }, out: 'Z\n', changed: true, msg: 'line replaced' },
  { name: 'search-empty', in: 'a\nb\n', args: { search_string: '', line: 'Z' }, out: 'a\nZ\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-verbose', in: 'key = 1\n', args: { regexp: '(?x) ^key \\s* = # comment\n', line: 'key = 2' }, out: 'key = 2\n', changed: true, msg: 'line replaced' },
  { name: 'regexp-A-Z', in: 'abc\n', args: { regexp: '\\Aabc\\Z', line: 'Z' }, out: 'abc\nZ\n', changed: true, msg: 'line added' },
  { name: 'regexp-bytes-s-nbsp', in: 'a\xa0b\n', args: { regexp: 'a\\sb', line: 'Z' }, out: 'a\xa0b\nZ\n', changed: true, msg: 'line added', raw: true },
  { name: 'insertbefore-regex-dup-before', in: 'X\na\n', args: { line: 'X', insertbefore: '^a' }, out: 'X\na\n', changed: false, msg: '' },
  { name: 'firstmatch-insertbefore-exact-later', in: 'a\nb\nX\n', args: { line: 'X', insertbefore: '^b', firstmatch: true }, out: 'a\nX\nb\nX\n', changed: true, msg: 'line added' },
  { name: 'latin1-file', in: 'caf\xe9\nx\n', args: { regexp: '^caf', line: 'tea' }, out: 'tea\nx\n', changed: true, msg: 'line replaced', raw: true },
  { name: 'latin1-dot', in: 'caf\xe9\n', args: { regexp: '^caf.$', line: 'tea' }, out: 'tea\n', changed: true, msg: 'line replaced', raw: true },
];

describe('lineinfile edit (as Ansible 2.14)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const input = c.raw ? c.in : utf8Bytes(c.in);
      const edit = c.args.state === 'absent' ? lineInFileAbsent(input, c.args) : lineInFilePresent(input, c.args);
      expect(c.raw ? edit.text : byteStrToText(edit.text)).toBe(c.out);
      expect(edit.changed).toBe(c.changed);
      expect(edit.msg).toBe(c.msg);
      if (c.found !== undefined) expect(edit.found).toBe(c.found);
    });
  }
});

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('lineinfile module', () => {
  it('adds a line, with the diff Ansible shows, then is ok', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\nb');
    const r = await run(lineinfile, { path, line: 'c' });
    expect(r.result).toEqual({ changed: true, msg: 'line added', backup: '' });
    expect(r.diff).toEqual([{ before: 'a\nb', after: 'a\nb\nc\n', before_header: `${path} (content)`, after_header: `${path} (content)` }]);
    expect(readFileSync(path, 'utf8')).toBe('a\nb\nc\n');
    const again = await run(lineinfile, { dest: path, value: 'c' });
    expect(again.result).toEqual({ changed: false, msg: '', backup: '' });
    expect(again.diff).toEqual([]);
  });

  it('check mode predicts without writing', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a=1\n');
    const r = await run(lineinfile, { path, regex: '^a=', line: 'a=2' }, { check: true });
    expect(r.result).toEqual({ changed: true, msg: 'line replaced', backup: '' });
    expect(readFileSync(path, 'utf8')).toBe('a=1\n');
  });

  it('fails on a missing file unless create, and on a directory', async () => {
    const path = join(dir, 'sub', 'new');
    expect((await run(lineinfile, { path, line: 'x' })).result).toEqual({
      failed: true,
      rc: 257,
      msg: `Destination ${path} does not exist !`,
    });
    expect((await run(lineinfile, { path: dir, line: 'x' })).result).toMatchObject({
      rc: 256,
      msg: `Path ${dir} is a directory !`,
    });
    const checked = await run(lineinfile, { path, line: 'x', create: true, mode: '0600' }, { check: true });
    expect(checked.result).toEqual({ changed: true, msg: 'line added', backup: '' });
    const r = await run(lineinfile, { path, line: 'x', create: true, mode: '0600' });
    expect(r.result.msg).toBe('line added and ownership, perms or SE linux context changed');
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    expect(mode(path)).toBe('600');
  });

  it('reports a mode change alone, and with a content change', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n', { mode: 0o644 });
    const r = await run(lineinfile, { path, line: 'a', mode: '0600' });
    expect(r.result).toEqual({ changed: true, msg: 'ownership, perms or SE linux context changed', backup: '' });
    expect(r.diff).toHaveLength(1);
    expect(r.diff[0]!.before_header).toBe(`${path} (file attributes)`);
    expect(mode(path)).toBe('600');
    const both = await run(lineinfile, { path, line: 'b', mode: '0640' });
    expect(both.result.msg).toBe('line added and ownership, perms or SE linux context changed');
    expect(mode(path)).toBe('640');
  });

  it('keeps the mode of the file it rewrites and makes a backup', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n', { mode: 0o600 });
    const r = await run(lineinfile, { path, line: 'b', backup: true });
    expect(String(r.result.backup)).toMatch(new RegExp(`^${path}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(String(r.result.backup), 'utf8')).toBe('a\n');
    expect(mode(path)).toBe('600');
  });

  it('removes lines (state=absent)', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a1\nb\na2\n');
    const r = await run(lineinfile, { path, regexp: '^a', state: 'absent' });
    expect(r.result).toEqual({ changed: true, msg: '2 line(s) removed', found: 2, backup: '' });
    expect(readFileSync(path, 'utf8')).toBe('b\n');
    const gone = await run(lineinfile, { path: join(dir, 'none'), line: 'x', state: 'absent' });
    expect(gone.result).toEqual({ changed: false, msg: 'file not present' });
  });

  it('rewrites the file a symlink points to, keeping the link', async () => {
    writeFileSync(join(dir, 'real'), 'a\n');
    symlinkSync('real', join(dir, 'link'));
    const r = await run(lineinfile, { path: join(dir, 'link'), line: 'b' });
    expect(r.result.msg).toBe('line added');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('a\nb\n');
  });

  it('validates before replacing, with Ansible messages', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const bad = await run(lineinfile, { path, line: 'b', validate: 'grep -q zzz %s' });
    expect(bad.result).toEqual({ failed: true, msg: 'failed to validate: rc:1 error:' });
    const noPct = await run(lineinfile, { path, line: 'b', validate: 'true' });
    expect(noPct.result.msg).toBe('validate must contain %s: true');
    expect(readFileSync(path, 'utf8')).toBe('a\n');
    const ok = await run(lineinfile, { path, line: 'b', validate: 'grep -q b %s' });
    expect(ok.result.msg).toBe('line added');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('checks option combinations like Ansible', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const cases: [Record<string, unknown>, string][] = [
      [{ line: 'b', insertafter: 'x', insertbefore: 'y' }, 'parameters are mutually exclusive: insertbefore|insertafter'],
      [{ line: 'b', regexp: 'x', search_string: 'y' }, 'parameters are mutually exclusive: regexp|search_string'],
      [{ regexp: 'x' }, 'line is required with state=present'],
      [{ line: 'x', backrefs: true }, 'regexp is required with backrefs=true'],
      [{ state: 'absent' }, 'one of line, search_string, or regexp is required with state=absent'],
    ];
    for (const [args, msg] of cases) expect((await run(lineinfile, { path, ...args })).result.msg).toBe(msg);
  });

  it('warns about an empty regexp or search string', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\nb\n');
    const r = await run(lineinfile, { path, search_string: '', line: 'Z' });
    expect(r.result.warnings).toEqual([
      'The search string is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.',
    ]);
    expect(readFileSync(path, 'utf8')).toBe('a\nZ\n');
  });

  it('creates missing parent directories with create=true', async () => {
    const path = join(dir, 'x', 'y', 'f');
    const r = await run(lineinfile, { path, line: 'hello', create: true });
    expect(r.result).toEqual({ changed: true, msg: 'line added', backup: '' });
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
  });
});
