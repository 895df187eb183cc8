// The .repo file as Ansible's yum_repository reads, writes and compares it
// (expected texts from Python's RawConfigParser and Ansible 2.14's dump()).
import { describe, expect, it } from 'vitest';
import { dumpRepoFile, parseRepoFile, renderRepoFile, repoSection, withSection, withoutSection } from '../../src/packages/yum-repo-file.js';

const HAND_WRITTEN = `# comment
[base]
Name=Base  
baseurl = http://a/x
   http://b/y

enabled:1
; another
[other]
gpgkey = k1
\tk2
`;

describe('yum .repo files', () => {
  it('reads as RawConfigParser does: comments dropped, keys lower-cased, continuation lines joined', () => {
    const file = parseRepoFile(HAND_WRITTEN);
    expect(file.sections).toEqual([
      { name: 'base', items: [['name', 'Base'], ['baseurl', 'http://a/x\nhttp://b/y'], ['enabled', '1']] },
      { name: 'other', items: [['gpgkey', 'k1\nk2']] },
    ]);
  });

  it('writes as RawConfigParser does: `key = value`, continuation with a tab, a blank line after each section', () => {
    const file = withSection(parseRepoFile(HAND_WRITTEN), { name: 'new', items: [['baseurl', 'u1\nu2'], ['enabled', '1']] });
    expect(renderRepoFile(file)).toBe(
      '[base]\nname = Base\nbaseurl = http://a/x\n\thttp://b/y\nenabled = 1\n\n[other]\ngpgkey = k1\n\tk2\n\n[new]\nbaseurl = u1\n\tu2\nenabled = 1\n\n',
    );
  });

  it("builds Ansible's section: keys sorted, booleans 0/1, description as name, lists joined", () => {
    const section = repoSection('epel', {
      description: 'EPEL',
      baseurl: ['http://a/x', 'http://b/y'],
      gpgcheck: false,
      enabled: true,
      exclude: ['a', 'b'],
      priority: '10',
      sslverify: false,
      ssl_check_cert_permissions: true,
      module_hotfixes: true,
      metadata_expire: undefined,
    });
    expect(renderRepoFile({ defaults: [], sections: [section] })).toBe(
      '[epel]\nbaseurl = http://a/x\n\thttp://b/y\nenabled = 1\nexclude = a b\ngpgcheck = 0\nmodule_hotfixes = 1\nname = EPEL\n' +
        'priority = 10\nssl_check_cert_permissions = 1\nsslverify = 0\n\n',
    );
  });

  it("compares by Ansible's dump: sections and keys sorted, so a reformatted file is unchanged", () => {
    const written = parseRepoFile('[b]\nz = 1\na = 2\n\n[a]\nname = x\n');
    const reformatted = parseRepoFile('[a]\nname=x\n[b]\na: 2\nz =1\n');
    expect(dumpRepoFile(written)).toBe('[a]\nname = x\n\n[b]\na = 2\nz = 1\n\n');
    expect(dumpRepoFile(reformatted)).toBe(dumpRepoFile(written));
  });

  it('replacing a section moves it last; removing the last one leaves an empty file', () => {
    const file = parseRepoFile('[a]\nname = x\n[b]\nname = y\n');
    expect(withSection(file, { name: 'a', items: [['name', 'z']] }).sections.map((s) => s.name)).toEqual(['b', 'a']);
    expect(withoutSection(withoutSection(file, 'a'), 'b').sections).toEqual([]);
  });

  it('[DEFAULT] is written first and merged into the dump of each section', () => {
    const file = parseRepoFile('[main]\nname = m\n[DEFAULT]\nenabled = 0\n');
    expect(renderRepoFile(file)).toBe('[DEFAULT]\nenabled = 0\n\n[main]\nname = m\n\n');
    expect(dumpRepoFile(file)).toBe('[main]\nenabled = 0\nname = m\n\n');
  });

  it('refuses what configparser refuses', () => {
    expect(() => parseRepoFile('name = x\n')).toThrow(/no section header/);
    expect(() => parseRepoFile('[a]\n[a]\n')).toThrow(/already exists/);
    expect(() => parseRepoFile('[a]\nx = 1\nX = 2\n')).toThrow(/already exists/);
    expect(() => parseRepoFile('[a]\njust words\n')).toThrow(/cannot parse/);
  });
});
