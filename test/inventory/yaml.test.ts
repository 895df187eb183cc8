// Expected values from `ansible-inventory -i fixtures/groups.yml --list` (ansible-core 2.14).
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { expectParseError, fx, plain } from './helpers.js';

describe('YAML inventory', () => {
  const inv = loadInventory([fx('groups.yml')]);

  it('builds nested groups, ranges and ungrouped', () => {
    expect(inv.groupsVar()).toEqual({
      all: ['top', 'web1', 'web2', 'dba', 'dbb', 'o1', 'in1'],
      ungrouped: ['web2'],
      web: ['web1', 'top', 'in1'],
      inner: ['in1'],
      db: ['dba', 'dbb'],
      other: ['o1'],
    });
    expect(inv.groupNames('in1')).toEqual(['inner', 'web']);
    expect(inv.groupNames('o1')).toEqual(['other']);
  });

  it('merges group and host vars (YAML 1.1 octal included)', () => {
    expect(plain(inv.hostVars('top'))).toEqual({ av: 'all', v: 1, wv: 420 });
    expect(plain(inv.hostVars('web1'))).toEqual({ av: 'all', wv: 420, x: 1 });
    expect(plain(inv.hostVars('web2'))).toEqual({ av: 'all' });
    expect(plain(inv.hostVars('in1'))).toEqual({ av: 'all', wv: 420 });
    expect(inv.hostVars('in1').inventory_file).toBe(fx('groups.yml'));
  });

  const cases: [string, RegExp, number][] = [
    ['hostslist.yml', /Invalid "hosts" entry for "all" group, requires a dictionary/, 2],
    ['toplist.yml', /should be a dictionary/, 1],
    ['badkey.yml', /Unexpected key 'bogus' in group 'all'/, 2],
    ['badrange.yml', /equal-length/, 3],
  ];
  for (const [file, message, line] of cases) {
    it(`reports ${file} with file and line`, () => {
      expectParseError(() => loadInventory([fx(`errors/${file}`)]), message, fx(`errors/${file}`), line);
    });
  }
});
