// debconf, dpkg_selections and sysvinit: what they read and decide, and
// the commands they send (scripted connections; lab runs are in
// test/integration/ssh-cases).
import { describe, expect, it } from 'vitest';
import debconf from '../../modules/debconf.js';
import dpkgSelections from '../../modules/dpkg_selections.js';
import sysvinit from '../../modules/sysvinit.js';
import { parseDebconfShow } from '../../src/debian/debconf.js';
import { readStatusOutput, stateVerb } from '../../src/sysvinit/sysv-status.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import type { Module } from '../../src/module-api/module-types.js';
import type { ExecOptions } from '../../src/connection/connection.js';
import { ScriptedConnection, type Expectation } from '../host/scripted-connection.js';
import { makeContext } from './module-harness.js';

async function run(module: Module<any, any>, args: Record<string, unknown>, script: Expectation[], options: { check?: boolean; diff?: boolean } = {}) {
  const conn = new ScriptedConnection(script);
  const stdins: (string | undefined)[] = [];
  const exec = conn.exec.bind(conn);
  conn.exec = async (command: string, o?: ExecOptions) => {
    stdins.push(o?.stdin?.toString());
    return exec(command, o);
  };
  const checked = checkArgs(module, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = { ...makeContext(checked.args as never, options), conn };
  const out = await planAndApply(module, ctx, options.check ?? false);
  return { ...out, conn, stdins };
}

describe('debconf', () => {
  it("parses debconf-show's answers (the seen mark dropped)", () => {
    expect(parseDebconfShow('* tzdata/Areas: Europe\n  tzdata/Zones/Etc: UTC\n  pkg/x: a: b\n')).toEqual({
      'tzdata/Areas': 'Europe',
      'tzdata/Zones/Etc': 'UTC',
      'pkg/x': 'a: b',
    });
  });

  it('sets a changed answer with debconf-set-selections on stdin; the current value is as Ansible reports it', async () => {
    const r = await run(debconf, { name: 'tzdata', question: 'tzdata/Areas', vtype: 'select', value: 'Asia', unseen: true }, [
      { match: 'debconf-show tzdata', reply: { stdout: '* tzdata/Areas: Europe\n' } },
      { match: 'debconf-set-selections -u', reply: { stdout: '' } },
    ], { diff: true });
    expect(r.stdins[1]).toBe('tzdata tzdata/Areas select Asia');
    expect(r.applied!.result).toMatchObject({ changed: true, current: { 'tzdata/Areas': 'Asia' }, previous: { 'tzdata/Areas': 'Europe' } });
    expect(r.plan.diff![0]!.before).toContain('"tzdata/Areas": "Europe"');
  });

  it('compares booleans case-blind, and hides a password everywhere but on stdin', async () => {
    const same = await run(debconf, { name: 'p', question: 'p/on', vtype: 'boolean', value: 'True' }, [{ match: 'debconf-show p', reply: { stdout: '  p/on: true\n' } }]);
    expect(same.plan.changed).toBe(false);
    const pw = await run(debconf, { name: 'p', question: 'p/pw', vtype: 'password', value: 's3cret' }, [
      { match: 'debconf-show p', reply: { stdout: '' } },
      { match: 'debconf-set-selections', reply: {} },
    ], { diff: true });
    expect(JSON.stringify([pw.applied!.result, pw.plan.diff, pw.conn.sent])).not.toContain('s3cret');
    expect(pw.stdins[1]).toBe('p p/pw password s3cret');
  });

  it('needs question, vtype and value together', async () => {
    await expect(run(debconf, { name: 'p', question: 'p/x' }, [])).rejects.toThrow('parameters are required together: question, vtype, value');
  });
});

describe('dpkg_selections', () => {
  it('reads the selection, sets it on stdin; a package dpkg does not know is "not present"', async () => {
    const r = await run(dpkgSelections, { name: 'bash', selection: 'hold' }, [
      { match: "dpkg --get-selections bash", reply: { stdout: 'bash\t\t\t\t\tinstall\n' } },
      { match: 'dpkg --set-selections', reply: {} },
    ]);
    expect(r.stdins[1]).toBe('bash hold');
    expect(r.applied!.result).toEqual({ changed: true, before: 'install', after: 'hold' });
    const none = await run(dpkgSelections, { name: 'nope', selection: 'purge' }, [{ match: 'dpkg --get-selections nope', reply: { stdout: '', stderr: 'dpkg: no packages found matching nope\n' } }], { check: true });
    expect(none.plan.result).toEqual({ changed: true, before: 'not present', after: 'purge' });
  });
});

describe('sysvinit', () => {
  it.each([
    ['is running', 0, 'foo is running\n', true],
    ['not running', 3, 'foo is not running\n', false],
    ['inactive', 0, 'inactive\n', false],
    ['silent rc 3', 3, '', false],
    ['silent rc 0', 0, '', true],
    ['many lines, rc 3', 3, 'a\nb\nc\n', false],
  ] as const)('status output: %s', (_n, rc, out, started) => {
    expect(readStatusOutput('foo', rc, out)[1]).toBe(started);
  });

  it.each([
    ['started', false, 'start'],
    ['started', true, undefined],
    ['stopped', true, 'stop'],
    ['stopped', false, undefined],
    ['restarted', false, 'restart'],
    ['reloaded', false, 'reload'],
    ['reloaded', true, 'reload'],
  ] as const)('%s when started=%s: %s', (state, started, verb) => {
    expect(stateVerb(state, started)).toBe(verb);
  });

  it('enables with update-rc.d defaults and starts the script with its arguments split as a command line', async () => {
    const r = await run(sysvinit, { name: 'svc', state: 'started', enabled: true, arguments: "a 'b c'" }, [
      { match: '/etc/init.d/svc', reply: { stdout: '@tool update-rc.d\n@status 3\nsvc is not running\n' } },
      { match: 'update-rc.d svc defaults', reply: { stdout: '' } },
      { match: `/etc/init.d/svc start a '"'"'b c'"'"'`, reply: { stdout: 'ok\n' } },
    ]);
    expect(r.conn.done).toBe(true);
    expect(r.applied!.result).toMatchObject({
      name: 'svc',
      changed: true,
      status: { enabled: { changed: true, rc: 0 }, started: { changed: true, rc: 0, stdout: 'ok\n' } },
    });
  });

  it('per runlevel: changed when any differs; check mode leaves rc null', async () => {
    const r = await run(sysvinit, { name: 'svc', enabled: false, runlevels: [2, 3] }, [{ match: 'rc2.d', reply: { stdout: '@enabled 2\n@tool update-rc.d\n@status 0\nrunning\n' } }], {
      check: true,
    });
    expect(r.plan.result).toEqual({
      name: 'svc',
      changed: true,
      status: { enabled: { changed: true, rc: null, stdout: null, stderr: null, runlevels: ['2', '3'] }, null: { changed: false, rc: null, stdout: null, stderr: null } },
    });
    await expect(run(sysvinit, { name: 'nope', state: 'started' }, [{ match: 'nope', reply: { stdout: '@missing\n' } }])).rejects.toThrow(
      'Could not find the requested service nope: ',
    );
  });
});
