// The actions that need the engine: add_host/group_by (inventory changes and
// their `changed`), pause (display, prompt, no terminal), set_stats,
// validate_argument_spec, gather_facts, async jobs with async_status, and the
// terminal key reader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import addHost from '../../modules/add_host.js';
import groupBy from '../../modules/group_by.js';
import pause from '../../modules/pause.js';
import setStats from '../../modules/set_stats.js';
import validateArgumentSpec from '../../modules/validate_argument_spec.js';
import gatherFactsModule from '../../modules/gather_facts.js';
import asyncStatus from '../../modules/async_status.js';
import { findModule } from '../../modules/index.js';
import { loadInventory } from '../../src/inventory/index.js';
import { applyInventoryChange } from '../../src/executor/inventory-changes.js';
import { controllerUi } from '../../src/executor/controller-ui.js';
import { runAsync } from '../../src/executor/async-task.js';
import type { RunContext } from '../../src/executor/context.js';
import type { RunEvent } from '../../src/output/events.js';
import type { ControllerUi, InventoryChange } from '../../src/module-api/module-types.js';
import { LocalConnection } from '../../src/connection/local.js';
import { makeContext, runModule } from '../modules/module-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-engine-actions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeRun(): { run: RunContext; events: RunEvent[] } {
  const file = join(dir, `inv-${Math.random()}.ini`);
  writeFileSync(file, '[web]\nh1\nh2\n');
  const events: RunEvent[] = [];
  const run = { inventory: loadInventory([file]), reporter: { emit: (e: RunEvent) => events.push(e), close() {} } } as unknown as RunContext;
  return { run, events };
}

describe('add_host and group_by', () => {
  it('are registered, run on the controller, add_host once per task', () => {
    expect(findModule('ansible.builtin.add_host')).toBe(addHost);
    expect(findModule('group_by')).toBe(groupBy);
    expect(addHost.bypassHostLoop).toBe(true);
    expect(groupBy.bypassHostLoop).toBeUndefined();
  });

  it('add_host returns what Ansible returns: name:port split, groups from a comma list, other keys as variables', async () => {
    const r = await runModule(addHost, { hostname: 'db1:2222', groups: 'a, b,a', color: 'red', group: 'x' });
    expect(r.changed).toBe(false);
    expect(r.result.add_host).toEqual({ host_name: 'db1', groups: ['a', 'b'], host_vars: { color: 'red', group: 'x', ansible_ssh_port: 2222 } });
    await expect(runModule(addHost, { groups: 'a' })).rejects.toThrow('name, host or hostname needs to be provided');
  });

  it('group_by turns spaces into dashes, parents default to all', async () => {
    expect((await runModule(groupBy, { key: 'os Debian 12' })).result).toMatchObject({ add_group: 'os-Debian-12', parent_groups: ['all'] });
    expect((await runModule(groupBy, { key: 'k', parents: 'p q' })).result).toMatchObject({ parent_groups: ['p-q'] });
  });

  it('changes the inventory, changed only when something is new', () => {
    const { run, events } = fakeRun();
    const add: InventoryChange = { kind: 'add_host', name: 'new1', groups: ['dyn'], vars: { v: 1 } };
    expect(applyInventoryChange(run, 'h1', add)).toBe(true);
    expect(applyInventoryChange(run, 'h1', add)).toBe(false);
    expect(applyInventoryChange(run, 'h1', { ...add, groups: [] , vars: {} })).toBe(false);
    expect(applyInventoryChange(run, 'h1', { ...add, vars: { v: 2 } })).toBe(true);
    const inv = run.inventory;
    expect(inv.selectHosts('dyn')).toEqual(['new1']);
    expect(inv.hostVars('new1')).toMatchObject({ v: 2 });
    expect(inv.groupNames('new1')).toEqual(['dyn']);
    expect(inv.groupsVar().ungrouped).toEqual([]);

    const by: InventoryChange = { kind: 'group_by', group: 'members', parents: ['all'] };
    expect(applyInventoryChange(run, 'h1', by)).toBe(true);
    expect(applyInventoryChange(run, 'h2', by)).toBe(true);
    expect(applyInventoryChange(run, 'h2', by)).toBe(false);
    expect(applyInventoryChange(run, 'h2', { ...by, parents: ['parent-one'] })).toBe(true);
    expect(inv.groupNames('h2')).toEqual(['members', 'parent-one', 'web']);
    expect(inv.selectHosts('parent-one')).toEqual(['h1', 'h2']);
    // a group name Ansible finds invalid: one warning for the run
    applyInventoryChange(run, 'h1', { kind: 'group_by', group: 'a-b', parents: ['all'] });
    expect(events.filter((e) => e.kind === 'warning')).toHaveLength(1);
  });
});

function fakeUi(interactive: boolean, typed = ''): { ui: ControllerUi; shown: string[] } {
  const shown: string[] = [];
  return {
    shown,
    ui: {
      display: (t) => shown.push(t),
      warn: (m) => shown.push(`[WARNING]: ${m}`),
      interactive: () => interactive,
      readKeys: async () => typed,
    },
  };
}

describe('pause', () => {
  it('without a terminal, a prompt is not waited for (the warning), in minutes', async () => {
    const { ui, shown } = fakeUi(false);
    const plan = await pause.plan({ ...makeContext({ prompt: 'Go?', echo: true }), ui });
    expect(shown).toEqual(['[test]\nGo?:', '[WARNING]: Not waiting for response to prompt as stdin is not interactive']);
    expect(plan.result).toMatchObject({ user_input: '', echo: true, rc: 0, stderr: '', delta: 0, stdout: 'Paused for 0.0 minutes' });
  });

  it('on a terminal, returns what was typed; echo off says so', async () => {
    const { ui, shown } = fakeUi(true, 'secret');
    const plan = await pause.plan({ ...makeContext({ echo: false }), ui });
    expect(shown).toEqual(['[test]\nPress enter to continue, Ctrl+C to interrupt (output is hidden):']);
    expect(plan.result).toMatchObject({ user_input: 'secret', echo: false });
  });

  it('a timed pause waits at least a second and says how', async () => {
    const { ui, shown } = fakeUi(false);
    const plan = await pause.plan({ ...makeContext({ seconds: 0.4, echo: true }), ui });
    expect(shown[0]).toBe("Pausing for 1 seconds\n(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r");
    expect(plan.result?.delta).toBeGreaterThanOrEqual(0);
    expect(String(plan.result?.stdout)).toMatch(/^Paused for \d+\.\d+ seconds$/);
    expect(pause.bypassHostLoop).toBe(true);
  }, 20_000);

  it('refuses minutes with seconds', async () => {
    await expect(runModule(pause, { minutes: 1, seconds: 1 })).rejects.toThrow(/mutually exclusive|minutes/);
  });
});

describe('the terminal key reader', () => {
  function tty(): NodeJS.ReadStream {
    const raw: boolean[] = [];
    const s = Object.assign(new PassThrough(), { isTTY: true, raw, setRawMode: (b: boolean) => raw.push(b) });
    return s as unknown as NodeJS.ReadStream;
  }
  const out = (): NodeJS.WriteStream & { text: string } => {
    const o = { text: '', write: (t: string | Buffer) => ((o.text += String(t)), true) };
    return o as unknown as NodeJS.WriteStream & { text: string };
  };

  it('reads a line with backspace and echo, in raw mode then back', async () => {
    const stdin = tty();
    const stdout = out();
    const ui = controllerUi({ emit() {}, close() {} }, stdin, stdout);
    const line = ui.readKeys({ line: true, echo: true });
    stdin.write(Buffer.from('héllo\x7f!\r'));
    expect(await line).toBe('héll!');
    expect((stdin as unknown as { raw: boolean[] }).raw).toEqual([true, false]);
    expect(stdout.text).toContain('hé');
  });

  it('Ctrl+C then A aborts, then C continues', async () => {
    const events: RunEvent[] = [];
    const reporter = { emit: (e: RunEvent) => events.push(e), close() {} };
    const stdin = tty();
    const ui = controllerUi(reporter, stdin, out());
    const aborted = ui.readKeys({ line: false, echo: false, timeoutMs: 60_000 });
    stdin.write(Buffer.from('x\x03a'));
    await expect(aborted).rejects.toThrow('user requested abort!');
    expect(events).toEqual([{ kind: 'display', text: "Press 'C' to continue the play or 'A' to abort \r" }]);
    const continued = ui.readKeys({ line: true, echo: false });
    stdin.write(Buffer.from('ab\x03C'));
    expect(await continued).toBe('ab');
  });

  it('a timed read ends by itself', async () => {
    const ui = controllerUi({ emit() {}, close() {} }, tty(), out());
    expect(await ui.readKeys({ line: false, echo: false, timeoutMs: 50 })).toBe('');
  });
});

describe('set_stats, validate_argument_spec, gather_facts', () => {
  it('set_stats returns ansible_stats with its defaults, refuses bad names and non-dicts', async () => {
    expect((await runModule(setStats, { data: { a: 1 } })).result.ansible_stats).toEqual({ data: { a: 1 }, per_host: false, aggregate: true });
    expect((await runModule(setStats, { data: { a: 1 }, per_host: 'yes', aggregate: 'no' })).result.ansible_stats).toMatchObject({ per_host: true, aggregate: false });
    await expect(runModule(setStats, { data: { '1a': 1 } })).rejects.toThrow("The variable name '1a' is not valid");
    await expect(runModule(setStats, { data: [1] })).rejects.toThrow("The 'data' option needs to be a dictionary/hash");
  });

  it('validate_argument_spec checks variables with provided arguments over them', async () => {
    const spec = { port: { type: 'int', required: true }, mode: { type: 'str', choices: ['a', 'b'] } };
    const ok = await runModule(validateArgumentSpec, { argument_spec: spec, provided_arguments: { mode: 'a' } }, { vars: { port: 80 } });
    expect(ok.result).toMatchObject({ msg: 'The arg spec validation passed', validate_args_context: {} });
    const bad = await runModule(validateArgumentSpec, { argument_spec: spec, provided_arguments: { mode: 'c' } });
    expect(bad.result.failed).toBe(true);
    expect(bad.result.argument_errors).toEqual(['missing required arguments: port', 'value of mode must be one of: a, b, got: c']);
    expect(bad.result.argument_spec_data).toEqual(spec);
  });

  it('gather_facts takes setup options and parallel', async () => {
    const r = await runModule(gatherFactsModule, { parallel: true, gather_subset: ['min'], filter: 'ansible_system' });
    expect(r.result.ansible_facts).toMatchObject({ ansible_system: 'Linux' });
    await expect(runModule(gatherFactsModule, { nope: 1 })).rejects.toThrow();
  }, 30_000);
});

describe('async jobs and async_status', () => {
  const home = mkdtempSync(join(tmpdir(), 'tsplay-async-home-'));
  // The local connection's commands run with this HOME: the status files land there.
  const conn = new LocalConnection('localhost');
  // A job that ran out of time may still be writing its status through the
  // connection (a busy machine): the connection ends first, then the directory goes.
  afterAll(async () => {
    await conn.close();
    rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });
  const withHome = { host: 'localhost', exec: (c: string, o?: { stdin?: string | Buffer }) => conn.exec(`HOME=${home}; export HOME; ${c}`, o), close: () => conn.close() };
  const statusOn = async (jid: string, mode = 'status') => {
    const ctx = { ...makeContext({ jid, mode: mode as 'status' }), conn: withHome };
    try {
      return (await asyncStatus.plan(ctx)).result!;
    } catch (e) {
      return { failed: true, msg: (e as Error).message, ...(e as { result: object }).result };
    }
  };

  it('poll 0 returns the job at once; async_status reads it running, then finished; cleanup erases it', async () => {
    const events: RunEvent[] = [];
    const run = { reporter: { emit: (e: RunEvent) => events.push(e), close() {} } } as unknown as RunContext;
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const started = await runAsync({
      run, host: 'h1', conn: withHome, seconds: 60, poll: 0,
      work: async () => {
        await gate;
        return { status: 'changed', ignored: false, diff: [], noLog: false, result: { changed: true, rc: 0, stdout: 'hi' } };
      },
    });
    expect(started.status).toBe('changed');
    const jid = String(started.result.ansible_job_id);
    expect(jid).toMatch(/^j\d{12}\.\d+$/);
    expect(started.result).toMatchObject({ started: 1, finished: 0, failed: 0, changed: true, results_file: join(home, '.ansible_async', jid) });
    expect(await statusOn(jid)).toMatchObject({ started: 1, finished: 0, ansible_job_id: jid });
    finish();
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 100 && done.finished !== 1; i++) {
      done = await statusOn(jid);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done).toMatchObject({ finished: 1, changed: true, stdout: 'hi', ansible_job_id: jid });
    expect(await statusOn(jid, 'cleanup')).toMatchObject({ erased: join(home, '.ansible_async', jid), started: 0, finished: 0 });
    expect(await statusOn(jid)).toMatchObject({ failed: true, msg: 'could not find job', started: 1, finished: 1 });
    expect(events).toEqual([]);
  }, 30_000);

  it('polled: the job finishes (ASYNC OK, file removed) or runs out of time (ASYNC FAILED)', async () => {
    const events: RunEvent[] = [];
    const run = { reporter: { emit: (e: RunEvent) => events.push(e), close() {} } } as unknown as RunContext;
    const ok = await runAsync({
      run, host: 'h1', conn: withHome, seconds: 10, poll: 0.05,
      work: async () => ({ status: 'ok', ignored: false, diff: [], noLog: false, result: { changed: false, x: 1 } }),
    });
    expect(ok.result).toMatchObject({ x: 1, finished: 1, started: 1 });
    expect(await statusOn(String(ok.result.ansible_job_id))).toMatchObject({ msg: 'could not find job' });
    const slow = await runAsync({
      run, host: 'h2', conn: withHome, seconds: 0.2, poll: 0.1,
      work: () => new Promise(() => undefined),
    });
    expect(slow.status).toBe('failed');
    expect(slow.result).toMatchObject({ failed: true, changed: false, msg: 'async task did not complete within the requested time - 0.2s', async_result: { finished: 0, started: 1 } });
    const lines = events.map((e) => (e.kind === 'display' ? e.text.replace(/jid=\S+/, 'jid=J') : e.kind));
    // h1's job may still be writing its status at the first look (a busy machine): polls, then OK.
    const h1 = lines.filter((l) => l.includes(' on h1:'));
    expect(h1.at(-1)).toBe('ASYNC OK on h1: jid=J');
    expect(h1.slice(0, -1).every((l) => l.startsWith('ASYNC POLL on h1'))).toBe(true);
    expect(lines.at(-1)).toBe('ASYNC FAILED on h2: jid=J');
    expect(lines.filter((l) => l.startsWith('ASYNC POLL on h2'))).toHaveLength(2);
  }, 30_000);
});
