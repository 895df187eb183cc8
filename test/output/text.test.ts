// The text reporter's lines, as ansible-playbook 2.14's default callback
// prints them (each expectation is Ansible's output for the same result).
import { describe, expect, it } from 'vitest';
import type { HostResult } from '../../src/output/events.js';
import { TextReporter, renderDiff } from '../../src/output/text.js';

function printed(events: Partial<HostResult>[], options: { verbosity?: number; diff?: boolean } = {}): string {
  let out = '';
  const reporter = new TextReporter((t) => (out += t), { diff: options.diff ?? false, verbosity: options.verbosity ?? 0 });
  for (const e of events) {
    reporter.emit({ kind: 'host_result', host: 'h1', status: 'ok', ignored: false, result: { changed: false }, diff: [], verbose: (options.verbosity ?? 0) > 0, noLog: false, ...e });
  }
  return out;
}

describe('diffs', () => {
  it("uses difflib's hunk ranges (a count of one left out) and ends with a blank line", () => {
    expect(renderDiff({ before: '', after: 'x\n', before_header: 'f (content)', after_header: 'f (content)' })).toBe(
      '--- before: f (content)\n+++ after: f (content)\n@@ -0,0 +1 @@\n+x\n',
    );
    expect(renderDiff({ before: 'x\n', after: 'x\ny\n' })).toBe('--- before\n+++ after\n@@ -1 +1,2 @@\n x\n+y\n');
  });

  it('prints nothing for equal sides, and a blank line after each diff', () => {
    expect(renderDiff({ before: 'a\n', after: 'a\n' })).toBe('');
    const out = printed([{ status: 'changed', result: { changed: true }, diff: [{ before: '', after: 'x\n' }] }], { diff: true });
    expect(out).toBe('--- before\n+++ after\n@@ -0,0 +1 @@\n+x\n\nchanged: [h1]\n');
  });
});

describe('results', () => {
  it('-v prints a result as one line of JSON, without failed and skipped', () => {
    expect(printed([{ result: { changed: false, rc: 0, failed: false } }], { verbosity: 1 })).toBe('ok: [h1] => {"changed": false, "rc": 0}\n');
    expect(printed([{ status: 'skipped', result: { changed: false, skip_reason: 'Conditional result was False', skipped: true } }], { verbosity: 1 })).toBe(
      'skipping: [h1] => {"changed": false, "skip_reason": "Conditional result was False"}\n',
    );
  });

  it('-vvv indents it', () => {
    expect(printed([{ result: { changed: false } }], { verbosity: 3 })).toBe('ok: [h1] => {\n    "changed": false\n}\n');
  });

  it('no_log on debug: a bare line, and at -v the censored note alone on one line', () => {
    const secret: Partial<HostResult> = { result: { changed: false, msg: 'hidden' }, noLog: true, shown: 'debug' };
    expect(printed([secret])).toBe('ok: [h1]\n');
    expect(printed([secret], { verbosity: 1 })).toBe(
      `ok: [h1] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}\n`,
    );
  });

  it('debug without no_log stays indented without -v and at -v', () => {
    const shown: Partial<HostResult> = { result: { changed: false, msg: 'hi' }, shown: 'debug' };
    expect(printed([shown])).toBe('ok: [h1] => {\n    "msg": "hi"\n}\n');
    expect(printed([shown], { verbosity: 1 })).toBe('ok: [h1] => {\n    "msg": "hi"\n}\n');
  });
});
