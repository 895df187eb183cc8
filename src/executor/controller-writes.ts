// Writing a file on the controller (fetch): parent directories made as
// needed, the bytes written to a temporary name beside the file and renamed
// over it, so a reader never sees half a file and hosts fetching to the same
// path do not interleave. New files and directories get the umask's modes, as
// Ansible's open() and makedirs do.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export function writeControllerFile(path: string, data: Buffer): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(tmp, data, mode === undefined ? {} : { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
