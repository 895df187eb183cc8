// blockinfile: the edit (pure, data-driven) and the module run on this host.
// Expected values were produced by ansible-core 2.14 (ansible-playbook -c local)
// on the same inputs; the tests themselves do not need Ansible.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import blockinfile from '../../modules/blockinfile.js';
import { byteStrToText, utf8Bytes } from '../../src/file-ops/line-edits/bytes.js';
import { blockInFile, type BlockOptions } from '../../src/file-ops/line-edits/blockinfile-edit.js';
import { run, tempDir } from './line-harness.js';

interface Case {
  name: string;
  in: string;
  args: BlockOptions;
  out: string;
  changed: boolean;
  msg: string;
}

const BLOCK = '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n';

const CASES: Case[] = [
  { name: 'insert-eof', in: 'a\nb\n', args: { block: 'x\ny' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insert-eof-nonl', in: 'a\nb', args: { block: 'x\ny\n' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insert-empty-file', in: '', args: { block: 'x' }, out: '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'same', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'x' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n', changed: false, msg: '' },
  { name: 'update', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'new\nnew2' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\nnew2\n# END ANSIBLE MANAGED BLOCK\nb\n', changed: true, msg: 'Block inserted' },
  { name: 'remove', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n', args: { state: 'absent' }, out: 'a\nb\n', changed: true, msg: 'Block removed' },
  { name: 'remove-empty-block', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n', args: { block: '' }, out: 'a\nb\n', changed: true, msg: 'Block removed' },
  { name: 'absent-nomarkers', in: 'a\nb\n', args: { state: 'absent' }, out: 'a\nb\n', changed: false, msg: '' },
  { name: 'absent-nomarkers-nonl', in: 'a\nb', args: { state: 'absent' }, out: 'a\nb\n', changed: true, msg: 'Block removed' },
  { name: 'insertafter', in: 'a\nb\nc\n', args: { block: 'x', insertafter: '^b' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nc\n', changed: true, msg: 'Block inserted' },
  { name: 'insertafter-last-wins', in: 'a\nb\na\n', args: { block: 'x', insertafter: '^a' }, out: 'a\nb\na\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insertafter-nomatch', in: 'a\nb\n', args: { block: 'x', insertafter: '^zz' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insertbefore', in: 'a\nb\nc\n', args: { block: 'x', insertbefore: '^b' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\nc\n', changed: true, msg: 'Block inserted' },
  { name: 'insertbefore-bof', in: 'a\nb\n', args: { block: 'x', insertbefore: 'BOF' }, out: '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\nb\n', changed: true, msg: 'Block inserted' },
  { name: 'insertbefore-nomatch', in: 'a\nb\n', args: { block: 'x', insertbefore: '^zz' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insertafter-multiline', in: 'a\nb\nc\n', args: { block: 'x', insertafter: '(?m)^b\\nc' }, out: 'a\nb\nc\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insertbefore-multiline', in: 'a\nb\nc\n', args: { block: 'x', insertbefore: '(?m)^b\\nc' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\nc\n', changed: true, msg: 'Block inserted' },
  { name: 'custom-marker', in: 'a\n', args: { block: 'x', marker: '<!-- {mark} -->', marker_begin: 'START', marker_end: 'STOP' }, out: 'a\n<!-- START -->\nx\n<!-- STOP -->\n', changed: true, msg: 'Block inserted' },
  { name: 'end-before-begin', in: 'a\n# END ANSIBLE MANAGED BLOCK\nq\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'x' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n', changed: true, msg: 'Block inserted' },
  { name: 'only-begin', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'x' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'crlf', in: 'a\r\nb\r\n', args: { block: 'x' }, out: 'a\r\nb\r\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'markers-nonl-end', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK', args: { block: 'x' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insert-after-nonl-line', in: 'a\nb', args: { block: 'x', insertafter: '^b' }, out: 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'block-crlf', in: 'a\n', args: { block: 'x\r\ny' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\r\ny\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'marker-backslash', in: 'a\n', args: { block: 'x', marker_begin: 'B\\\\E', marker_end: 'E\\tND' }, out: 'a\n# B\\E ANSIBLE MANAGED BLOCK\nx\n# E\tND ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'block-blank-lines', in: 'a\n', args: { block: 'x\n\n' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'insertafter-eof-explicit', in: 'a\n', args: { block: 'x', insertafter: 'EOF' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n', changed: true, msg: 'Block inserted' },
  { name: 'two-begins', in: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\n1\n# BEGIN ANSIBLE MANAGED BLOCK\n2\n# END ANSIBLE MANAGED BLOCK\nz\n', args: { block: 'x' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\n1\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nz\n', changed: true, msg: 'Block inserted' },
  { name: 'insertafter-bof-regex', in: 'BOF\na\n', args: { block: 'x', insertafter: 'BOF' }, out: 'BOF\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\n', changed: true, msg: 'Block inserted' },
  { name: 'insertbefore-eof-regex', in: 'a\nEOF\n', args: { block: 'x', insertbefore: 'EOF' }, out: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nEOF\n', changed: true, msg: 'Block inserted' },
  { name: 'absent-crlf-markers', in: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n', args: { state: 'absent' }, out: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n', changed: false, msg: '' },
  { name: 'cr-only-lines', in: 'a\rb\r', args: { block: 'x', insertafter: '^a' }, out: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\r', changed: true, msg: 'Block inserted' },
  { name: 'empty-block-nomarkers', in: 'a\n', args: { block: '' }, out: 'a\n', changed: false, msg: '' },
  { name: 'unicode-block', in: 'a\n', args: { block: 'äöü', marker: '# {mark} ü' }, out: 'a\n# BEGIN ü\näöü\n# END ü\n', changed: true, msg: 'Block inserted' },
];

describe('blockinfile edit (as Ansible 2.14)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const edit = blockInFile(utf8Bytes(c.in), c.args);
      expect(byteStrToText(edit.text)).toBe(c.out);
      expect(edit.changed).toBe(c.changed);
      expect(edit.msg).toBe(c.msg);
    });
  }

  it('creates a file (no content yet)', () => {
    expect(blockInFile(undefined, { block: 'x' })).toEqual({ text: BLOCK, changed: true, msg: 'File created' });
    expect(blockInFile(undefined, { block: '' })).toEqual({ text: '', changed: true, msg: 'File created' });
  });
});

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('blockinfile module', () => {
  it('inserts a block with the diff Ansible shows, then is ok', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const r = await run(blockinfile, { path, content: 'x' });
    expect(r.result).toEqual({ changed: true, msg: 'Block inserted' });
    expect(r.diff).toEqual([
      { before: 'a\n', after: `a\n${BLOCK}`, before_header: `${path} (content)`, after_header: `${path} (content)` },
    ]);
    expect(readFileSync(path, 'utf8')).toBe(`a\n${BLOCK}`);
    expect((await run(blockinfile, { dest: path, block: 'x' })).result).toEqual({ changed: false, msg: '' });
    const removed = await run(blockinfile, { path, state: 'absent' });
    expect(removed.result).toEqual({ changed: true, msg: 'Block removed' });
    expect(readFileSync(path, 'utf8')).toBe('a\n');
  });

  it('fails on a missing file unless create; absent on a missing file is ok', async () => {
    const path = join(dir, 'sub', 'new');
    expect((await run(blockinfile, { path, block: 'x' })).result).toEqual({
      failed: true,
      rc: 257,
      msg: `Path ${path} does not exist !`,
    });
    expect((await run(blockinfile, { path, state: 'absent', create: true })).result).toEqual({
      changed: false,
      msg: `File ${path} not present`,
    });
    expect((await run(blockinfile, { path: dir, block: 'x' })).result).toMatchObject({ rc: 256, msg: `Path ${dir} is a directory !` });
    const checked = await run(blockinfile, { path, block: 'x', create: true, mode: '0640' }, { check: true });
    expect(checked.result).toEqual({ changed: true, msg: 'File created' });
    const r = await run(blockinfile, { path, block: 'x', create: true, mode: '0640' });
    expect(r.result).toEqual({ changed: true, msg: 'File created and ownership, perms or SE linux context changed' });
    expect(r.diff[1]).toMatchObject({ before_header: `${path} (file attributes)` });
    expect(readFileSync(path, 'utf8')).toBe(BLOCK);
    expect(mode(path)).toBe('640');
  });

  it('backup_file only when a backup was made; attributes alone', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n', { mode: 0o644 });
    const r = await run(blockinfile, { path, block: 'x', backup: true });
    expect(readFileSync(String(r.result.backup_file), 'utf8')).toBe('a\n');
    const attrs = await run(blockinfile, { path, block: 'x', mode: '0600', backup: true });
    expect(attrs.result).toEqual({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(mode(path)).toBe('600');
  });

  it('fails validation without touching the file', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const r = await run(blockinfile, { path, block: 'x', validate: 'false %s' });
    expect(r.result).toEqual({ failed: true, msg: 'failed to validate: rc:1 error:' });
    expect(readFileSync(path, 'utf8')).toBe('a\n');
    const both = await run(blockinfile, { path, block: 'x', insertafter: 'a', insertbefore: 'b' });
    expect(both.result.msg).toBe('parameters are mutually exclusive: insertbefore|insertafter');
  });
});
