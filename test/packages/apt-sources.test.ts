// apt's one-line sources as Ansible 2.14's apt_repository parses, names,
// adds, removes and compares them.
import { describe, expect, it } from 'vitest';
import {
  addSource,
  changedFiles,
  dumpSourcesFile,
  parseSourceLine,
  parseSourcesFile,
  removeSource,
  sourceFilePath,
  sourceOfRepo,
  suggestFilename,
} from '../../src/packages/apt-sources.js';

const LIST = '/etc/apt/sources.list';
const PARTS = '/etc/apt/sources.list.d/';

describe('apt sources lines', () => {
  it('parses and normalises lines: disabled, comments, extra spaces, other text', () => {
    expect(parseSourceLine('deb   http://a/debian  bookworm main\n')).toEqual({ valid: true, enabled: true, source: 'deb http://a/debian bookworm main', comment: '' });
    expect(parseSourceLine('#deb-src http://a/ x # note')).toEqual({ valid: true, enabled: false, source: 'deb-src http://a/ x', comment: 'note' });
    expect(parseSourceLine('# just a comment')).toMatchObject({ valid: false, enabled: false, source: 'just a comment' });
    expect(dumpSourcesFile(parseSourcesFile('#deb  http://a/ x\n\n# hello\ndeb http://b/ y #c'))).toBe('# deb http://a/ x\n\n# hello\ndeb http://b/ y # c\n');
  });

  it('accepts only enabled deb/deb-src lines as a repo', () => {
    expect(sourceOfRepo(' deb  [trusted=yes] file:/srv/r ./ ')).toBe('deb [trusted=yes] file:/srv/r ./');
    expect(sourceOfRepo('# deb http://a/ x')).toBeUndefined();
    expect(sourceOfRepo('rpm http://a/ x')).toBeUndefined();
  });

  it("names a new file as Ansible does: first word after the type, options, scheme and user dropped", () => {
    expect(suggestFilename('deb [trusted=yes] file:/srv/repo-deb ./')).toBe('file_srv_repo_deb');
    expect(suggestFilename('deb http://dl.google.com/linux/chrome/deb/ stable main')).toBe('dl_google_com_linux_chrome_deb');
    expect(suggestFilename('deb https://user:pw@repo.example.com/apt bookworm main')).toBe('repo_example_com_apt');
    expect(sourceFilePath(PARTS, 'deb http://a/ x', 'mine')).toBe('/etc/apt/sources.list.d/mine.list');
    expect(sourceFilePath(PARTS, 'deb http://a.b/c x')).toBe('/etc/apt/sources.list.d/a_b_c.list');
  });

  it('a line in any file is present (a disabled copy gets enabled); else it goes to its own file', () => {
    const files = new Map([[LIST, parseSourcesFile('deb http://a/ x\n# deb http://b/ y\n')]]);
    const same = addSource(files, 'deb http://a/ x', `${PARTS}a.list`);
    expect(same.appended).toBe(false);
    expect(changedFiles(files, same.files)).toEqual([]);
    const enabled = addSource(files, 'deb http://b/ y', `${PARTS}b.list`);
    expect(changedFiles(files, enabled.files)).toEqual([{ path: LIST, before: 'deb http://a/ x\n# deb http://b/ y\n', after: 'deb http://a/ x\ndeb http://b/ y\n' }]);
    const added = addSource(files, 'deb http://c/ z', `${PARTS}c.list`);
    expect(added.appended).toBe(true);
    expect(changedFiles(files, added.files)).toEqual([{ path: `${PARTS}c.list`, before: undefined, after: 'deb http://c/ z\n' }]);
  });

  it('absent removes enabled copies; a file left without lines goes', () => {
    const files = new Map([
      [LIST, parseSourcesFile('deb http://a/ x\n# deb http://c/ z\n')],
      [`${PARTS}c.list`, parseSourcesFile('deb http://c/ z\n')],
    ]);
    expect(changedFiles(files, removeSource(files, 'deb http://c/ z'))).toEqual([{ path: `${PARTS}c.list`, before: 'deb http://c/ z\n', after: undefined }]);
    expect(changedFiles(files, removeSource(files, 'deb http://nowhere/ x'))).toEqual([]);
  });
});
