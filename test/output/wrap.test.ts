// [WARNING], [ERROR] and [DEPRECATION WARNING] wrapped as ansible-playbook
// wraps them (Python's textwrap at its display width: 79 into a pipe, the
// terminal's columns less one on a terminal), byte for byte on a
// pseudo-terminal from util-linux `script` and into a pipe.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';
import { quote } from '../../src/host/shell.js';
import { deprecationText, errorText, warningText, wrapText } from '../../src/output/textwrap.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
if (process.env.CI === 'true' && (!hasAnsible || !hasScript)) throw new Error('ansible-playbook and script (util-linux) are needed under CI');

interface WrapCase { t: string; w: number; d: boolean; out: string[] }
// Recorded from Python 3.11's textwrap.wrap(t, w, drop_whitespace=d): words,
// hyphenated words, em-dashes, tabs, newlines, words longer than a line.
const CASES = JSON.parse(readFileSync(join(import.meta.dirname, 'textwrap-cases.json'), 'utf8')) as WrapCase[];

describe('wrapText', () => {
  it('wraps as Python textwrap.wrap does', () => {
    for (const c of CASES) expect(wrapText(c.t, c.w, { dropWhitespace: c.d }), JSON.stringify(c.t)).toEqual(c.out);
  });

  it('words the three kinds of message as Ansible display does', () => {
    expect(warningText('short')).toBe('[WARNING]: short');
    expect(errorText('User interrupted execution')).toBe(' [ERROR]: User interrupted execution');
    expect(warningText(`a ${'b'.repeat(10)} c-d-e`, 12)).toBe('[WARNING]: a\nbbbbbbbbbb\nc-d-e');
    // a deprecation keeps its spaces: the next line starts with one
    expect(deprecationText('one two three four', 30)).toBe('[DEPRECATION WARNING]: one two\n three four');
  });
});

const dir = mkdtempSync(join(tmpdir(), 'tsplay-wrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'hosts'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
writeFileSync(join(dir, 'inc.yml'), '- debug: {msg: included}\n');
writeFileSync(
  join(dir, 'site.yml'),
  `- hosts: all,this-is-a-rather-long-host-pattern-that-matches-nothing-at-all,another_long_name_without_hyphens_in_it_really_long_more_and_more_and_more_and_more_and_more
  gather_facts: false
  tasks:
    - include: inc.yml
`,
);
const ARGS = ['-i', join(dir, 'hosts'), join(dir, 'site.yml')];
const TSPLAY = [process.execPath, CLI, 'run', ...ARGS];
const ANSIBLE = ['ansible-playbook', ...ARGS];

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', CI: '1', ...extra };
  for (const k of ['NO_COLOR', 'ANSIBLE_NOCOLOR', 'ANSIBLE_FORCE_COLOR', 'ANSIBLE_CONFIG']) if (!(k in extra)) delete e[k];
  return e;
}

/** What a terminal `cols` wide shows of a run (stdout and stderr). */
function onTerminal(command: string[], cols: number): string {
  const line = `stty cols ${cols} rows 40; exec ${command.map(quote).join(' ')}`;
  const res = spawnSync('script', ['-qec', line, '/dev/null'], { env: env(), encoding: 'utf8', timeout: 120_000 });
  return res.stdout.replace(/\r\n/g, '\n');
}

function inPipe(command: string[]): { stdout: string; stderr: string } {
  const res = spawnSync(command[0]!, command.slice(1), { env: env({ ANSIBLE_FORCE_COLOR: '1' }), encoding: 'utf8', timeout: 120_000 });
  return { stdout: res.stdout, stderr: res.stderr };
}

const ESC = '\x1b[';

describe.skipIf(!hasScript && process.env.CI !== 'true')('on a colour terminal', () => {
  it.each([60, 120, 200])('at %i columns: each wrapped line painted, as ansible-playbook', { timeout: 240_000 }, (cols) => {
    const ts = onTerminal(TSPLAY, cols);
    // wrapped at the terminal's width less one (79 at least), each line in its colour
    const width = Math.max(79, cols - 1);
    const warnings = ts.split('\n').filter((l) => l.startsWith(`${ESC}1;35m`) || l.startsWith(`${ESC}0;35m`));
    expect(warnings.length).toBeGreaterThan(cols < 100 ? 8 : 3);
    for (const l of warnings) expect(l.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(width);
    expect(ts).toContain(`${ESC}0;35m[DEPRECATION WARNING]: "include" is deprecated`);
    if (hasAnsible) expect(ts).toBe(onTerminal(ANSIBLE, cols));
  });
});

describe('into a pipe', () => {
  it('wraps at 79 columns, as ansible-playbook (stderr byte for byte, coloured)', { timeout: 240_000 }, () => {
    const ts = inPipe(TSPLAY);
    expect(ts.stderr).toContain(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: this-is-a-rather-${ESC}0m\n${ESC}1;35mlong-host-pattern-that-matches-nothing-at-all${ESC}0m\n`);
    if (hasAnsible) expect(ts.stderr).toBe(inPipe(ANSIBLE).stderr);
  });
});
