// Runs the bundled CLI (dist/bundle/tsplay.cjs, written by src/build-bundle.ts)
// with V8's code cache. Node 20 has no compile cache for modules, and a run of
// tsplay used to spend ~0.2 s compiling JavaScript at start-up and, as
// functions are compiled on their first call, about a fifth of its CPU during
// the tasks. The cache is made at the end of a run, so it holds every function
// that run compiled, not only the top level, and the next run starts with them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOwnFile, writeOwnFile } from '../own-file.js';
import { Script } from 'node:vm';

export const BUNDLE_FILE = fileURLToPath(new URL('../../bundle/tsplay.cjs', import.meta.url));

/** Where the cache lives: $TSPLAY_CODE_CACHE (a directory, or 0 for none), else the user's cache directory. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.TSPLAY_CODE_CACHE;
  if (set === '0' || set === 'off') return undefined;
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tsplay');
}

// A cache file: MAGIC, how much of tsplay the run that made it used (uint32:
// the kinds of module it looked up), the SHA-1 of V8's data, then the data. V8 checks its data's
// version and flags but, in release builds, not its integrity, and it would
// run damaged bytecode; hence the checksum.
const MAGIC = Buffer.from('TSP2');
const SUM = 20;
const HEADER = MAGIC.length + 4 + SUM;

const sha1 = (data: Buffer | string): Buffer => createHash('sha1').update(data).digest();

/** How the cache was used: none there (or disabled), taken by V8, or refused (damaged, or made by another node or with other flags). */
export type CacheUse = 'none' | 'accepted' | 'rejected';

export interface LoadedBundle {
  exports: Record<string, unknown>;
  cacheUse: CacheUse;
  /** A file in the cache directory that belongs to this very bundle and node, e.g. `templates.json` (undefined without a cache). */
  cacheFileFor(name: string): string | undefined;
  /**
   * Writes the cache if it is missing, was refused, or this run used more of
   * tsplay than the run that made it (`used`: the kinds of module it looked up).
   */
  saveCache(used?: number): boolean;
}

/** The cache file's data, `damaged` if it fails its checksum, undefined if there is none (or not this user's own). */
function readCache(file: string): { used: number; data: Buffer } | 'damaged' | undefined {
  const buf = readOwnFile(file);
  if (!buf) return undefined;
  const data = buf.subarray(HEADER);
  if (buf.length <= HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'damaged';
  if (!sha1(data).equals(buf.subarray(MAGIC.length + 4, HEADER))) return 'damaged';
  return { used: buf.readUInt32LE(MAGIC.length), data };
}

/**
 * Whether to write the cache at the end of a run: when there was none or V8
 * refused it, or when this run used more of tsplay than the run that made it
 * (which may have been a `--version`). Not the bytecode in the heap: measuring
 * it walks the whole heap, ~50-80 ms at the end of a 100-host run.
 */
export function shouldSaveCache(use: CacheUse, usedWhenMade: number, usedNow: number): boolean {
  return use !== 'accepted' || usedNow > usedWhenMade;
}

// The bundle's hash, worked out by the build and kept beside it with what the
// file was then (a 4 MB hash is ~10-20 ms of every start); a file that is no
// longer that one is hashed again. The id also says whether the file is all
// ASCII (the build makes it so), which is read as Latin-1: a copy, where
// decoding 4 MB of UTF-8 is ~12 ms of every start.
const idFile = (file: string): string => `${file}.id`;
const fileStamp = (file: string): string => {
  const st = statSync(file);
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
};

interface BundleId {
  sha1: string;
  ascii: boolean;
}

/** Writes the bundle's id beside it (the build's last step). */
export function writeBundleId(file: string): void {
  const bytes = readFileSync(file);
  const ascii = !bytes.some((b) => b > 0x7f);
  writeFileSync(idFile(file), JSON.stringify({ stamp: fileStamp(file), sha1: sha1(bytes).toString('hex'), ascii }));
}

/** The id the build wrote, if it is still this file's. */
function readBundleId(file: string): BundleId | undefined {
  try {
    const id = JSON.parse(readFileSync(idFile(file), 'utf8')) as { stamp?: unknown; sha1?: unknown; ascii?: unknown };
    if (id.stamp === fileStamp(file) && typeof id.sha1 === 'string') return { sha1: id.sha1, ascii: id.ascii === true };
  } catch {
    // no id file (a bundle not made by the build)
  }
  return undefined;
}

/** Compiles and runs a CommonJS script file, through the code cache in cacheDir if given. */
export function loadBundle(file: string, cacheDir: string | undefined): LoadedBundle {
  const id = readBundleId(file);
  const source = readFileSync(file, id?.ascii ? 'latin1' : 'utf8');
  // V8 checks the cache against the source's length only, so the names hold a
  // hash of the content. Files of other builds for the same node are removed
  // when the cache is written; another node's are left alone.
  const build = `${process.version}-${process.arch}-`;
  const key = `${build}${(id?.sha1 ?? sha1(source).toString('hex')).slice(0, 20)}`;
  const cacheFileFor = (name: string) => (cacheDir ? join(cacheDir, `${key}-${name}`) : undefined);
  const cacheFile = cacheFileFor('code.bin');
  const read = cacheFile ? readCache(cacheFile) : undefined;
  const cached = typeof read === 'object' ? read : undefined;
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached?.data });
  const cacheUse: CacheUse = read === undefined ? 'none' : read === 'damaged' || script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));

  const saveCache = (used = 0): boolean => {
    if (!cacheFile) return false;
    if (!shouldSaveCache(cacheUse, cached?.used ?? 0, used)) return false;
    try {
      const data = script.createCachedData();
      const header = Buffer.alloc(HEADER);
      MAGIC.copy(header);
      header.writeUInt32LE(Math.min(used, 0xffffffff), MAGIC.length);
      sha1(data).copy(header, MAGIC.length + 4);
      writeOwnFile(cacheFile, Buffer.concat([header, data]));
      for (const f of readdirSync(cacheDir!)) if (f.startsWith(build) && !f.startsWith(key)) rmSync(join(cacheDir!, f), { force: true });
      return true;
    } catch {
      return false; // a read-only home, a full disk: the cache is only an optimisation
    }
  };
  return { exports: module.exports, cacheUse, saveCache, cacheFileFor };
}
