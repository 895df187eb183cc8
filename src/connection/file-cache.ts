// Parsed contents of the files every host's connection reads (known_hosts,
// private keys, the ssh config), read and parsed once and shared while the file
// is unchanged. Without it, connecting to N hosts at once read and parsed the
// same files N times (quadratic for known_hosts, which has a line per host; a
// passphrase-protected key costs a bcrypt KDF per parse).
//
// Each use stats the file; the cached value is reused only if device, inode,
// size, mtime and ctime (nanoseconds) are all the same, so an edited, replaced
// (rename, as appendKnownHost does) or recreated file is read again. File
// times come from a coarse clock (a kernel tick), so two writes of the same size
// in the same tick can leave the same times: like git's "racy" index entries, a
// read is reused only if the file had not changed for RACY_MS when it was
// stat'ed. Failures are not cached. Cached values are shared: callers must not
// mutate them.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

interface Entry {
  signature: string;
  value: Promise<unknown>;
  /** The file was older than RACY_MS when stat'ed: a later change shows in its times. */
  reusable: boolean;
}

const MAX_ENTRIES = 64;
const RACY_MS = 100;
const cache = new Map<string, Entry>();

/**
 * `parse(contents of file)`, cached per (kind, absolute path) while the file is
 * unchanged. `kind` separates different parses of the same file (e.g. a key
 * with different passphrases). Rejects like fs.readFile (ENOENT, EACCES, ...)
 * or with what `parse` throws.
 */
export async function readParsed<T>(file: string, kind: string, parse: (data: Buffer) => T): Promise<T> {
  const key = `${kind}\0${path.resolve(file)}`;
  const st = await fs.stat(file, { bigint: true });
  const signature = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const hit = cache.get(key);
  if (hit && hit.reusable && hit.signature === signature) return hit.value as Promise<T>;
  const changedMs = Number((st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) / 1_000_000n);
  const value = fs.readFile(file).then(parse);
  const entry: Entry = { signature, value, reusable: Date.now() - changedMs > RACY_MS };
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return value;
}

/** A cache kind for secrets (a passphrase) that does not keep the secret itself. */
export function secretKind(prefix: string, secret: string | undefined): string {
  return secret === undefined ? prefix : `${prefix}:${createHash('sha256').update(secret).digest('hex')}`;
}

/** Forget everything (tests). */
export function clearFileCache(): void {
  cache.clear();
}
