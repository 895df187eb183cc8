// Ctrl-C: what must happen before the process exits with 99 (closing every
// open connection cleanly). Owners register a cleanup for as long as they run.
const cleanups = new Set<() => Promise<void>>();

export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

let interrupted = false;

/** Run every registered cleanup (bounded in time), then exit with 99. */
export async function interrupt(exit: (code: number) => void = process.exit): Promise<void> {
  if (interrupted) return exit(99);
  interrupted = true;
  const all = Promise.allSettled([...cleanups].map((c) => c()));
  await Promise.race([all, new Promise((r) => setTimeout(r, 3000))]);
  exit(99);
}
