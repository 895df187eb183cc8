// Ctrl-C: what must happen before the process exits with 99 (closing every
// open connection cleanly, the output written out), then ansible-playbook's
// message. Owners register a cleanup for as long as they run.
import { outputPaint } from '../output/color.js';

const cleanups = new Set<() => Promise<void>>();

export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** ansible-playbook's words on stderr (an [ERROR] line, as its display writes one). */
export const INTERRUPTED = 'User interrupted execution';

let interrupted = false;

/** Run every registered cleanup (bounded in time), say so on stderr, then exit with 99. */
export async function interrupt(
  exit: (code: number) => void = process.exit,
  writeError: (text: string) => void = (t) => process.stderr.write(t),
): Promise<void> {
  if (interrupted) return exit(99);
  interrupted = true;
  const all = Promise.allSettled([...cleanups].map((c) => c()));
  await Promise.race([all, new Promise((r) => setTimeout(r, 3000))]);
  // Written after the cleanups, as Ansible does: the spinner is gone by then.
  writeError(`${outputPaint()(` [ERROR]: ${INTERRUPTED}`, 'error')}\n`);
  exit(99);
}
