// Reading a file the run will execute code from (the code cache, the kept
// template code): only if it belongs to the user running tsplay and no one
// else may write it. A cache directory set to a shared place must not let
// another user's file run as this user.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

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
