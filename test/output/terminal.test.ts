// The text output on a real colour terminal (a pseudo-terminal from util-linux
// `script`), byte for byte against ansible-playbook 2.14 on the same terminal
// for the same playbook: colours, banner widths, what turns colour off or on,
// and Ctrl-C. Then --output json: times, places, and errors as events.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';
import { quote } from '../../src/host/shell.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
if (process.env.CI === 'true' && (!hasAnsible || !hasScript)) throw new Error('ansible-playbook and script (util-linux) are needed under CI');

const dir = mkdtempSync(join(tmpdir(), 'tsplay-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAYBOOK = `- hosts: all,nomatch
  gather_facts: false
  tasks:
    - name: ok one
      debug: {msg: hello}
    - name: changed one
      command: "true"
    - name: skipped one
      command: "true"
      when: false
    - name: loop
      command: "echo {{ item }}"
      changed_when: item == 'b'
      loop: [a, b]
    - name: write
      lineinfile: {path: "{{ out }}/f.txt", line: "y", create: true}
    - name: retry
      command: "true"
      register: r
      until: r.rc == 1
      retries: 1
      delay: 0
      ignore_errors: true
    - name: fail ignored
      fail: {msg: boom}
      ignore_errors: true
    - name: rescue
      block:
        - fail: {msg: inner}
      rescue:
        - debug: {msg: rescued}
    - name: final fail
      fail: {msg: boom}
`;
writeFileSync(join(dir, 'hosts'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
writeFileSync(join(dir, 'slow.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: wait\n      command: sleep 60\n');

const TSPLAY = [process.execPath, CLI, 'run'];
const ANSIBLE = ['ansible-playbook'];
const SITE = ['-i', join(dir, 'hosts'), join(dir, 'site.yml'), '--diff'];

/** The environment of a run: a colour terminal's TERM, no spinner (CI), no colour setting unless given. */
function envWith(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', CI: '1' };
  for (const k of ['NO_COLOR', 'ANSIBLE_NOCOLOR', 'ANSIBLE_FORCE_COLOR', 'ANSIBLE_CONFIG']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Times in a command's result change from run to run. */
const steady = (text: string) => text.replace(/"(delta|end|start)": "[^"]*"/g, '"$1": "T"').replace(/\r\n/g, '\n');

/** A run on a pseudo-terminal `cols` wide: what the terminal showed (stdout and stderr) and the exit code. */
function onTerminal(command: string[], cols: number, env: Record<string, string | undefined> = {}, out = 'out'): { code: number | null; shown: string } {
  rmSync(join(dir, out), { recursive: true, force: true });
  const line = `stty cols ${cols} rows 40; exec ${[...command, '-e', `out=${join(dir, out)}`].map(quote).join(' ')}`;
  const res = spawnSync('script', ['-qec', line, '/dev/null'], { env: envWith(env), encoding: 'utf8', timeout: 120_000, maxBuffer: 10_000_000 });
  return { code: res.status, shown: steady(res.stdout) };
}

/** A run with stdout and stderr into pipes. */
function inPipe(command: string[], env: Record<string, string | undefined> = {}): { code: number | null; stdout: string; stderr: string } {
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  const res = spawnSync(command[0]!, [...command.slice(1), '-e', `out=${join(dir, 'out')}`], { env: envWith(env), encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: steady(res.stdout), stderr: res.stderr };
}

const ESC = '\x1b[';


describe.skipIf(!hasScript && process.env.CI !== 'true')('on a colour terminal', () => {
  // One run of each tool per case, shared by the expectations below.
  const ran = new Map<string, { code: number | null; shown: string }>();
  const run = (tool: 'tsplay' | 'ansible', cols: number, env: Record<string, string | undefined> = {}, extra: string[] = []) => {
    const key = JSON.stringify([tool, cols, env, extra]);
    if (!ran.has(key)) ran.set(key, onTerminal([...(tool === 'tsplay' ? TSPLAY : ANSIBLE), ...SITE, ...extra], cols, env));
    return ran.get(key)!;
  };

  it('colours every kind of line as Ansible does (ok, changed, skipping, items, diff, retry, fatal, ...ignoring, warning, recap)', { timeout: 240_000 }, () => {
    const ts = run('tsplay', 120);
    expect(ts.code).toBe(2);
    // What Ansible writes, known beforehand: these are the bytes it wrote.
    expect(ts.shown).toContain(`${ESC}0;32mok: [h1] => {${ESC}0m\n${ESC}0;32m    "msg": "hello"${ESC}0m\n${ESC}0;32m}${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}0;33mchanged: [h1]${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}0;36mskipping: [h1]${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}0;32mok: [h1] => (item=a)${ESC}0m\n${ESC}0;33mchanged: [h1] => (item=b)${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}0;36m@@ -0,0 +1 @@${ESC}0m\n${ESC}0;36m${ESC}0m${ESC}0;32m+y${ESC}0m\n${ESC}0;32m${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}0;31mfatal: [h1]: FAILED! => {"changed": false, "msg": "boom"}${ESC}0m\n${ESC}0;36m...ignoring${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: nomatch${ESC}0m\n`);
    expect(ts.shown).toContain(`${ESC}1;30mFAILED - RETRYING: [h1]: retry (1 retries left).${ESC}0m\n`);
    expect(ts.shown).toContain(
      `${ESC}0;31mh1${ESC}0m                         : ${ESC}0;32mok=7   ${ESC}0m ${ESC}0;33mchanged=4   ${ESC}0m unreachable=0    ${ESC}0;31mfailed=1   ${ESC}0m ${ESC}0;36mskipped=1   ${ESC}0m ${ESC}0;32mrescued=1   ${ESC}0m ${ESC}1;35mignored=2   ${ESC}0m\n`,
    );
  });

  it.each([120, 60])('at %i columns prints what ansible-playbook prints, byte for byte (banners as wide as its)', { timeout: 240_000 }, (cols) => {
    const ts = run('tsplay', cols);
    const banner = `PLAY RECAP ${'*'.repeat(Math.max(79, cols - 1) - 'PLAY RECAP'.length)}\n`;
    expect(ts.shown).toContain(`\n${banner}`);
    if (!hasAnsible) return;
    const ansible = run('ansible', cols);
    expect(ts.shown).toBe(ansible.shown);
    expect(ts.code).toBe(ansible.code);
  });

  it.each([
    ['NO_COLOR=1', { NO_COLOR: '1' }],
    ['ANSIBLE_NOCOLOR=true', { ANSIBLE_NOCOLOR: 'true' }],
    ['TERM=dumb', { TERM: 'dumb' }],
    ['TERM=vt100 (terminfo: no colours)', { TERM: 'vt100' }],
    ['no TERM', { TERM: undefined }],
  ])('%s: no colour, as ansible-playbook', { timeout: 240_000 }, (_name, env) => {
    const ts = run('tsplay', 100, env);
    expect(ts.shown).not.toContain(ESC.slice(0, 1));
    expect(ts.shown).toContain(`PLAY RECAP ${'*'.repeat(99 - 'PLAY RECAP'.length)}\n`);
    if (hasAnsible) expect(ts.shown).toBe(run('ansible', 100, env).shown);
  });

  it('--no-color: no colour, even with ANSIBLE_FORCE_COLOR; --output json: never', { timeout: 240_000 }, () => {
    expect((run('tsplay', 100, { ANSIBLE_FORCE_COLOR: '1' }, ['--no-color']).shown)).toBe(run('tsplay', 100, { NO_COLOR: '1' }).shown);
    const json = run('tsplay', 100, { ANSIBLE_FORCE_COLOR: '1' }, ['--output', 'json', '--color']);
    expect(json.shown).toContain('"kind":"recap"');
    expect(json.shown).not.toContain(ESC.slice(0, 1));
  });
});

describe.skipIf(!hasScript && process.env.CI !== 'true')('a deprecation on a colour terminal', () => {
  it('is purple, as ansible-playbook prints it', { timeout: 120_000 }, () => {
    writeFileSync(join(dir, 'tasks.yml'), '- debug: {msg: included}\n');
    writeFileSync(join(dir, 'legacy.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - include: tasks.yml\n');
    const ts = onTerminal([...TSPLAY, '-i', join(dir, 'hosts'), join(dir, 'legacy.yml')], 200);
    expect(ts.code).toBe(0);
    // Wrapped at the terminal's width, each line painted (test/output/wrap.test.ts compares it with Ansible's).
    expect(ts.shown).toMatch(/^\x1b\[0;35m\[DEPRECATION WARNING\]: "include" is deprecated, use include_tasks\/import_tasks instead\. [^\n]*\x1b\[0m\n/);
  });
});

describe('into a pipe', () => {
  it('no colour and 80 columns, as before', { timeout: 120_000 }, () => {
    const ts = inPipe([...TSPLAY, ...SITE]);
    expect(ts.stdout).not.toContain(ESC.slice(0, 1));
    expect(ts.stderr).not.toContain(ESC.slice(0, 1));
    expect(ts.stdout).toContain(`\nPLAY RECAP ${'*'.repeat(69)}\n`);
  });

  it('ANSIBLE_FORCE_COLOR and --color colour it (banners 80 wide), as ansible-playbook with ANSIBLE_FORCE_COLOR', { timeout: 240_000 }, () => {
    const forced = inPipe([...TSPLAY, ...SITE], { ANSIBLE_FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(`${ESC}0;33mchanged: [h1]${ESC}0m\n`);
    expect((forced.stderr)).toBe(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: nomatch${ESC}0m\n`);
    expect(forced.stdout).toContain(`\nPLAY RECAP ${'*'.repeat(69)}\n`);
    const flag = inPipe([...TSPLAY, ...SITE, '--color']);
    expect(flag.stdout).toBe(forced.stdout);
    if (!hasAnsible) return;
    const ansible = inPipe([...ANSIBLE, ...SITE], { ANSIBLE_FORCE_COLOR: '1' });
    expect(forced.stdout).toBe(ansible.stdout);
    expect((forced.stderr)).toBe(ansible.stderr);
  });
});

/**
 * Ctrl-C typed on the terminal while a task runs (the terminal sends SIGINT
 * to the program): what the terminal shows and the exit code.
 */
async function ctrlC(command: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; shown: string }> {
  const line = `stty cols 100 rows 40; exec ${[...command, '-i', join(dir, 'hosts'), join(dir, 'slow.yml')].map(quote).join(' ')}`;
  const child = spawn('script', ['-qec', line, '/dev/null'], { env: envWith(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let shown = '';
  let typed = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    shown += d;
    // The task has started (and, with the spinner, it spins by then).
    if (!typed && shown.includes('TASK [wait]')) {
      typed = true;
      setTimeout(() => child.stdin.write('\x03'), 2500);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  return { code, shown: shown.replace(/\r\n/g, '\n') };
}

describe.skipIf(!hasScript && process.env.CI !== 'true')('Ctrl-C', () => {
  const RED = `${ESC}0;31m [ERROR]: User interrupted execution${ESC}0m\n`;
  const MESSAGE = `^C${RED}`;

  it('prints [ERROR]: User interrupted execution in red and exits 99, as ansible-playbook', { timeout: 240_000 }, async () => {
    const ts = await ctrlC(TSPLAY, {});
    expect(ts.code).toBe(99);
    expect(ts.shown.endsWith(`TASK [wait] ${'*'.repeat(99 - 'TASK [wait]'.length)}\n${MESSAGE}`), ts.shown).toBe(true);
    if (!hasAnsible) return;
    const ansible = await ctrlC(ANSIBLE, {});
    expect(ansible.code).toBe(99);
    expect(ts.shown).toBe(ansible.shown);
  });

  it('with the spinner up: the spinner is cleared first, the message is the last line', { timeout: 120_000 }, async () => {
    const ts = await ctrlC(TSPLAY, { CI: undefined });
    expect(ts.code).toBe(99);
    expect(ts.shown).toContain('wait (1 host running)');
    // ora's last clear, then the message, then (maybe) ora showing the cursor again.
    expect(ts.shown, ts.shown.slice(-300)).toMatch(new RegExp(`\\x1b\\[0K(\\x1b\\[\\?25h)?${RED.replace(/[[\]?]/g, '\\$&')}(\\x1b\\[\\?25h)?$`));
  });

  it('into a pipe: the plain message on stderr, as ansible-playbook', { timeout: 240_000 }, async () => {
    const stderrOf = async (command: string[]) => {
      const child = spawn(command[0]!, [...command.slice(1), '-i', join(dir, 'hosts'), join(dir, 'slow.yml')], { env: envWith({}), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let sent = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (!sent && out.includes('TASK [wait]')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 2500);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, err };
    };
    const ts = await stderrOf(TSPLAY);
    expect(ts).toEqual({ code: 99, err: ' [ERROR]: User interrupted execution\n' });
    if (hasAnsible) expect(await stderrOf(ANSIBLE)).toEqual(ts);
  });

  it('--output json: an error event on stdout too', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [CLI, 'run', '--output', 'json', '-i', join(dir, 'hosts'), join(dir, 'slow.yml')], { env: envWith({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!sent && out.includes('"task_start"')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
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
