// Expected values from `ansible -i fixtures/order.ini PATTERN --list-hosts` (ansible-core 2.14).
import { describe, expect, it } from 'vitest';
import { loadInventory, splitPatterns } from '../../src/inventory/index.js';
import { fixtures, fx } from './helpers.js';

describe('host patterns', () => {
  const inv = loadInventory([fx('order.ini')], { cwd: fixtures });
  const cases: [string, string[]][] = [
    ['all', ['z0', 'h2', 'h1', 'h4', 'h3', 'h5']],
    ['*', ['z0', 'h2', 'h1', 'h4', 'h3', 'h5']],
    ['h5:h2', ['h5', 'h2']],
    ['a:b', ['h1', 'h3', 'h5', 'h2']],
    ['a,b', ['h1', 'h3', 'h5', 'h2']],
    ['a:&b', ['h1']],
    ['a:!b', ['h3', 'h5']],
    ['!b', ['z0', 'h4', 'h3', 'h5']],
    ['&a', ['h1', 'h3', 'h5']],
    ['!a:b', ['h2']],
    ['b:!a:h3', ['h2']],
    ['all:!a', ['z0', 'h2', 'h4']],
    ['a[0]', ['h1']],
    ['a[-1]', ['h5']],
    ['a[0:1]', ['h1', 'h3']],
    ['a[1:]', ['h3', 'h5']],
    ['a[1:0]', ['h3']],
    ['a[5]', []],
    ['all[0:2]', ['z0', 'h2', 'h1']],
    ['h*', ['h2', 'h1', 'h3', 'h4', 'h5']],
    ['?1', ['h1']],
    ['c*:&b', ['h1']],
    ['~h[13]', ['h1', 'h3']],
    ['~^h', ['h2', 'h1', 'h3', 'h4', 'h5']],
    ['H1', []],
    ['nope', []],
    ['h1:h1,h2', ['h2']],
    ['localhost', ['localhost']],
    ['a:localhost', ['h1', 'h3', 'h5', 'localhost']],
    ['all:localhost', ['z0', 'h2', 'h1', 'h4', 'h3', 'h5', 'localhost']],
  ];
  for (const [pattern, hosts] of cases) {
    it(`selects ${pattern}`, () => expect(inv.selectHosts(pattern)).toEqual(hosts));
  }

  it('accepts a list of patterns', () => {
    expect(inv.selectHosts(['a', '!h1'])).toEqual(['h3', 'h5']);
  });

  it('restricts with a limit, including exclusions and @file', () => {
    expect(inv.selectHosts('all', '!b')).toEqual(['z0', 'h4', 'h3', 'h5']);
    expect(inv.selectHosts('a', 'b')).toEqual(['h1']);
    expect(inv.selectHosts('all', '@limit.txt')).toEqual(['h4', 'h3']);
    expect(inv.selectHosts('a:localhost', 'h1')).toEqual(['h1']);
    expect(() => inv.selectHosts('all', '@missing.txt')).toThrow(/Unable to find limit file/);
  });

  it('splits patterns like Ansible', () => {
    expect(splitPatterns('a:b:&c:!d')).toEqual(['a', 'b', '&c', '!d']);
    expect(splitPatterns('web[0:2]:db')).toEqual(['web[0:2]', 'db']);
    expect(splitPatterns('a:b, c')).toEqual(['a:b', 'c']);
    expect(splitPatterns('fe80::1')).toEqual(['fe80::1']);
  });
});

describe('implicit localhost', () => {
  it('is the only host without sources, and not part of all', () => {
    const inv = loadInventory([]);
    expect(inv.hostNames()).toEqual([]);
    expect(inv.selectHosts('all')).toEqual([]);
    expect(inv.selectHosts('localhost')).toEqual(['localhost']);
    expect(inv.hostVars('localhost')).toEqual({ ansible_connection: 'local' });
    expect(inv.groupNames('localhost')).toEqual([]);
    expect(inv.groupsVar()).toEqual({ all: [], ungrouped: [] });
  });

  it('gets all-group vars and group_vars/all, with local connection', () => {
    const inv = loadInventory([fx('prec/inv/hosts')]);
    expect(inv.hasHost('localhost')).toBe(false);
    const vars = inv.hostVars('localhost');
    expect(vars.ansible_connection).toBe('local');
    expect(vars.a4).toBe('inv_gv_all');
    expect(vars.a5).toBe('inv_gv_all');
    expect(vars.a1).toBeUndefined();
  });

  it('is not added when the inventory has localhost', () => {
    const inv = loadInventory(['localhost,']);
    expect(inv.selectHosts('all')).toEqual(['localhost']);
    expect(inv.hostVars('localhost').ansible_connection).toBeUndefined();
  });
});
