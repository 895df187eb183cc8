// How many SSH handshakes run at once. A key exchange, authentication and the
// start of a shell cost CPU on the controller and on the host; started all at
// once for hundreds of hosts, they queue for the CPU, and a host that is up
// can pass its connect timeout while waiting. So connections wait here for a
// slot, and each host's timeout starts when its own handshake starts.
import { availableParallelism } from 'node:os';

/** TSPLAY_CONNECTS (a positive whole number), else 4 a core, at least 4. */
export function handshakeSlots(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.TSPLAY_CONNECTS?.trim();
  if (set) {
    const n = Number(set);
    if (Number.isInteger(n) && n > 0) return n;
    throw new Error(`TSPLAY_CONNECTS must be a positive whole number, not '${set}'`);
  }
  return Math.max(4, 4 * availableParallelism());
}

/** A counting semaphore, first come first served. */
export class HandshakeGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  /** Resolves with the function that gives the slot back (call it once). */
  async enter(): Promise<() => void> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line.
      if (next) next();
      else this.running--;
    };
  }

  /** Handshakes running, and waiting for a slot (for tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

let shared: HandshakeGate | undefined;

/** The process's gate, sized on first use. */
export function handshakeGate(): HandshakeGate {
  return (shared ??= new HandshakeGate(handshakeSlots()));
}
