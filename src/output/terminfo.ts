// Whether the terminal named by TERM has colours, as Ansible asks curses: the
// terminal's compiled terminfo entry, its `colors` number. No entry (an unknown
// TERM) or no such number (vt100) means no colour.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where ncurses looks for entries, in its order. */
function terminfoDirs(env: Record<string, string | undefined>): string[] {
  return [
    env.TERMINFO,
    join(env.HOME ?? homedir(), '.terminfo'),
    ...(env.TERMINFO_DIRS ?? '').split(':').map((d) => d || '/usr/share/terminfo'),
    '/etc/terminfo',
    '/lib/terminfo',
    '/usr/share/terminfo',
  ].filter((d): d is string => Boolean(d));
}

function readEntry(term: string, env: Record<string, string | undefined>): Buffer | undefined {
  if (term.includes('/') || term.startsWith('.')) return undefined;
  for (const dir of terminfoDirs(env)) {
    // Letter subdirectories (Linux) or hexadecimal ones (macOS).
    for (const sub of [term[0]!, term.charCodeAt(0).toString(16)]) {
      try {
        return readFileSync(join(dir, sub, term));
      } catch {
        // not in this one
      }
    }
  }
  return undefined;
}

/** The `colors` capability, number 13 of the numeric ones; -1 when absent or unreadable. */
export function terminfoColors(term: string, env: Record<string, string | undefined> = process.env): number {
  const entry = readEntry(term, env);
  if (!entry || entry.length < 12) return -1;
  const magic = entry.readInt16LE(0);
  const wide = magic === 0o1036; // the extended format: numbers of 32 bits
  if (magic !== 0o432 && !wide) return -1;
  const [namesSize, boolCount, numCount] = [entry.readInt16LE(2), entry.readInt16LE(4), entry.readInt16LE(6)];
  const COLORS = 13;
  if (numCount <= COLORS) return -1;
  let at = 12 + namesSize + boolCount;
  if (at % 2 === 1) at++; // numbers start on an even byte
  at += COLORS * (wide ? 4 : 2);
  if (at + (wide ? 4 : 2) > entry.length) return -1;
  return wide ? entry.readInt32LE(at) : entry.readInt16LE(at);
}
