// Precedence verified with ansible-playbook -i fixtures/prec/inv/hosts prec/pb/play.yml
// printing every variable (ansible-core 2.14); directory and host-list sources
// verified with ansible-inventory --list.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { fixtures, fx, plain } from './helpers.js';

describe('variable precedence', () => {
  it('merges inventory, group_vars and host_vars beside inventory and playbook', () => {
    const inv = loadInventory([fx('prec/inv/hosts')]);
    expect(plain(inv.hostVars('h1', [fx('prec/pb')]))).toEqual({
      a1: 'hostline', // inventory host var beats [web:vars]
      a2: 'grpline', // child group beats [all:vars]
      a3: 'inv_gv_all', // group_vars/all beats inventory-file group vars
      a4: 'pb_gv_all', // playbook group_vars/all beats inventory's
      a5: 'inv_gv_web', // group_vars/web beats group_vars/all
      a6: 'pb_gv_web',
      a7: 'pb_gv_web', // playbook group_vars/web beats inventory's (dir form 01, 02)
      a8: 'pb_gv_web',
      b1: 'inv_hv', // host_vars beat inventory host vars
      b2: 'pb_hv', // playbook host_vars (file without extension) beat inventory's
      b3: 'pb_hv',
      d: { yy: 2 }, // dicts are replaced, not merged
      k: 'invall',
      kp: 'zedline', // same depth: by name
      kz: 'aaaline', // ansible_group_priority beats name
      pr: 'aaa',
      z: 1,
    });
    expect(inv.hostVars('h1').ansible_group_priority).toBeUndefined();
  });

  it('resolves relative playbook dirs against cwd', () => {
    const inv = loadInventory(['prec/inv/hosts'], { cwd: fixtures });
    expect(inv.hostVars('h1', ['prec/pb']).b3).toBe('pb_hv');
    expect(inv.hostVars('h1').inventory_file).toBe(fx('prec/inv/hosts'));
  });
});

describe('sources', () => {
  it('reads a directory, skipping hidden files, .ini/.retry and vars dirs', () => {
    const inv = loadInventory([fx('dir')]);
    expect(inv.groupsVar()).toEqual({ all: ['fromyml', 'fromplain', 'fromsub'], ungrouped: ['fromyml'], w: ['fromplain', 'fromsub'] });
    expect(plain(inv.hostVars('fromsub'))).toEqual({ gv: 1 });
    expect(plain(inv.hostVars('fromyml'))).toEqual({});
  });

  it('reads a comma host list with ports', () => {
    const inv = loadInventory(['10.0.0.5:2200,h2,']);
    expect(inv.groupsVar()).toEqual({ all: ['10.0.0.5', 'h2'], ungrouped: ['10.0.0.5', 'h2'] });
    expect(inv.hostVars('10.0.0.5')).toEqual({ ansible_port: 2200 });
  });

  it('combines several sources', () => {
    const inv = loadInventory([fx('order.ini'), 'extra1,']);
    expect(inv.hostNames()).toEqual(['z0', 'extra1', 'h2', 'h1', 'h4', 'h3', 'h5']);
  });
});
