// `tsplay exec`'s lines in colour as `ansible` paints them (bytes taken from
// `ANSIBLE_FORCE_COLOR=1 ansible localhost -c local -m ping` and `-a 'echo hi'`):
// each line of a message wrapped on its own, green for SUCCESS, yellow for
// CHANGED, red for FAILED; and the same text as before without colour.
import { describe, expect, it } from 'vitest';
import { AdhocReporter } from '../../src/output/adhoc.js';
import { ansi } from '../../src/output/color.js';
import type { HostResult } from '../../src/output/events.js';

const E = '\x1b[';

function render(module: string, result: Record<string, unknown>, status: HostResult['status'], paint = ansi): string {
  let out = '';
  const r = new AdhocReporter({ module, oneLine: false, diff: false, verbosity: 0, write: (t) => (out += t), writeError: () => undefined, paint });
  r.emit({ kind: 'host_result', host: 'localhost', status, result, diff: [], noLog: false } as unknown as HostResult);
  return out;
}

describe('tsplay exec in colour', () => {
  it('a module result: every line green for SUCCESS', () => {
    expect(render('ping', { changed: false, ping: 'pong' }, 'ok')).toBe(
      `${E}0;32mlocalhost | SUCCESS => {${E}0m\n${E}0;32m    "changed": false,${E}0m\n${E}0;32m    "ping": "pong"${E}0m\n${E}0;32m}${E}0m\n`,
    );
  });

  it('a command: its caption and output yellow for CHANGED, with no empty painted line after', () => {
    expect(render('command', { changed: true, rc: 0, stdout: 'hi', stderr: '' }, 'changed')).toBe(`${E}0;33mlocalhost | CHANGED | rc=0 >>${E}0m\n${E}0;33mhi${E}0m\n`);
  });

  it('a failure red; without colour the text is unchanged', () => {
    expect(render('command', { changed: true, rc: 2, stdout: '', stderr: 'no' }, 'failed')).toBe(`${E}0;31mlocalhost | FAILED | rc=2 >>${E}0m\n${E}0;31mno${E}0m\n`);
    expect(render('command', { changed: true, rc: 2, stdout: '', stderr: 'no' }, 'failed', (t) => t)).toBe('localhost | FAILED | rc=2 >>\nno\n');
  });
});
