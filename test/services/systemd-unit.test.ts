// What the systemd and service modules decide from a unit's state, as a table:
// the probe's canned output (systemctl show, is-enabled) and the request in,
// the steps and the result out. The lab test (test/integration/services.test.ts)
// proves the same on real units.
import { describe, expect, it } from 'vitest';
import { parseShow, readUnit, unitPlan, type UnitRequest } from '../../src/services/systemd-unit.js';
import { ScriptedConnection } from '../host/scripted-connection.js';

const probeOutput = (show: string, enabled: string, rc: number, initd = false) =>
  `${show}\n@@tsplay-unit@@\n${enabled}\n@@tsplay-unit@@${rc}\n${initd ? 'initd\n' : ''}`;

const ACTIVE = 'Id=demo.service\nLoadState=loaded\nActiveState=active';
const INACTIVE = 'Id=demo.service\nLoadState=loaded\nActiveState=inactive';
const MISSING = 'Id=nope.service\nLoadState=not-found\nActiveState=inactive';

const cases: Array<{ name: string; out: string; req: Omit<UnitRequest, 'name' | 'flags'>; steps: string[]; result?: Record<string, unknown>; error?: RegExp }> = [
  { name: 'started, already running', out: probeOutput(ACTIVE, 'enabled', 0), req: { state: 'started' }, steps: [], result: { state: 'started' } },
  { name: 'started, inactive', out: probeOutput(INACTIVE, 'enabled', 0), req: { state: 'started' }, steps: ['systemctl start demo'] },
  { name: 'stopped, running', out: probeOutput(ACTIVE, 'enabled', 0), req: { state: 'stopped' }, steps: ['systemctl stop demo'] },
  { name: 'restarted always restarts', out: probeOutput(ACTIVE, 'enabled', 0), req: { state: 'restarted' }, steps: ['systemctl restart demo'], result: { state: 'started' } },
  { name: 'reloaded when down starts', out: probeOutput(INACTIVE, 'enabled', 0), req: { state: 'reloaded' }, steps: ['systemctl start demo'], result: { state: 'started' } },
  { name: 'enable a disabled unit', out: probeOutput(INACTIVE, 'disabled', 1), req: { enabled: true }, steps: ['systemctl enable demo'], result: { enabled: true } },
  { name: 'indirect counts as disabled', out: probeOutput(INACTIVE, 'indirect', 0), req: { enabled: false }, steps: [], result: { enabled: false } },
  { name: 'mask, then disable and stop, in that order', out: probeOutput(ACTIVE, 'enabled', 0), req: { masked: true, enabled: false, state: 'stopped' }, steps: ['systemctl mask demo', 'systemctl disable demo', 'systemctl stop demo'] },
  { name: 'a missing unit with a state', out: probeOutput(MISSING, '', 1), req: { state: 'started' }, steps: [], error: /Could not find the requested service demo: host/ },
  { name: 'an init script counts as found', out: probeOutput(MISSING, '', 1, true), req: { enabled: false }, steps: [] },
];

describe('systemd unit decisions', () => {
  it.each(cases)('$name', async (c) => {
    const conn = new ScriptedConnection([{ match: "systemctl show demo", reply: { stdout: c.out } }]);
    const req: UnitRequest = { name: 'demo', flags: [], ...c.req };
    const unit = await readUnit(conn, 'demo', []);
    if (c.error) {
      expect(() => unitPlan(req, unit)).toThrow(c.error);
      return;
    }
    const { steps, result } = unitPlan(req, unit);
    expect(steps.map((s) => s.summary)).toEqual(c.steps);
    if (c.result) expect(result).toMatchObject(c.result);
    expect(conn.done).toBe(true);
  });

  it('parses systemctl show, Exec values over several lines included', () => {
    expect(parseShow('A=1\nExecStart={ path=/bin/x ;\n argv[]=/bin/x ; }\nB= two words \n')).toEqual({
      A: '1',
      ExecStart: '{ path=/bin/x ;\n argv[]=/bin/x ; }',
      B: 'two words',
    });
  });
});
