import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/executor/lockstep.js';

describe('linear scheduler', () => {
  it('runs each step for all hosts together, in order', async () => {
    const log: string[] = [];
    const s = new Scheduler<string, string>(
      ['h1', 'h2'],
      { keyOf: (step) => step, positionOf: (step) => [step.charCodeAt(0)] },
      async (step, hosts) => {
        log.push(`${step}:${hosts.join(',')}`);
        return new Map(hosts.map((h) => [h, `${step}@${h}`]));
      },
      true,
    );
    const walk = async (host: string, steps: string[]) => {
      for (const st of steps) await s.step(host, st);
      s.done(host);
    };
    await Promise.all([walk('h1', ['a', 'b', 'c']), walk('h2', ['a', 'c'])]);
    // h2 skips b: b runs for h1 alone while h2 waits at c; then c runs for both.
    expect(log).toEqual(['a:h1,h2', 'b:h1', 'c:h1,h2']);
  });
});
