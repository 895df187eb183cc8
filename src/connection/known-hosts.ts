// OpenSSH known_hosts: parsing, matching (plain, wildcard, negated and hashed
// `|1|salt|hash` host fields, `[host]:port` names), fingerprints, and an atomic,
// serialised append for `accept-new`.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readParsed } from './file-cache.js';

export interface KnownHostEntry {
  /** `@cert-authority` or `@revoked`, if the line has a marker. */
  marker?: string;
  /** The host field as written (patterns or a hashed name). */
  hosts: string;
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

/** Name OpenSSH looks up in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) marker = fields.shift();
    if (fields.length < 3) return;
    const [hosts, keyType, keyB64] = fields as [string, string, string];
    if (!/^[A-Za-z0-9+/]+=*$/.test(keyB64)) return;
    const key = Buffer.from(keyB64, 'base64');
    // The blob starts with its own type name; skip lines where they disagree.
    if (keyTypeOf(key) !== keyType) return;
    entries.push({ marker, hosts, keyType, key, file, line: i + 1 });
  });
  return entries;
}

/**
 * Read known_hosts files; a missing file is an empty one. Each file is parsed
 * once while it is unchanged (file-cache.ts): hosts connecting at once share it.
 * The entries are shared: do not mutate them.
 */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const parts: KnownHostEntry[][] = [];
  for (const file of files) {
    let entries: KnownHostEntry[];
    try {
      entries = await readParsed(file, `known_hosts:${file}`, (data) => parseKnownHosts(data.toString('utf8'), file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    parts.push(entries);
  }
  // The same files unchanged give the same array, so its index (entriesFor) is made once.
  const last = lastLoad;
  if (last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i])) return last.all;
  const all = parts.flat();
  lastLoad = { parts, all };
  return all;
}

let lastLoad: { parts: KnownHostEntry[][]; all: KnownHostEntry[] } | undefined;

/**
 * known_hosts entries looked up by name: lines naming plain hosts are found in
 * a map, only patterns and hashed names are tested one by one. Testing every
 * line for every host made connecting to N hosts O(N^2) (a million pattern
 * tests at 1,000 hosts, twice: key algorithms, then the key).
 */
interface EntryIndex {
  plain: Map<string, number[]>;
  /** Positions of lines with patterns, negations or hashed names. */
  tested: number[];
  /** Entries (unmarked) matching a name, in file order, as last worked out. */
  byName: Map<string, KnownHostEntry[]>;
}

const indexes = new WeakMap<readonly KnownHostEntry[], EntryIndex>();

function indexOf(entries: readonly KnownHostEntry[]): EntryIndex {
  let index = indexes.get(entries);
  if (index) return index;
  index = { plain: new Map(), tested: [], byName: new Map() };
  entries.forEach((e, i) => {
    if (e.marker !== undefined) return;
    if (e.hosts.startsWith('|') || /[*?!]/.test(e.hosts)) {
      index!.tested.push(i);
      return;
    }
    for (const name of new Set(e.hosts.toLowerCase().split(',').filter((n) => n !== ''))) {
      const at = index!.plain.get(name);
      if (at) at.push(i);
      else index!.plain.set(name, [i]);
    }
  });
  indexes.set(entries, index);
  return index;
}

/** The unmarked entries whose host field matches `name`, in file order (shared: not to be changed). */
export function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  const index = indexOf(entries);
  let found = index.byName.get(name);
  if (found) return found;
  const positions = [...(index.plain.get(name.toLowerCase()) ?? []), ...index.tested.filter((i) => hostFieldMatches(entries[i]!.hosts, name))];
  found = positions.sort((a, b) => a - b).map((i) => entries[i]!);
  if (index.byName.size >= 10_000) index.byName.clear();
  index.byName.set(name, found);
  return found;
}

// Compiled host patterns: every host's lookup tests every known_hosts line.
const patternCache = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re) return re;
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  re = new RegExp(`^${body}$`, 'i');
  if (patternCache.size >= 10_000) patternCache.clear();
  patternCache.set(pattern, re);
  return re;
}

/** Does a known_hosts host field match `name` (as produced by knownHostName)? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const parts = field.split('|');
    if (parts.length !== 4) return false;
    const salt = Buffer.from(parts[2]!, 'base64');
    const want = parts[3]!;
    const got = createHmac('sha1', salt).update(name).digest('base64');
    return got === want;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(p).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The algorithm name inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4 || len > 64) return '';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

/** Compare the key a server presented with what known_hosts says about `name`. */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyCheck {
  const type = keyTypeOf(blob);
  for (const e of entries) {
    if (e.marker === '@revoked' && e.key.equals(blob) && (e.hosts === '*' || hostFieldMatches(e.hosts, name))) {
      return { status: 'revoked', entry: e };
    }
  }
  const forHost = entriesFor(entries, name);
  const same = forHost.find((e) => e.keyType === type && e.key.equals(blob));
  if (same) return { status: 'known', entry: same };
  const changed = forHost.find((e) => e.keyType === type);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', otherTypes: [...new Set(forHost.map((e) => e.keyType))] };
}

/** Server host key algorithms that verify a key of a given known_hosts type. */
function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms in the order to offer them: the types already known for
 * this host first (as OpenSSH does), so a server with several host keys shows
 * us the one we can verify.
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], name: string): string[] {
  const known = entriesFor(entries, name)
    .flatMap((e) => algorithmsFor(e.keyType))
    .filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...known, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

// One lock per file: parallel hosts accepting new keys append one at a time.
const fileLocks = new Map<string, Promise<unknown>>();

function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const previous = fileLocks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  fileLocks.set(key, settled);
  void settled.then(() => {
    if (fileLocks.get(key) === settled) fileLocks.delete(key);
  });
  return run;
}

/**
 * Append `name keytype base64` to a known_hosts file atomically (temp file +
 * rename), unless an identical entry already exists. Creates the directory
 * (mode 0700) and keeps the file's mode (0600 for a new file).
 */
export function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
  return withFileLock(file, async () => {
    // Keep a symlinked known_hosts a symlink: replace its target.
    file = await fs.realpath(file).catch(() => file);
    let current = '';
    let mode = 0o600;
    try {
      current = await fs.readFile(file, 'utf8');
      mode = (await fs.stat(file)).mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    }
    const existing = parseKnownHosts(current, file);
    if (existing.some((e) => e.marker === undefined && e.key.equals(blob) && hostFieldMatches(e.hosts, name))) return;
    const line = `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
    const text = current === '' || current.endsWith('\n') ? current + line : `${current}\n${line}`;
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, text, { mode });
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  });
}
