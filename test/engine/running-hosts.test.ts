// The magic variables that are the same for every host (groups, group_names,
// ansible_play_hosts, ansible_play_batch) are made once and shared by all
// hosts, not copied per host and task (O(hosts^2) a task at 1,000 hosts):
// the lists are made again only when a host fails, ends or is rescued, and a
// template that changes what it read changes only its own copy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunningHosts } from '../../src/executor/running-hosts.js';
import { loadInventory } from '../../src/inventory/index.js';
import { tsplay } from '../cli-helpers.js';

describe('RunningHosts', () => {
  const setup = () => {
    const running = new RunningHosts();
    const states = new Map(['a', 'b', 'c'].map((h) => [h, running.state(h, { notified: new Set<string>() })]));
    let batch = ['a', 'b', 'c'];
    const list = running.list(() => batch, (h) => states.get(h));
    return { states, list, setBatch: (b: string[]) => (batch = b) };
  };

  it('hands out the same list until a host fails, ends or recovers', () => {
    const { states, list } = setup();
    const first = list();
    expect(first).toEqual(['a', 'b', 'c']);
    expect(list()).toBe(first);
    states.get('b')!.failed = true;
    const second = list();
    expect(second).toEqual(['a', 'c']);
    expect(list()).toBe(second);
    states.get('b')!.failed = true; // no change: the same list
    expect(list()).toBe(second);
    states.get('b')!.failed = false; // rescued
    expect(list()).toEqual(['a', 'b', 'c']);
    states.get('c')!.ended = true;
    expect(list()).toEqual(['a', 'b']);
    expect(states.get('c')!.ended).toBe(true);
    expect(states.get('c')!.notified).toBeInstanceOf(Set);
  });

  it('makes the list again for another list of hosts (the next serial batch)', () => {
    const { list, setBatch } = setup();
    expect(list()).toEqual(['a', 'b', 'c']);
    setBatch(['c']);
    expect(list()).toEqual(['c']);
  });
});

describe('inventory groups', () => {
  it('are worked out once and shared', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-groups-'));
    try {
      writeFileSync(join(dir, 'hosts.ini'), 'lone\n[web]\nw1\nw2\n');
      const inv = loadInventory([join(dir, 'hosts.ini')]);
      const groups = inv.groupsVar();
      expect(groups).toEqual({ all: ['lone', 'w1', 'w2'], ungrouped: ['lone'], web: ['w1', 'w2'] });
      expect(inv.groupsVar()).toBe(groups);
      expect(inv.groupNames('w1')).toEqual(['web']);
      expect(inv.groupNames('w1')).toBe(inv.groupNames('w1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('in a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-running-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a failed host out of the play hosts, and a change a template makes stays in its copy', () => {
    writeFileSync(join(dir, 'hosts.ini'), ['a ansible_connection=local', 'b ansible_connection=local', 'c ansible_connection=local'].join('\n'));
    writeFileSync(
      join(dir, 'play.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: b fails',
        '      fail: msg=boom',
        "      when: inventory_hostname == 'b'",
        '    - name: show',
        "      debug: msg=\"{{ ansible_play_hosts | join(',') }} {{ ansible_play_batch | join(',') }} {{ groups.all | join(',') }} {{ group_names | join(',') }}\"",
        '    - name: change what was read',
        "      debug: msg=\"{{ ansible_play_hosts.append('zz') }}{{ groups.all.append('zz') }}{{ group_names.append('zz') }}\"",
        '    - name: show again',
        "      debug: msg=\"{{ ansible_play_hosts | join(',') }} {{ ansible_play_batch | join(',') }} {{ groups.all | join(',') }} {{ group_names | join(',') }}\"",
        '',
      ].join('\n'),
    );
    const res = tsplay(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini')]);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    const msgs = [...res.stdout.matchAll(/"msg": "([^"]*)"/g)].map((m) => m[1]);
    // show (a, c), change (a, c: prints nothing), show again (a, c): b failed at the first task.
    expect(msgs.filter((m) => m !== 'boom' && m !== '')).toEqual([
      'a,c a,c a,b,c ungrouped',
      'a,c a,c a,b,c ungrouped',
      'a,c a,c a,b,c ungrouped',
      'a,c a,c a,b,c ungrouped',
    ]);
  });
});
