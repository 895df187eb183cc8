// The files the run will execute code from (the code cache, the kept template
// code): read only if they belong to the user running tsplay and no one else
// may write them (a cache directory set to a shared place must not let another
// user's file run as this user), and written so that no one else can.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file's bytes, or undefined if it is missing, unreadable, or not safely this user's own. */
export function readOwnFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the file for this user only (its directory created 0700, the file
 * 0600), aside and renamed, so that runs at the same time never read half a
 * file. Throws on failure (a read-only home, a full disk).
 */
export function writeOwnFile(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}
