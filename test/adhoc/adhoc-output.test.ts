// The ad-hoc output (ansible's minimal and oneline callbacks) for results the
// side-by-side cases cannot produce on -c local: unreachable hosts, failures
// with an exception, no_log, module warnings, skipped hosts.
import { describe, expect, it } from 'vitest';
import { AdhocReporter } from '../../src/output/adhoc.js';
import type { HostResult } from '../../src/output/events.js';

function render(module: string, oneLine: boolean, e: Partial<HostResult>): { out: string; err: string } {
  let out = '';
  let err = '';
  const r = new AdhocReporter({ module, oneLine, diff: false, verbosity: 0, write: (t) => (out += t), writeError: (t) => (err += t) });
  r.emit({ kind: 'host_result', host: 'h1', status: 'ok', ignored: false, result: {}, diff: [], verbose: false, noLog: false, ...e });
  r.emit({ kind: 'recap', stats: new Map() });
  return { out, err };
}

const unreachable = { status: 'unreachable' as const, result: { changed: false, msg: 'Failed to connect', unreachable: true } };

describe('ad-hoc output', () => {
  it('UNREACHABLE as minimal (indented JSON) and oneline (the message)', () => {
    expect(render('ping', false, unreachable).out).toBe('h1 | UNREACHABLE! => {\n    "changed": false,\n    "msg": "Failed to connect",\n    "unreachable": true\n}\n');
    expect(render('ping', true, unreachable).out).toBe('h1 | UNREACHABLE!: Failed to connect\n');
  });

  it('a failure with an exception: its last line first, the result without it', () => {
    const e = { status: 'failed' as const, result: { failed: true, msg: 'bad', exception: 'Traceback\n  x\nValueError: bad', changed: false } };
    expect(render('stat', false, e).out).toBe(
      'An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ValueError: bad\n' +
        'h1 | FAILED! => {\n    "changed": false,\n    "msg": "bad"\n}\n',
    );
    expect(render('stat', true, e).out).toBe(
      'An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ValueError: bad\nh1 | FAILED! => {"changed": false,"msg": "bad"}\n',
    );
  });

  it('command-like modules print their output; a missing rc is -1; the output keeps its own last newline', () => {
    expect(render('ansible.builtin.shell', false, { status: 'changed', result: { changed: true, rc: 0, stdout: 'a\n', stderr: '', msg: '' } }).out).toBe('h1 | CHANGED | rc=0 >>\na\n\n');
    expect(render('raw', true, { status: 'ok', result: { changed: false, stdout: 'x\ny', stderr: 'e' } }).out).toBe('h1 | SUCCESS | rc=-1 | (stdout) x\\ny (stderr) e\n');
    // an answer that is not the module's own (module_stderr): shown as JSON
    expect(render('command', false, { status: 'failed', result: { failed: true, module_stderr: 'boom', msg: 'MODULE FAILURE' } }).out).toBe(
      'h1 | FAILED! => {\n    "module_stderr": "boom",\n    "msg": "MODULE FAILURE"\n}\n',
    );
  });

  it('no_log hides the result; warnings go to stderr and out of the result; skipped hosts say SKIPPED; the recap prints nothing', () => {
    expect(render('copy', false, { status: 'changed', noLog: true, result: { changed: true, content: 'secret' } }).out).not.toContain('secret');
    const w = render('file', false, { status: 'ok', result: { changed: false, warnings: ['careful'] } });
    expect(w.err).toBe('[WARNING]: careful\n');
    expect(w.out).toBe('h1 | SUCCESS => {\n    "changed": false\n}\n');
    expect(render('command', false, { status: 'skipped', result: { skipped: true } }).out).toBe('h1 | SKIPPED\n');
  });
});
