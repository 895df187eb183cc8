// The text output on a real colour terminal (a pseudo-terminal from util-linux
// `script`), byte for byte against ansible-playbook 2.14 on the same terminal
// for the same playbook: colours, banner widths, what turns colour off or on,
// and Ctrl-C. Then --output json: times, places, and errors as events.
// Ansible-playbook's runs are recorded (terminal-runs.ts: `npm run
// record-ansible -- terminal`; TSPLAY_DIFF_LIVE=1 runs it instead).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, hasScript } from '../cli-helpers.js';
import { ansibleResults, recordingTests } from '../recorded-runs.js';
import { envWith, type Env, type Run } from './run-on.js';
import { PLAYBOOK, RUNS, SITE, SLOW, TSPLAY, ctrlC, dir, inPipe, interruptedAfter, onTerminal, runAs, terminalRuns } from './terminal-runs.js';

if (process.env.CI === 'true' && !hasScript) throw new Error('script (util-linux) is needed under CI');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ansible-playbook's side of a run of RUNS (recorded, or live under TSPLAY_DIFF_LIVE=1). */
const ansible = ansibleResults(terminalRuns);
/** tsplay's side of the same run, made once for the expectations that share it. */
const tsplayRuns = new Map<string, Promise<Run>>();
const tsplay = (name: string): Promise<Run> => {
  if (!tsplayRuns.has(name)) tsplayRuns.set(name, Promise.resolve().then(() => runAs('tsplay', RUNS[name]!)));
  return tsplayRuns.get(name)!;
};

recordingTests(terminalRuns, it);

const ESC = '\x1b[';

describe.skipIf(!hasScript && process.env.CI !== 'true')('on a colour terminal', () => {
  // One run per case, shared by the expectations below.
  const ran = new Map<string, Run>();
  const run = (cols: number, env: Env = {}, extra: string[] = []): Run => {
    const key = JSON.stringify([cols, env, extra]);
    if (!ran.has(key)) ran.set(key, onTerminal([...TSPLAY, ...SITE, ...extra], cols, env));
    return ran.get(key)!;
  };

  it('colours every kind of line as Ansible does (ok, changed, skipping, items, diff, retry, fatal, ...ignoring, warning, recap)', { timeout: 240_000 }, async () => {
    const ts = await tsplay('120 columns');
    expect(ts.code).toBe(2);
    // What Ansible writes, known beforehand: these are the bytes it wrote.
    expect(ts.stdout).toContain(`${ESC}0;32mok: [h1] => {${ESC}0m\n${ESC}0;32m    "msg": "hello"${ESC}0m\n${ESC}0;32m}${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}0;33mchanged: [h1]${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}0;36mskipping: [h1]${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}0;32mok: [h1] => (item=a)${ESC}0m\n${ESC}0;33mchanged: [h1] => (item=b)${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}0;36m@@ -0,0 +1 @@${ESC}0m\n${ESC}0;36m${ESC}0m${ESC}0;32m+y${ESC}0m\n${ESC}0;32m${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}0;31mfatal: [h1]: FAILED! => {"changed": false, "msg": "boom"}${ESC}0m\n${ESC}0;36m...ignoring${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: nomatch${ESC}0m\n`);
    expect(ts.stdout).toContain(`${ESC}1;30mFAILED - RETRYING: [h1]: retry (1 retries left).${ESC}0m\n`);
    expect(ts.stdout).toContain(
      `${ESC}0;31mh1${ESC}0m                         : ${ESC}0;32mok=7   ${ESC}0m ${ESC}0;33mchanged=4   ${ESC}0m unreachable=0    ${ESC}0;31mfailed=1   ${ESC}0m ${ESC}0;36mskipped=1   ${ESC}0m ${ESC}0;32mrescued=1   ${ESC}0m ${ESC}1;35mignored=2   ${ESC}0m\n`,
    );
  });

  it.each([120, 60])('at %i columns prints what ansible-playbook prints, byte for byte (banners as wide as its)', { timeout: 240_000 }, async (cols) => {
    const ts = await tsplay(`${cols} columns`);
    const banner = `PLAY RECAP ${'*'.repeat(Math.max(79, cols - 1) - 'PLAY RECAP'.length)}\n`;
    expect(ts.stdout).toContain(`\n${banner}`);
    const theirs = await ansible(`${cols} columns`);
    expect(ts.stdout).toBe(theirs.stdout);
    expect(ts.code).toBe(theirs.code);
  });

  it.each(['NO_COLOR=1', 'ANSIBLE_NOCOLOR=true', 'TERM=dumb', 'TERM=vt100 (terminfo: no colours)', 'no TERM'])(
    '%s: no colour, as ansible-playbook',
    { timeout: 240_000 },
    async (name) => {
      const ts = await tsplay(name);
      expect(ts.stdout).not.toContain(ESC.slice(0, 1));
      expect(ts.stdout).toContain(`PLAY RECAP ${'*'.repeat(99 - 'PLAY RECAP'.length)}\n`);
      expect(ts.stdout).toBe((await ansible(name)).stdout);
    },
  );

  it('--no-color: no colour, even with ANSIBLE_FORCE_COLOR; --output json: never', { timeout: 240_000 }, async () => {
    expect(run(100, { ANSIBLE_FORCE_COLOR: '1' }, ['--no-color']).stdout).toBe((await tsplay('NO_COLOR=1')).stdout);
    const json = run(100, { ANSIBLE_FORCE_COLOR: '1' }, ['--output', 'json', '--color']);
    expect(json.stdout).toContain('"kind":"recap"');
    expect(json.stdout).not.toContain(ESC.slice(0, 1));
  });
});

describe.skipIf(!hasScript && process.env.CI !== 'true')('a deprecation on a colour terminal', () => {
  it('is purple, as ansible-playbook prints it', { timeout: 120_000 }, () => {
    writeFileSync(join(dir, 'tasks.yml'), '- debug: {msg: included}\n');
    writeFileSync(join(dir, 'legacy.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - include: tasks.yml\n');
    const ts = onTerminal([...TSPLAY, '-i', join(dir, 'hosts'), join(dir, 'legacy.yml')], 200);
    expect(ts.code).toBe(0);
    // Wrapped at the terminal's width, each line painted (test/output/wrap.test.ts compares it with Ansible's).
    expect(ts.stdout).toMatch(/^\x1b\[0;35m\[DEPRECATION WARNING\]: "include" is deprecated, use include_tasks\/import_tasks instead\. [^\n]*\x1b\[0m\n/);
  });
});

describe('into a pipe', () => {
  it('no colour and 80 columns, as before', { timeout: 120_000 }, () => {
    const ts = inPipe([...TSPLAY, ...SITE]);
    expect(ts.stdout).not.toContain(ESC.slice(0, 1));
    expect(ts.stderr).not.toContain(ESC.slice(0, 1));
    expect(ts.stdout).toContain(`\nPLAY RECAP ${'*'.repeat(69)}\n`);
  });

  it('ANSIBLE_FORCE_COLOR and --color colour it (banners 80 wide), as ansible-playbook with ANSIBLE_FORCE_COLOR', { timeout: 240_000 }, async () => {
    const forced = await tsplay('ANSIBLE_FORCE_COLOR into a pipe');
    expect(forced.stdout).toContain(`${ESC}0;33mchanged: [h1]${ESC}0m\n`);
    expect(forced.stderr).toBe(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: nomatch${ESC}0m\n`);
    expect(forced.stdout).toContain(`\nPLAY RECAP ${'*'.repeat(69)}\n`);
    const flag = inPipe([...TSPLAY, ...SITE, '--color']);
    expect(flag.stdout).toBe(forced.stdout);
    const theirs = await ansible('ANSIBLE_FORCE_COLOR into a pipe');
    expect(forced.stdout).toBe(theirs.stdout);
    expect(forced.stderr).toBe(theirs.stderr);
  });
});

describe.skipIf(!hasScript && process.env.CI !== 'true')('Ctrl-C', () => {
  const RED = `${ESC}0;31m [ERROR]: User interrupted execution${ESC}0m\n`;
  const MESSAGE = `^C${RED}`;

  it('prints [ERROR]: User interrupted execution in red and exits 99, as ansible-playbook', { timeout: 240_000 }, async () => {
    const ts = await tsplay('Ctrl-C');
    expect(ts.code).toBe(99);
    expect(ts.stdout.endsWith(`TASK [wait] ${'*'.repeat(99 - 'TASK [wait]'.length)}\n${MESSAGE}`), ts.stdout).toBe(true);
    const theirs = await ansible('Ctrl-C');
    expect(theirs.code).toBe(99);
    expect(ts.stdout).toBe(theirs.stdout);
  });

  it('with the spinner up: the spinner is cleared first, the message is the last line', { timeout: 120_000 }, async () => {
    const ts = await ctrlC([...TSPLAY, ...SLOW], { CI: null });
    expect(ts.code).toBe(99);
    expect(ts.stdout).toContain('wait (1 host running)');
    // ora's last clear, then the message, then (maybe) ora showing the cursor again.
    expect(ts.stdout, ts.stdout.slice(-300)).toMatch(new RegExp(`\\x1b\\[0K(\\x1b\\[\\?25h)?${RED.replace(/[[\]?]/g, '\\$&')}(\\x1b\\[\\?25h)?$`));
  });

  it('into a pipe: the plain message on stderr, as ansible-playbook', { timeout: 240_000 }, async () => {
    const ts = await tsplay('SIGINT into a pipe');
    expect({ code: ts.code, err: ts.stderr }).toEqual({ code: 99, err: ' [ERROR]: User interrupted execution\n' });
    const theirs = await ansible('SIGINT into a pipe');
    expect({ code: theirs.code, err: theirs.stderr }).toEqual({ code: ts.code, err: ts.stderr });
  });

  it('--output json: an error event on stdout too', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [CLI, 'run', '--output', 'json', ...SLOW], { env: envWith({}), stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, stdout: out } = await interruptedAfter(child, '"task_start"', 1500, () => child.kill('SIGINT'));
    expect(code).toBe(99);
    const last = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(last).toMatchObject({ kind: 'error', message: 'User interrupted execution' });
  });
});

describe('--output json', () => {
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  const events = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('each event has its time; task events where the task is written', { timeout: 120_000 }, () => {
    const res = inPipe([...TSPLAY, ...SITE, '--output', 'json']);
    expect(res.code).toBe(2);
    const all = events(res.stdout);
    for (const e of all) expect(e.timestamp, JSON.stringify(e)).toMatch(ISO);
    const times = all.map((e) => Date.parse(e.timestamp as string));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const file = join(dir, 'site.yml');
    const lines = PLAYBOOK.split('\n');
    const lineOf = (name: string) => lines.findIndex((l) => l.includes(`- name: ${name}`)) + 1;
    const task = all.find((e) => e.kind === 'task_start' && e.name === 'changed one');
    expect(task?.location).toEqual({ file, line: lineOf('changed one'), col: 7 });
    const items = all.filter((e) => e.kind === 'host_result' && e.item !== undefined);
    expect(items.map((e) => e.location)).toEqual([{ file, line: lineOf('loop'), col: 7 }, { file, line: lineOf('loop'), col: 7 }]);
    const rescued = all.find((e) => e.kind === 'task_start' && e.name === 'debug');
    expect((rescued?.location as { line: number }).line).toBe(lines.findIndex((l) => l.includes('debug: {msg: rescued}')) + 1);
  });

  it.each([
    ['bad YAML', '- hosts: all\n  tasks: [\n', /Syntax error while loading YAML/, 3],
    ['an unknown module', '- hosts: all\n  tasks:\n    - nosuchmodule: {}\n', /couldn't resolve module\/action 'nosuchmodule'/, 3],
    ['an undefined variable in vars_files', '- hosts: all\n  vars_files: ["{{ nope }}.yml"]\n  tasks:\n    - debug: {msg: hi}\n', /an undefined variable was found/, 2],
  ])('%s: an error event on stdout, the same exit code as the text output', { timeout: 120_000 }, (_name, text, message, line) => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, text);
    const asText = inPipe([...TSPLAY, '-i', join(dir, 'hosts'), file]);
    const asJson = inPipe([...TSPLAY, '-i', join(dir, 'hosts'), file, '--output', 'json']);
    expect(asJson.code).toBe(asText.code);
    expect(asJson.code).not.toBe(0);
    const all = events(asJson.stdout);
    const error = all.find((e) => e.kind === 'error');
    expect(error, asJson.stdout).toBeDefined();
    expect(error!.message).toMatch(message);
    expect(error!.timestamp).toMatch(ISO);
    if (line !== undefined) expect(error!.location).toMatchObject({ file, line });
    // People reading the log still see it on stderr.
    expect(asJson.stderr).toMatch(message);
  });
});
