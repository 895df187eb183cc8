import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ora } from 'ora';
import { TaskSpinner } from '../../src/output/task-spinner.js';

/** A stand-in for ora that records what it was asked to do. */
function fakeOra(log: string[]): (text: string) => Ora {
  return (text) => {
    let spinning = false;
    const o = {
      text,
      get isSpinning() {
        return spinning;
      },
      start() {
        spinning = true;
        log.push(`start ${o.text}`);
        return o;
      },
      stop() {
        if (spinning) log.push('stop');
        spinning = false;
        return o;
      },
      clear() {
        log.push('clear');
        return o;
      },
      render() {
        log.push(`render ${o.text}`);
        return o;
      },
    };
    return o as unknown as Ora;
  };
}

describe('task spinner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('never loads ora for tasks quicker than the delay', async () => {
    const load = vi.fn(async () => fakeOra([]));
    const s = new TaskSpinner(load, 300);
    s.show('task 1');
    await vi.advanceTimersByTimeAsync(200);
    s.hide();
    s.show('task 2');
    await vi.advanceTimersByTimeAsync(299);
    s.hide();
    await vi.advanceTimersByTimeAsync(1000);
    expect(load).not.toHaveBeenCalled();
  });

  it('spins for a slow task, prints lines around it, follows its text, stops at the end', async () => {
    const log: string[] = [];
    const s = new TaskSpinner(async () => fakeOra(log), 300);
    const lines: string[] = [];
    s.show('slow (2 hosts running)');
    s.around(() => lines.push('before'));
    await vi.advanceTimersByTimeAsync(300);
    s.around(() => lines.push('ok: [h1]'));
    s.show('slow (1 host running)');
    s.around(() => lines.push('ok: [h2]'));
    s.hide();
    expect(lines).toEqual(['before', 'ok: [h1]', 'ok: [h2]']);
    expect(log).toEqual([
      'start slow (2 hosts running)',
      'clear',
      'render slow (2 hosts running)',
      'clear',
      'render slow (1 host running)',
      'stop',
    ]);
  });
});
