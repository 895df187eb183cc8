import { describe, expect, it } from 'vitest';
import { HandshakeGate, handshakeSlots } from '../../src/connection/handshake-gate.js';

describe('HandshakeGate', () => {
  it('lets `slots` in at once and the rest in order as slots are given back', async () => {
    const gate = new HandshakeGate(2);
    const order: number[] = [];
    const leaves: (() => void)[] = [];
    const entries = [1, 2, 3, 4].map((n) => gate.enter().then((leave) => (order.push(n), leaves.push(leave))));
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2]);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    leaves[0]!();
    leaves[0]!(); // a second call gives nothing back twice
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2, 3]);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    leaves[1]!();
    await Promise.all(entries);
    expect(order).toEqual([1, 2, 3, 4]);
    leaves[2]!();
    leaves[3]!();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('is sized by TSPLAY_CONNECTS, else four a core (at least four)', () => {
    expect(handshakeSlots({ TSPLAY_CONNECTS: '3' })).toBe(3);
    expect(handshakeSlots({})).toBeGreaterThanOrEqual(4);
    expect(() => handshakeSlots({ TSPLAY_CONNECTS: 'lots' })).toThrow(/positive whole number/);
    expect(() => handshakeSlots({ TSPLAY_CONNECTS: '0' })).toThrow(/positive whole number/);
  });
});
