// Reading and writing files on a host through its Connection, in one round trip
// each: a probe that reports type, mode, ownership, checksum (and optionally
// content), and an atomic write (temporary name in the target directory, then
// rename), so an interrupted transfer never leaves half a file.
import { hash } from 'node:crypto';
import type { Connection } from '../connection/connection.js';
import { AgentGoneError, type AgentFileState, type AgentPutReply, type AgentWriteReply, type AgentWriteRequest, type FileOwnership, type HostAgent } from '../connection/host-agent.js';
import { sh, raw } from './shell.js';

export type RemoteFileType = 'file' | 'directory' | 'link' | 'other';

export interface RemoteFileState extends FileOwnership {
  path: string;
  exists: boolean;
  type?: RemoteFileType;
  /** Permission bits as four octal digits, e.g. "0644". */
  mode?: string;
  /** Where a symlink points (only for type "link"). */
  linkTarget?: string;
  /** SHA-1 of a regular file's content (what Ansible calls checksum). */
  checksum?: string;
  /** A regular file's content, when asked for. */
  content?: Buffer;
}

export interface ProbeOptions {
  /** Describe what a symlink points to instead of the link itself. */
  follow?: boolean;
  /** Also return the content of regular files. */
  content?: boolean;
  /** Also return the SHA-1 of regular files. */
  checksum?: boolean;
}

// crypto.hash: one call instead of a Hash object; several times cheaper for small files.
export function sha1(data: Buffer | string): string {
  return hash('sha1', data, 'hex');
}

const MARK = '@@tsplay-probe@@';

function probeScript(path: string, options: ProbeOptions): string {
  const statFlag = options.follow ? '-L ' : '';
  const linkTest = options.follow ? '[ -L "$p" ] && [ ! -e "$p" ]' : '[ -L "$p" ]';
  return [
    sh`p=${path}; echo ${MARK}`,
    `if ${linkTest}; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi`,
    'echo "type=$t"',
    // Few processes per probe: the host's process starts are most of a task's cost.
    `if [ "$t" != absent ]; then stat ${statFlag}--printf 'mode=%a\\nuid=%u\\ngid=%g\\nowner=%U\\ngroup=%G\\nsize=%s\\nmtime=%Y\\n' -- "$p"; fi`,
    `if [ "$t" = link ]; then printf 'target=%s\\n' "$(readlink -- "$p")"; fi`,
    options.checksum ? `if [ "$t" = file ]; then printf 'sha1='; sha1sum < "$p"; fi` : '',
    options.content ? `if [ "$t" = file ]; then printf 'content='; base64 -w0 < "$p"; echo; fi` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The shell probe's `key=value` lines, in the agent's wire shape (one conversion serves both). */
function parseProbe(path: string, block: string): RemoteFileState {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const num = (k: string): number | undefined => (fields.has(k) ? Number(fields.get(k)) : undefined);
  return toFileState(path, {
    type: (fields.get('type') || 'absent') as AgentFileState['type'],
    mode: fields.get('mode'),
    uid: num('uid'),
    gid: num('gid'),
    owner: fields.get('owner'),
    group: fields.get('group'),
    size: num('size'),
    mtime: num('mtime'),
    target: fields.get('target'),
    sha1: fields.get('sha1')?.slice(0, 40),
    content: fields.get('content'),
  });
}

/** A file's state as modules see it, from the agent's answer or the parsed shell probe. */
function toFileState(path: string, s: AgentFileState): RemoteFileState {
  if (s.type === 'absent') return { path, exists: false };
  return {
    path,
    exists: true,
    type: s.type,
    mode: s.mode?.padStart(4, '0'),
    uid: s.uid,
    gid: s.gid,
    owner: s.owner,
    group: s.group,
    size: s.size,
    mtime: s.mtime,
    linkTarget: s.target,
    checksum: s.sha1,
    content: s.content !== undefined ? Buffer.from(s.content, 'base64') : undefined,
  };
}

/**
 * Run `viaAgent` when the host has an agent, else (or when the agent went
 * away meanwhile) `viaShell`. Errors the agent reports are the operation's.
 */
export async function withAgent<T>(conn: Connection, viaAgent: (a: HostAgent) => Promise<T>, viaShell: () => Promise<T>): Promise<T> {
  const agent = conn.agent ? await conn.agent() : undefined;
  if (!agent) return viaShell();
  try {
    return await viaAgent(agent);
  } catch (e) {
    if (e instanceof AgentGoneError) return viaShell();
    throw e;
  }
}

/** Probe several paths in one round trip. */
export async function probePaths(
  conn: Connection,
  paths: readonly string[],
  options: ProbeOptions = {},
): Promise<RemoteFileState[]> {
  if (paths.length === 0) return [];
  return withAgent(
    conn,
    async (agent) => {
      const reply = await agent.probe({ paths, ...options }).catch((e: Error) => {
        if (e instanceof AgentGoneError) throw e;
        throw new Error(`could not inspect ${paths.join(', ')}: ${e.message}`);
      });
      return paths.map((p, i) => toFileState(p, reply.states[i]!));
    },
    () => probeWithShell(conn, paths, options),
  );
}

async function probeWithShell(conn: Connection, paths: readonly string[], options: ProbeOptions): Promise<RemoteFileState[]> {
  const script = paths.map((p) => probeScript(p, options)).join('\n');
  const res = await conn.exec(script);
  if (res.rc !== 0) throw new Error(`could not inspect ${paths.join(', ')}: ${res.stderr.trim()}`);
  const blocks = res.stdout.split(`${MARK}\n`).slice(1);
  return paths.map((p, i) => parseProbe(p, blocks[i] ?? ''));
}

export async function probePath(conn: Connection, path: string, options: ProbeOptions = {}): Promise<RemoteFileState> {
  const [state] = await probePaths(conn, [path], options);
  return state!;
}

/** Normalise a user's mode (YAML octal int, "0644", "644", "u+rw") for chmod. */
export function modeForChmod(mode: string | number): string {
  if (typeof mode === 'number') return mode.toString(8).padStart(4, '0');
  return /^[0-7]{1,4}$/.test(mode) ? mode.padStart(4, '0') : mode;
}

export interface WriteOptions {
  mode?: string | number;
  owner?: string;
  group?: string;
  /** Keep a timestamped copy of the file being replaced; its path is returned. */
  backup?: boolean;
  /** Create missing parent directories first, as `mkdir -p` does. */
  parents?: boolean;
  /** Probe the written file in the same round trip, and return what it reports. */
  probeAfter?: ProbeOptions;
}

/**
 * Write `content` to `path` atomically: into a temporary file in the same
 * directory, with mode and ownership set, then renamed over the target. A
 * replaced file keeps its mode and owner unless new ones are given; a new file
 * gets the umask's default mode, as Ansible does.
 */
export async function writeFileAtomic(
  conn: Connection,
  path: string,
  content: Buffer | string,
  options: WriteOptions = {},
): Promise<{ backupFile?: string; after?: RemoteFileState }> {
  const fields = agentWriteFields(content, options);
  if (!fields) return writeWithShell(conn, path, content, options);
  return withAgent(
    conn,
    async (agent) => {
      let reply: AgentWriteReply;
      try {
        reply = await agent.write({ path, ...fields });
      } catch (e) {
        return writeFailed(path)(e as Error);
      }
      return { backupFile: reply.backup, after: reply.after ? toFileState(path, reply.after) : undefined };
    },
    () => writeWithShell(conn, path, content, options),
  );
}

/** A write's fields in an agent request; undefined for a symbolic mode ("u+rw"), which is chmod's job. */
function agentWriteFields(content: Buffer | string, options: WriteOptions): Omit<AgentWriteRequest, 'op' | 'path'> | undefined {
  const mode = options.mode === undefined ? undefined : modeForChmod(options.mode);
  if (mode !== undefined && !/^[0-7]{4}$/.test(mode)) return undefined;
  const fields: Omit<AgentWriteRequest, 'op' | 'path'> = { data: (typeof content === 'string' ? Buffer.from(content) : content).toString('base64'), backup: options.backup === true };
  if (mode !== undefined) fields.mode = mode;
  if (options.owner) fields.owner = options.owner;
  if (options.group) fields.group = options.group;
  if (options.parents) fields.parents = true;
  if (options.probeAfter) fields.probeAfter = options.probeAfter;
  return fields;
}

/** The agent's error as the write's; a gone agent stays AgentGoneError, so the shell takes over. */
function writeFailed(path: string): (e: Error) => never {
  return (e) => {
    if (e instanceof AgentGoneError) throw e;
    throw new Error(`could not write ${path}: ${e.message}`);
  };
}

export interface PutResult {
  /** dest and its parent as they were before anything was written. */
  before: [RemoteFileState, RemoteFileState];
  wrote: boolean;
  backupFile?: string;
  after?: RemoteFileState;
}

export interface PutOptions extends WriteOptions {
  /** Also return dest's content as it was. */
  withContent?: boolean;
  /** Leave dest alone if it is already a regular file with this SHA-1 (the content's): copy, template. */
  unlessSha1?: string;
  /**
   * Write only if dest is still the regular file with this SHA-1 (links not
   * followed): an edit planned from what this run last saw of the file.
   */
  ifSha1?: string;
}

/**
 * One round trip for a changing file: probe dest and its parent (following
 * links, with checksums, and dest's content when `withContent`) and, in the
 * same request, write dest atomically unless it already holds `content`, its
 * parent is missing or it is a directory (with `ifSha1`: only if dest still
 * has that checksum). Only the host agent can decide on the
 * host: resolves undefined when there is none (or for a symbolic mode), and the
 * caller probes, then writes.
 */
export async function putFile(
  conn: Connection,
  dest: string,
  parent: string,
  content: Buffer,
  options: PutOptions = {},
): Promise<PutResult | undefined> {
  const fields = agentWriteFields(content, options);
  if (!fields) return undefined;
  const condition =
    options.ifSha1 !== undefined ? { ifSha1: options.ifSha1, follow: false } : { unlessSha1: options.unlessSha1 ?? sha1(content) };
  return withAgent<PutResult | undefined>(
    conn,
    async (agent) => {
      const request = { paths: [dest, parent] as const, content: options.withContent === true, ...condition, ...fields };
      let reply: AgentPutReply;
      try {
        reply = await agent.put(request);
      } catch (e) {
        return writeFailed(dest)(e as Error);
      }
      return {
        before: [toFileState(dest, reply.states[0]), toFileState(parent, reply.states[1])],
        wrote: reply.wrote,
        backupFile: reply.backup,
        after: reply.after ? toFileState(dest, reply.after) : undefined,
      };
    },
    async () => undefined,
  );
}

async function writeWithShell(
  conn: Connection,
  path: string,
  content: Buffer | string,
  options: WriteOptions,
): Promise<{ backupFile?: string; after?: RemoteFileState }> {
  const ownership =
    options.owner || options.group ? `${options.owner ?? ''}${options.group ? `:${options.group}` : ''}` : undefined;
  const lines = [
    sh`p=${path}; d=$(dirname -- "$p")`,
    options.parents ? 'mkdir -p -- "$d" || exit 1' : '',
    `t=$(mktemp "$d/.tsplay.XXXXXX") || exit 1`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t" || exit 1`,
    `if [ -e "$p" ]; then chmod --reference="$p" "$t" && chown --reference="$p" "$t" 2>/dev/null; else chmod "$(printf '%o' $((0666 & ~0$(umask))))" "$t"; fi`,
    options.mode !== undefined ? sh`chmod ${modeForChmod(options.mode)} "$t" || exit 1` : '',
    ownership ? sh`chown ${ownership} "$t" || exit 1` : '',
    options.backup
      ? `if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p -- "$p" "$b" || exit 1; echo "backup=$b"; fi`
      : '',
    `mv -f -- "$t" "$p" || exit 1`,
    `trap - EXIT`,
    options.probeAfter ? probeScript(path, options.probeAfter) : '',
  ].filter(Boolean);
  const res = await conn.exec(lines.join('\n'), { stdin: content });
  if (res.rc !== 0) throw new Error(`could not write ${path}: ${res.stderr.trim() || `exit ${res.rc}`}`);
  const backup = /^backup=(.*)$/m.exec(res.stdout)?.[1];
  const probed = options.probeAfter ? res.stdout.split(`${MARK}\n`)[1] : undefined;
  return { backupFile: backup, after: probed === undefined ? undefined : parseProbe(path, probed) };
}


export { raw };
