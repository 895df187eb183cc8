// Colour, banner width and the JSON events' time and place. Each coloured
// expectation is the bytes ansible-playbook 2.14 wrote on a colour terminal for
// the same result (terminal.test.ts compares both tools live).
import { describe, expect, it } from 'vitest';
import { ansi, colorWanted, plain, setOutputPaint } from '../../src/output/color.js';
import type { HostResult, RunEvent } from '../../src/output/events.js';
import { JsonReporter, jsonError } from '../../src/output/json.js';
import { TextReporter, banner, displayColumns, paintDiff, renderDiff } from '../../src/output/text.js';
import { interrupt, onInterrupt } from '../../src/cli/interrupt.js';
import { terminfoColors } from '../../src/output/terminfo.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const E = '\x1b[';

function printed(events: RunEvent[], options: { paint?: typeof ansi; columns?: number; diff?: boolean } = {}): { out: string; err: string } {
  let out = '';
  let err = '';
  const reporter = new TextReporter((t) => (out += t), { diff: options.diff ?? false, paint: options.paint ?? ansi, columns: options.columns, writeError: (t) => (err += t) });
  for (const e of events) reporter.emit(e);
  return { out, err };
}

function result(e: Partial<HostResult>): HostResult {
  return { kind: 'host_result', host: 'h1', status: 'ok', ignored: false, result: { changed: false }, diff: [], verbose: false, noLog: false, ...e };
}

describe('colorWanted', () => {
  const tty = { isTTY: true, env: { TERM: 'xterm' } };
  it.each([
    ['a colour terminal', tty, true],
    ['a pipe', { isTTY: false, env: { TERM: 'xterm' } }, false],
    ['TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, false],
    ['no TERM', { isTTY: true, env: {} }, false],
    ['NO_COLOR=1', { isTTY: true, env: { TERM: 'xterm', NO_COLOR: '1' } }, false],
    // Ansible reads NO_COLOR as a boolean: a word that is not true leaves colour on.
    ['NO_COLOR=x', { isTTY: true, env: { TERM: 'xterm', NO_COLOR: 'x' } }, true],
    ['NO_COLOR empty', { isTTY: true, env: { TERM: 'xterm', NO_COLOR: '' } }, true],
    ['ANSIBLE_NOCOLOR=yes', { isTTY: true, env: { TERM: 'xterm', ANSIBLE_NOCOLOR: 'yes' } }, false],
    // Both set: NO_COLOR decides (Ansible takes the last variable of the setting).
    ['ANSIBLE_NOCOLOR=1 NO_COLOR=0', { isTTY: true, env: { TERM: 'xterm', ANSIBLE_NOCOLOR: '1', NO_COLOR: '0' } }, true],
    ['ANSIBLE_NOCOLOR=0 NO_COLOR=1', { isTTY: true, env: { TERM: 'xterm', ANSIBLE_NOCOLOR: '0', NO_COLOR: '1' } }, false],
    ['ANSIBLE_FORCE_COLOR=1 into a pipe', { isTTY: false, env: { ANSIBLE_FORCE_COLOR: '1' } }, true],
    ['ANSIBLE_FORCE_COLOR over ANSIBLE_NOCOLOR', { isTTY: true, env: { TERM: 'dumb', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: 'True' } }, true],
    ['ANSIBLE_FORCE_COLOR=0', { isTTY: false, env: { ANSIBLE_FORCE_COLOR: '0' } }, false],
    ['--color into a pipe', { isTTY: false, env: {}, flag: true }, true],
    ['--no-color over ANSIBLE_FORCE_COLOR', { isTTY: true, env: { TERM: 'xterm', ANSIBLE_FORCE_COLOR: '1' }, flag: false }, false],
    ['nocolor from ansible.cfg', { ...tty, nocolor: true }, false],
    ['force_color from ansible.cfg, into a pipe', { isTTY: false, env: {}, forceColor: true }, true],
    ['nocolor from the settings wins over NO_COLOR (already resolved)', { isTTY: true, env: { TERM: 'xterm', NO_COLOR: '1' }, nocolor: false }, true],
    ['a terminal without colours (terminfo)', { isTTY: true, env: { TERM: 'vt100' }, hasColors: (t: string) => t !== 'vt100' }, false],
  ])('%s', (_name, inputs, wanted) => {
    // The terminal has colours unless the case says otherwise (terminfo is tested below).
    expect(colorWanted({ hasColors: () => true, ...inputs })).toBe(wanted);
  });

  it("asks the terminal's terminfo entry, as curses does", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-terminfo-'));
    try {
      // Entries compiled by tic: 16-bit numbers (colors#8) and the 32-bit format (colors#256), none without colours.
      const entry = (names: string, numbers: number[], wide: boolean) => {
        const name = Buffer.from(`${names}\0`);
        const header = Buffer.alloc(12);
        [wide ? 0o1036 : 0o432, name.length, 1, numbers.length, 0, 0].forEach((v, i) => header.writeInt16LE(v, i * 2));
        const bools = Buffer.from([1]);
        const pad = (12 + name.length + 1) % 2 === 1 ? Buffer.from([0]) : Buffer.alloc(0);
        const nums = Buffer.alloc(numbers.length * (wide ? 4 : 2));
        numbers.forEach((n, i) => (wide ? nums.writeInt32LE(n, i * 4) : nums.writeInt16LE(n, i * 2)));
        return Buffer.concat([header, name, bools, pad, nums]);
      };
      mkdirSync(join(dir, 'm'));
      mkdirSync(join(dir, '65')); // 'e' in hexadecimal: macOS's layout
      writeFileSync(join(dir, 'm', 'mono'), entry('mono|no colours', [80, 8, 24], false));
      writeFileSync(join(dir, 'm', 'many'), entry('many|256 colours', [80, 8, 24, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 256], true));
      writeFileSync(join(dir, '65', 'eight'), entry('eight|8 colours', [80, 8, 24, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 8], false));
      const env = { TERMINFO: dir, HOME: dir };
      expect(terminfoColors('mono', env)).toBe(-1);
      expect(terminfoColors('many', env)).toBe(256);
      expect(terminfoColors('eight', env)).toBe(8);
      expect(terminfoColors('unknown-terminal', env)).toBe(-1);
      expect(colorWanted({ isTTY: true, env: { ...env, TERM: 'many' } })).toBe(true);
      expect(colorWanted({ isTTY: true, env: { ...env, TERM: 'mono' } })).toBe(false);
      expect(colorWanted({ isTTY: true, env: { ...env, TERM: 'unknown-terminal' } })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('coloured lines', () => {
  it('ok green, changed yellow (loop items too), skipping cyan', () => {
    const { out } = printed([
      result({ shown: 'debug', result: { msg: 'hello', changed: false } }),
      result({ status: 'changed', result: { changed: true } }),
      result({ status: 'skipped', result: { changed: false, skipped: true } }),
      result({ item: 'a' }),
      result({ item: 'b', status: 'changed', result: { changed: true } }),
    ]);
    expect(out).toBe(
      `${E}0;32mok: [h1] => {${E}0m\n${E}0;32m    "msg": "hello"${E}0m\n${E}0;32m}${E}0m\n` +
        `${E}0;33mchanged: [h1]${E}0m\n` +
        `${E}0;36mskipping: [h1]${E}0m\n` +
        `${E}0;32mok: [h1] => (item=a)${E}0m\n` +
        `${E}0;33mchanged: [h1] => (item=b)${E}0m\n`,
    );
  });

  it('fatal red, ...ignoring cyan, unreachable bright red', () => {
    const { out } = printed([
      result({ status: 'failed', ignored: true, result: { changed: false, msg: 'boom', failed: true } }),
      result({ status: 'unreachable', result: { changed: false, msg: 'no route', unreachable: true } }),
    ]);
    expect(out).toBe(
      `${E}0;31mfatal: [h1]: FAILED! => {"changed": false, "msg": "boom"}${E}0m\n${E}0;36m...ignoring${E}0m\n` +
        `${E}1;31mfatal: [h1]: UNREACHABLE! => {"changed": false, "msg": "no route", "unreachable": true}${E}0m\n`,
    );
  });

  it('warnings bright purple and [ERROR] red on stderr, retries dark gray, included cyan; banners plain', () => {
    const { out, err } = printed([
      { kind: 'play_start', name: 'all', hosts: ['h1'] },
      { kind: 'warning', message: 'Could not match supplied host pattern, ignoring: nomatch' },
      { kind: 'warning', message: 'bad', error: true },
      { kind: 'retry', host: 'h1', task: 'retry', retriesLeft: 1 },
      { kind: 'included', file: '/p/inc.yml', hosts: ['h1'] },
      { kind: 'no_hosts', pattern: 'x' },
    ]);
    expect(err).toBe(`${E}1;35m[WARNING]: Could not match supplied host pattern, ignoring: nomatch${E}0m\n${E}0;31m [ERROR]: bad${E}0m\n`);
    expect(out).toBe(
      `\nPLAY [all] ${'*'.repeat(69)}\n` +
        `${E}1;30mFAILED - RETRYING: [h1]: retry (1 retries left).${E}0m\n` +
        `${E}0;36mincluded: /p/inc.yml for h1${E}0m\n` +
        `${E}0;36mskipping: no hosts matched${E}0m\n`,
    );
  });

  it('diff: --- red, +++ and + green, @@ cyan, each painted line followed by an empty painted segment', () => {
    const d = { before: '', after: 'x\ny\n', after_header: '/tmp/f' };
    expect(paintDiff(renderDiff(d), ansi)).toBe(
      `${E}0;31m--- before${E}0m\n${E}0;31m${E}0m` +
        `${E}0;32m+++ after: /tmp/f${E}0m\n${E}0;32m${E}0m` +
        `${E}0;36m@@ -0,0 +1,2 @@${E}0m\n${E}0;36m${E}0m` +
        `${E}0;32m+x${E}0m\n${E}0;32m${E}0m` +
        `${E}0;32m+y${E}0m\n${E}0;32m${E}0m`,
    );
    // Context lines stay plain; the no-newline note takes its line's colour.
    expect(paintDiff(' a\n-b\n\\ No newline at end of file\n', ansi)).toBe(` a\n${E}0;31m-b${E}0m\n${E}0;31m\\ No newline at end of file${E}0m\n${E}0;31m${E}0m`);
    expect(paintDiff(renderDiff(d), plain)).toBe(renderDiff(d));
    const { out } = printed([result({ status: 'changed', result: { changed: true }, diff: [d] })], { diff: true });
    expect(out).toBe(`${paintDiff(renderDiff(d), ansi)}\n${E}0;33mchanged: [h1]${E}0m\n`);
  });

  it('recap: the host in its worst state, each count that is not zero in its colour', () => {
    const stats = new Map([
      ['h1', { ok: 7, changed: 4, unreachable: 0, failed: 1, skipped: 1, rescued: 1, ignored: 2 }],
      ['h2', { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 }],
      ['unr', { ok: 1, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0 }],
      ['h3', { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }],
    ]);
    const { out } = printed([{ kind: 'recap', stats }]);
    expect(out.split('\n').slice(2, 6)).toEqual([
      `${E}0;31mh1${E}0m                         : ${E}0;32mok=7   ${E}0m ${E}0;33mchanged=4   ${E}0m unreachable=0    ${E}0;31mfailed=1   ${E}0m ${E}0;36mskipped=1   ${E}0m ${E}0;32mrescued=1   ${E}0m ${E}1;35mignored=2   ${E}0m`,
      `${E}0;33mh2${E}0m                         : ${E}0;32mok=2   ${E}0m ${E}0;33mchanged=1   ${E}0m unreachable=0    failed=0    skipped=0    rescued=0    ${E}1;35mignored=1   ${E}0m`,
      `${E}0;31munr${E}0m                        : ${E}0;32mok=1   ${E}0m changed=0    ${E}1;31munreachable=1   ${E}0m failed=0    skipped=0    rescued=0    ignored=0   `,
      `${E}0;32mh3${E}0m                         : ${E}0;32mok=1   ${E}0m changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   `,
    ]);
  });

  it('no colour: the plain lines of before', () => {
    const stats = new Map([['h1', { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }]]);
    const { out } = printed([{ kind: 'task_start', name: 't', handler: false, hosts: 1 }, result({ status: 'changed', result: { changed: true } }), { kind: 'recap', stats }], { paint: plain });
    expect(out).toBe(
      `\nTASK [t] ${'*'.repeat(71)}\nchanged: [h1]\n\nPLAY RECAP ${'*'.repeat(69)}\n` +
        'h1                         : ok=1    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \n\n',
    );
  });
});

describe('banner width', () => {
  it("is the terminal's width less one, never under 79; 80 characters a line off a terminal", () => {
    expect(displayColumns(undefined)).toBe(79);
    expect(displayColumns(0)).toBe(79);
    expect(displayColumns(60)).toBe(79);
    expect(displayColumns(120)).toBe(119);
    expect(banner('PLAY [all]', displayColumns(120))).toBe(`\nPLAY [all] ${'*'.repeat(109)}`);
    expect(banner('PLAY [all]').length).toBe(81); // the newline and 80 columns
    expect(banner('TASK [a very long name that leaves no room for stars at all, none at all, none at all]')).toMatch(/\] \*\*\*$/);
    const { out } = printed([{ kind: 'play_start', name: 'all', hosts: [] }], { columns: displayColumns(120) });
    expect(out).toBe(`\nPLAY [all] ${'*'.repeat(109)}\n`);
  });
});

describe('--output json', () => {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  const location = { file: '/p/site.yml', line: 4, col: 7 };

  it("writes a Python int past 2**53 exactly, as a JSON number", () => {
    let out = '';
    const reporter = new JsonReporter((t) => (out += t), () => at);
    reporter.emit(result({ result: { changed: false, big: 18446744073709551616n, small: [-5n] } } as never));
    expect(out).toContain('"big":18446744073709551616,"small":[-5]');
  });

  it('every event has its time (ISO 8601, UTC, milliseconds); task events their place', () => {
    let out = '';
    const reporter = new JsonReporter((t) => (out += t), () => at);
    reporter.emit({ kind: 'task_start', name: 't', handler: false, hosts: 1, location });
    reporter.emit(result({ location }));
    reporter.emit({ kind: 'recap', stats: new Map() });
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.timestamp)).toEqual(Array(3).fill('2026-01-02T03:04:05.006Z'));
    expect(lines[0]).toEqual({ kind: 'task_start', timestamp: '2026-01-02T03:04:05.006Z', name: 't', handler: false, hosts: 1, location });
    expect(lines[1]).toMatchObject({ kind: 'host_result', location });
    expect(lines[2]).toEqual({ kind: 'recap', timestamp: '2026-01-02T03:04:05.006Z', stats: {} });
  });

  it('an error that stops the run is an event', () => {
    expect(JSON.parse(jsonError('bad', location, at))).toEqual({ kind: 'error', timestamp: '2026-01-02T03:04:05.006Z', message: 'bad', location });
    expect(JSON.parse(jsonError('bad', undefined, at))).toEqual({ kind: 'error', timestamp: '2026-01-02T03:04:05.006Z', message: 'bad' });
  });
});

describe('Ctrl-C', () => {
  it("runs the cleanups, then says what ansible-playbook says on stderr, then exits 99", async () => {
    const order: string[] = [];
    let code: number | undefined;
    onInterrupt(async () => void order.push('cleanup'));
    setOutputPaint(ansi); // as the command chose for a colour terminal
    await interrupt(
      (c) => void (code = c),
      (t) => void order.push(t),
    );
    expect(code).toBe(99);
    expect(order).toEqual(['cleanup', `${E}0;31m [ERROR]: User interrupted execution${E}0m\n`]);
  });
});
