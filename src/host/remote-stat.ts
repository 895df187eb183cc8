// A detailed stat of several host paths in one round trip: what the stat module
// reports (inode, link count, timestamps, access for the connecting user...) and
// what the file module needs beyond probePaths (link count for "hard", inodes).
// The host agent answers with the very fields the shell script prints, so one
// conversion serves both.
import type { Connection } from '../connection/connection.js';
import { AgentGoneError } from '../connection/host-agent.js';
import { withAgent } from './remote-files.js';
import { quote } from './shell.js';

export type StatKind = 'file' | 'directory' | 'link' | 'chr' | 'blk' | 'fifo' | 'socket';
export type ChecksumAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

export interface RemoteStat {
  path: string;
  exists: boolean;
  kind?: StatKind;
  /** Full st_mode, type bits included. */
  rawMode?: number;
  /** Permission bits as probed, e.g. "644". */
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  atime?: number;
  mtime?: number;
  ctime?: number;
  nlink?: number;
  inode?: number;
  dev?: number;
  blocks?: number;
  blockSize?: number;
  deviceType?: number;
  /** readlink of a symlink. */
  linkTarget?: string;
  /** Fully resolved path of a symlink. */
  realPath?: string;
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
  checksum?: string;
}

export interface StatRequest {
  path: string;
  /** Describe what a symlink points to (a dangling link then is absent). */
  follow?: boolean;
  checksum?: ChecksumAlgorithm;
}

const MARK = '@@tsplay-stat@@';
const FORMAT = 'raw=%f|mode=%a|uid=%u|gid=%g|owner=%U|group=%G|size=%s|atime=%.9X|mtime=%.9Y|ctime=%.9Z|nlink=%h|inode=%i|dev=%d|blocks=%b|bsize=%o|major=%t|minor=%T';

function script(req: StatRequest): string {
  const lines = [
    `p=${quote(req.path)}; echo ${MARK}`,
    `stat ${req.follow ? '-L ' : ''}-c '${FORMAT}' -- "$p" 2>/dev/null | tr '|' '\\n'`,
    `if [ -L "$p" ]; then printf 'target=%s\\n' "$(readlink -- "$p")"; printf 'real=%s\\n' "$(readlink -m -- "$p")"; fi`,
    `[ -r "$p" ] && echo r=1; [ -w "$p" ] && echo w=1; [ -x "$p" ] && echo x=1`,
  ];
  if (req.checksum) {
    const regular = req.follow ? '[ -f "$p" ]' : '[ ! -L "$p" ] && [ -f "$p" ]';
    lines.push(`if ${regular} && [ -r "$p" ]; then echo "sum=$(${req.checksum}sum < "$p" | cut -d' ' -f1)"; fi`);
  }
  return lines.join('\n');
}

const KINDS: Record<number, StatKind> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o020000: 'chr',
  0o060000: 'blk',
  0o010000: 'fifo',
  0o140000: 'socket',
};

/** The shell script's `key=value` lines of one path (the first value of a key counts). */
function parse(path: string, block: string): RemoteStat {
  const f = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !f.has(line.slice(0, eq))) f.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return fromFields(path, f);
}

/** A RemoteStat from the fields, as the shell script prints them or the host agent sends them. */
function fromFields(path: string, f: Map<string, string>): RemoteStat {
  if (!f.has('raw')) return { path, exists: false };
  const n = (k: string): number => Number(f.get(k));
  const rawMode = parseInt(f.get('raw')!, 16);
  return {
    path,
    exists: true,
    kind: KINDS[rawMode & 0o170000] ?? 'file',
    rawMode,
    mode: f.get('mode'),
    uid: n('uid'),
    gid: n('gid'),
    owner: f.get('owner'),
    group: f.get('group'),
    size: n('size'),
    atime: n('atime'),
    mtime: n('mtime'),
    ctime: n('ctime'),
    nlink: n('nlink'),
    inode: n('inode'),
    dev: n('dev'),
    blocks: n('blocks'),
    blockSize: n('bsize'),
    deviceType: (parseInt(f.get('major') ?? '0', 16) << 8) | parseInt(f.get('minor') ?? '0', 16),
    linkTarget: f.get('target'),
    realPath: f.get('real'),
    readable: f.has('r'),
    writeable: f.has('w'),
    executable: f.has('x'),
    checksum: f.get('sum'),
  };
}

/** The sh script that stats these paths, exiting 0 (it may follow other commands in one round trip). */
export function statScript(requests: readonly StatRequest[]): string {
  return [...requests.map(script), 'true'].join('\n');
}

/** The stats in the output of statScript (anything printed before it is skipped). */
export function parseStats(stdout: string, requests: readonly StatRequest[]): RemoteStat[] {
  const blocks = stdout.split(`${MARK}\n`).slice(1);
  return requests.map((r, i) => parse(r.path, blocks[i] ?? ''));
}

/** Stat several paths in one round trip: through the host agent (no programs started) or the shell. */
export async function statPaths(conn: Connection, requests: readonly StatRequest[]): Promise<RemoteStat[]> {
  if (requests.length === 0) return [];
  return withAgent(
    conn,
    async (agent) => {
      const reply = await agent.stat({ requests }).catch((e: Error) => {
        if (e instanceof AgentGoneError) throw e;
        throw new Error(`could not stat ${requests.map((r) => r.path).join(', ')}: ${e.message}`);
      });
      return requests.map((r, i) => fromFields(r.path, new Map(Object.entries(reply.stats[i] ?? {}))));
    },
    async () => parseStats((await conn.exec(statScript(requests))).stdout, requests),
  );
}
