// [WARNING], [ERROR] and [DEPRECATION WARNING] wrapped as ansible-playbook
// wraps them (Python's textwrap at its display width: 79 into a pipe, the
// terminal's columns less one on a terminal), byte for byte on a
// pseudo-terminal from util-linux `script` and into a pipe. Ansible-playbook's
// runs are recorded (wrap-runs.ts: `npm run record-ansible -- wrap`;
// TSPLAY_DIFF_LIVE=1 runs it instead).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasScript } from '../cli-helpers.js';
import { ansibleResults, recordingTests } from '../recorded-runs.js';
import { deprecationText, errorText, warningText, wrapText } from '../../src/output/textwrap.js';
import { COLUMNS, RUNS, dir, runAs, wrapRuns } from './wrap-runs.js';

if (process.env.CI === 'true' && !hasScript) throw new Error('script (util-linux) is needed under CI');

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

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ansible-playbook's side of a run of RUNS (recorded, or live under TSPLAY_DIFF_LIVE=1). */
const ansible = ansibleResults(wrapRuns);
const tsplay = (name: string) => runAs('tsplay', RUNS[name]!);

recordingTests(wrapRuns, it);

const ESC = '\x1b[';

describe.skipIf(!hasScript && process.env.CI !== 'true')('on a colour terminal', () => {
  it.each(COLUMNS)('at %i columns: each wrapped line painted, as ansible-playbook', { timeout: 240_000 }, async (cols) => {
    const ts = tsplay(`${cols} columns`).stdout;
    // wrapped at the terminal's width less one (79 at least), each line in its colour
    const width = Math.max(79, cols - 1);
    const warnings = ts.split('\n').filter((l) => l.startsWith(`${ESC}1;35m`) || l.startsWith(`${ESC}0;35m`));
    expect(warnings.length).toBeGreaterThan(cols < 100 ? 8 : 3);
    for (const l of warnings) expect(l.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(width);
    expect(ts).toContain(`${ESC}0;35m[DEPRECATION WARNING]: "include" is deprecated`);
    expect(ts).toBe((await ansible(`${cols} columns`)).stdout);
  });
});

describe('into a pipe', () => {
  it('wraps at 79 columns, as ansible-playbook (stderr byte for byte, coloured)', { timeout: 240_000 }, async () => {
    const ts = tsplay('into a pipe');
    expect(ts.stderr).toContain(`${ESC}1;35m[WARNING]: Could not match supplied host pattern, ignoring: this-is-a-rather-${ESC}0m\n${ESC}1;35mlong-host-pattern-that-matches-nothing-at-all${ESC}0m\n`);
    expect(ts.stderr).toBe((await ansible('into a pipe')).stderr);
  });
});
