// Expected values were taken from `ansible-inventory -i <fixture> --list`
// and `ansible -i <fixture> localhost -m debug -a var=groups` (ansible-core 2.14).
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { expectParseError, fx, plain } from './helpers.js';

describe('INI inventory', () => {
  const inv = loadInventory([fx('vars.ini')]);

  it('reads inline host values like ast.literal_eval', () => {
    expect(plain(inv.hostVars('web01'))).toEqual({
      b: true, big: { a: [1, 'x'] }, c: 'a', d: '{k:1}', e: '', f: 1.5,
      gb: true, gl: [1, 2], gq: 'single', gs: 'quoted', gsp: 'with spaces here', gt: 'yes', gv: 5,
      h: 31, l: [1, 2], n: 5, neg: -3, o: '0644', raw: 'hello', s: 'q', sp: "it's", t: 'true', x: 'a b', y: 'yes',
    });
  });

  it('takes the port from host:port and group vars from [g:vars]', () => {
    expect(plain(inv.hostVars('db1'))).toEqual({
      ansible_host: '10.0.0.1', ansible_port: 2222,
      gb: true, gl: [1, 2], gq: 'single', gs: 'quoted', gsp: 'with spaces here', gt: 'yes', gv: 5,
    });
    expect(plain(inv.hostVars('top1'))).toEqual({ a: 1 });
  });

  it('builds groups with ranges, strides, children and implicit all/ungrouped', () => {
    expect(inv.groupsVar()).toEqual({
      all: ['top1', 'db1', 'nodea', 'nodeb', 'nodec', 'n1', 'n4', 'n7', 'n10', 'web01', 'web02', 'web03'],
      ungrouped: ['top1'],
      web: ['web01', 'web02', 'web03', 'db1'],
      db: ['db1', 'nodea', 'nodeb', 'nodec', 'n1', 'n4', 'n7', 'n10'],
      prod: ['web01', 'web02', 'web03', 'db1'],
      x: [],
      y: [],
    });
    expect(inv.hostNames()).toEqual(inv.groupsVar().all);
    expect(inv.hasHost('n4')).toBe(true);
    expect(inv.hasHost('n2')).toBe(false);
  });

  it('gives group_names sorted, without all, with ungrouped', () => {
    expect(inv.groupNames('web01')).toEqual(['prod', 'web']);
    expect(inv.groupNames('db1')).toEqual(['db', 'prod', 'web']);
    expect(inv.groupNames('top1')).toEqual(['ungrouped']);
  });

  it('orders `all` like Ansible: top-level groups first, then their children level by level', () => {
    const order = loadInventory([fx('order.ini')]);
    expect(order.hostNames()).toEqual(['z0', 'h2', 'h1', 'h4', 'h3', 'h5']);
    expect(order.groupsVar().c).toEqual(['h1', 'h3', 'h5']);
  });
});

describe('INI errors', () => {
  const cases: [string, RegExp, number][] = [
    ['novalue.ini', /Expected key=value host variable assignment, got: novalue/, 2],
    ['section.ini', /Section \[web:foo\] has unknown type: foo/, 1],
    ['range.ini', /Invalid host range in 'h\[1:x\]'/, 2],
    ['vareq.ini', /Expected key=value, got: noeq/, 4],
    ['badsection.ini', /Invalid section entry: '\[a b\]'/, 1],
    ['quote.ini', /Error parsing host definition .*No closing quotation/, 2],
    ['orphanvars.ini', /Section \[orphan:vars\] not valid for undefined group: orphan/, 1],
    ['orphanchild.ini', /Section \[p:children\] includes undefined group: zz/, 2],
  ];
  for (const [file, message, line] of cases) {
    it(`reports ${file} with file and line`, () => {
      expectParseError(() => loadInventory([fx(`errors/${file}`)]), message, fx(`errors/${file}`), line);
    });
  }

  it('reports a missing inventory file by path', () => {
    expectParseError(() => loadInventory([fx('nope.ini')]), /nope\.ini/, fx('nope.ini'), 1);
  });
});
