// A dry run's memory of earlier planned changes (PlannedChanges), and how a
// unit that is not there yet is judged from it (plannedUnit).
import { describe, expect, it } from 'vitest';
import { PlannedChanges } from '../../src/executor/planned-changes.js';
import { plannedUnit, unitCreates, type UnitStatus } from '../../src/services/systemd-unit.js';

const MISSING: UnitStatus = { status: { LoadState: 'not-found', ActiveState: 'inactive' }, found: false, enabled: false, masked: false };

describe('planned changes', () => {
  it('answers by the first task that would make a target', () => {
    const p = new PlannedChanges();
    p.record([{ kind: 'package', key: 'kubelet' }], 'node : Install');
    p.record([{ kind: 'package', key: 'kubelet' }, { kind: 'file', key: '/etc/x' }], 'later');
    expect(p.by('package', 'kubelet')).toBe('node : Install');
    expect(p.by('file', '/etc/x')).toBe('later');
    expect(p.by('unit', 'kubelet')).toBeUndefined();
    expect(p.any('file', (f) => f.startsWith('/etc/'))).toBe('later');
    expect(p.any('unit')).toBeUndefined();
  });

  it('takes a missing unit as new when its file or a package would be made, else leaves it missing', () => {
    const p = new PlannedChanges();
    expect(plannedUnit('demo', MISSING, p)).toEqual({ unit: MISSING });
    expect(plannedUnit('demo', MISSING, undefined)).toEqual({ unit: MISSING });
    p.record([{ kind: 'file', key: '/etc/systemd/system/demo.service' }], 'write unit');
    expect(plannedUnit('demo', MISSING, p)).toMatchObject({ unit: { found: true, enabled: false, status: { ActiveState: 'inactive' } }, dependsOn: 'write unit' });
    const q = new PlannedChanges();
    q.record([{ kind: 'package', key: 'kubelet' }], 'install');
    expect(plannedUnit('kubelet', MISSING, q).dependsOn).toBe('install');
  });

  it('remembers a unit that the steps start, restart or enable', () => {
    expect(unitCreates('etcd', [{ summary: 'systemctl restart etcd', command: ['systemctl', 'restart', 'etcd'] }])).toEqual([{ kind: 'unit', key: 'etcd' }]);
    expect(unitCreates('etcd', [{ summary: 'systemctl enable etcd', command: ['systemctl', 'enable', 'etcd'] }])).toEqual([{ kind: 'unit', key: 'etcd' }]);
    expect(unitCreates('etcd', [{ summary: 'systemctl stop etcd', command: ['systemctl', 'stop', 'etcd'] }])).toEqual([]);
  });
});
