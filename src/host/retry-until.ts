// Trying something on a host again and again until it works or time runs out
// (reboot, wait_for_connection): each attempt is bounded too, so a connection
// that hangs on a host that went away cannot outlast the deadline.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a rejection with `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} seconds`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `attempt` until it resolves, pausing `pauseMs(failures)` after each
 * failure, while the clock is before `deadline` (ms since the epoch). Resolves
 * with its value, or `undefined` and the last error when time ran out.
 */
export async function retryUntil<T>(
  deadline: number,
  attempt: () => Promise<T>,
  pauseMs: (failures: number) => number,
): Promise<{ value: T } | { error: unknown }> {
  let error: unknown = new Error('no attempt was made');
  for (let failures = 0; Date.now() < deadline; failures++) {
    try {
      return { value: await attempt() };
    } catch (e) {
      error = e;
    }
    await sleep(Math.max(0, Math.min(pauseMs(failures), deadline - Date.now())));
  }
  return { error };
}
