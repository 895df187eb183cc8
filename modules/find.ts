// find: list the files under paths that pass Ansible's filters (name
// patterns or regexes, excludes, age, size, content, type, hidden, depth).
// One probe: GNU find prints every entry with its lstat fields (and checksums
// or content matches where asked); the filters and Ansible's os.walk order
// (each directory's files, then its sub-directories, top-down) are applied here.
import { posix } from 'node:path';
import { modeFlags } from '../src/file-ops/mode-flags.js';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';
import { fnmatch } from '../src/file-ops/fnmatch.js';
import { pyRegex } from '../src/templating/regex.js';

type FileType = 'any' | 'directory' | 'file' | 'link';

interface FindArgs {
  paths: string[];
  patterns: string[];
  excludes?: string[];
  contains?: string;
  read_whole_file: boolean;
  file_type: FileType;
  age?: string;
  age_stamp: 'atime' | 'ctime' | 'mtime';
  size?: string;
  recurse: boolean;
  hidden: boolean;
  follow: boolean;
  get_checksum: boolean;
  use_regex: boolean;
  depth?: number;
}

/** One entry as find printed it: lstat fields, and the type of what it points to. */
interface Entry {
  /** find's type letter of the entry itself (lstat): f d l p s c b. */
  type: string;
  /** The type following symlinks (os.walk's is_dir()). */
  followed: string;
  perm: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  path: string;
}

const MARK = '@@tsplay-find@@';
const FIELDS = '%y|%Y|%m|%U|%G|%u|%g|%s|%i|%D|%n|%A@|%T@|%C@|%p\\0';
// The same fields from stat (a symlink's own, when find follows links).
const LINK_FIELDS = 'l|l|%a|%u|%g|%U|%G|%s|%i|%d|%h|%.9X|%.9Y|%.9Z|%n\\0';

/** A path word for the shell, with ~ expanded there as Python's expanduser does. */
function hostPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '~') return '"$HOME"';
  if (trimmed.startsWith('~/')) return `"$HOME"/${quote(trimmed.slice(2))}`;
  return quote(trimmed);
}

function script(args: FindArgs): string {

  const maxDepth = !args.recurse ? 1 : args.depth ? args.depth + 1 : undefined;
  const walk = `find ${args.follow ? "-L" : "-H"} "$p" -mindepth 1${maxDepth ? ` -maxdepth ${maxDepth}` : ''}`;
  const regular = args.follow ? '-xtype f' : '-type f';
  const lines = ['printf "%s\\n" "$(date +%s.%N)"'];
  for (const path of args.paths) {
    // The root as find names it first (~ expanded), then every entry under it.
    lines.push(`p=${hostPath(path)}; echo ${MARK}`, 'if [ -d "$p" ]; then', `printf '%s\\0' "$p"`, `${walk} -printf '${FIELDS}' 2>/dev/null`, `echo; echo ${MARK}`);
    if (args.follow) lines.push(`${walk} -xtype l -print0 2>/dev/null | xargs -0r stat --printf '${LINK_FIELDS}' --`);
    lines.push(`echo; echo ${MARK}`);
    if (args.get_checksum) lines.push(`${walk} ${regular} -print0 2>/dev/null | xargs -0r sha1sum -z --`);
    lines.push(`echo; echo ${MARK}`);
    if (args.contains !== undefined && args.file_type === 'file') {
      const [flags, pattern] = args.read_whole_file ? ['-lZPz', args.contains] : ['-lZP', `^(?:${args.contains})`];
      lines.push(`${walk} ${regular} -exec grep ${flags} -e ${quote(pattern)} -- {} + 2>/dev/null`);
    }
    lines.push('echo', 'else echo notdir; fi');
  }
  return lines.join('\n');
}

function parseEntries(block: string): Entry[] {
  return block
    .split('\0')
    .filter((r) => r.includes('|'))
    .map((record) => {
      const f = record.replace(/^\n/, '').split('|');
      const path = f.slice(14).join('|');
      const name = (n: string, id: string) => (n === id || n === 'UNKNOWN' ? '' : n);
      return {
        type: f[0]!,
        followed: f[1]!,
        perm: parseInt(f[2]!, 8),
        uid: Number(f[3]),
        gid: Number(f[4]),
        owner: name(f[5]!, f[3]!),
        group: name(f[6]!, f[4]!),
        size: Number(f[7]),
        inode: Number(f[8]),
        dev: Number(f[9]),
        nlink: Number(f[10]),
        atime: Number(f[11]),
        mtime: Number(f[12]),
        ctime: Number(f[13]),
        path,
      };
    });
}

const names = (block: string) => block.split('\0').map((s) => s.replace(/^\n/, '')).filter((s) => s !== '');

/** Ansible's stat-like dict of a found entry. */
function statInfo(e: Entry): Record<string, unknown> {
  return {
    mode: (e.perm & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd',
    ischr: e.type === 'c',
    isblk: e.type === 'b',
    isreg: e.type === 'f',
    isfifo: e.type === 'p',
    islnk: e.type === 'l',
    issock: e.type === 's',
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.owner,
    ...modeFlags(e.perm),
  };
}

/** "-10d", "2w", "30" (seconds) / "1k", "-2m" (bytes): Ansible's number and unit. */
function withUnit(value: string | undefined, option: string, units: Record<string, number>): number | undefined {
  if (value === undefined) return undefined;
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(value.toLowerCase());
  if (!m) throw new ModuleFailure(`failed to process ${option}`, { [option]: value });
  return Number(m[1]) * (m[2] ? units[m[2]]! : 1);
}

const AGE_UNITS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Ansible's pfilter: a pattern matches (re.match for regexes) and no exclude does. */
function nameFilter(args: FindArgs): (name: string) => boolean {
  const patterns = args.patterns.length > 0 ? args.patterns : [args.use_regex ? '.*' : '*'];
  const test = args.use_regex
    ? (pattern: string) => {
        const re = pyRegex(`^(?:${pattern})`);
        return (name: string) => re.test(name);
      }
    : (pattern: string) => (name: string) => fnmatch(name, pattern);
  const want = patterns.map(test);
  const drop = (args.excludes ?? []).map(test);
  return (name) => want.some((t) => t(name)) && !drop.some((t) => t(name));
}

const find: Module<FindArgs, undefined> = {
  name: 'find',
  summary: 'Return a list of files based on specific criteria',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      paths: { type: 'array', items: { type: 'string' }, description: 'Directories to search in.' },
      patterns: { type: 'array', items: { type: 'string' }, default: [], description: 'Shell globs (or regexes with use_regex) the basename must match.' },
      excludes: { type: 'array', items: { type: 'string' }, description: 'Globs (or regexes) of basenames to leave out.' },
      contains: { type: 'string', description: 'A regex the content of a file must match (file_type file only).' },
      read_whole_file: { type: 'boolean', default: false, description: 'Search contains in the whole file instead of matching line by line.' },
      file_type: { type: 'string', enum: ['any', 'directory', 'file', 'link'], default: 'file', description: 'Type of entries to return.' },
      age: { type: 'string', description: 'Entries at least this old (negative: at most), e.g. 2d, 4w, 3600.' },
      age_stamp: { type: 'string', enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'Which time age compares.' },
      size: { type: 'string', description: 'Files at least this big (negative: at most), e.g. 10k, 1m.' },
      recurse: { type: 'boolean', default: false, description: 'Search sub-directories too.' },
      hidden: { type: 'boolean', default: false, description: 'Return entries whose name starts with a dot.' },
      follow: { type: 'boolean', default: false, description: 'Descend into symlinked directories.' },
      get_checksum: { type: 'boolean', default: false, description: 'Return the SHA-1 of each regular file.' },
      use_regex: { type: 'boolean', default: false, description: 'patterns and excludes are Python regexes, not globs.' },
      depth: { type: 'integer', description: 'How deep to recurse (1: the paths themselves).' },
    },
    required: ['paths'],
  },
  optionAliases: { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
  async plan(ctx) {
    const args = ctx.args;
    const age = withUnit(args.age, 'age', AGE_UNITS);
    const size = withUnit(args.size, 'size', SIZE_UNITS);
    const named = nameFilter(args);
    const res = await probe(ctx.conn, raw(script(args)));
    const [head, ...blocks] = res.stdout.split(`${MARK}\n`);
    const now = Number(head!.trim());
    const files: Record<string, unknown>[] = [];
    const skipped: Record<string, string> = {};
    let examined = 0;

    args.paths.forEach((top, i) => {
      const [listing = '', links = '', sums = '', matches = ''] = blocks.slice(i * 4, i * 4 + 4);
      if (listing.startsWith('notdir')) {
        skipped[top] = `'${top}' is not a directory`;
        return;
      }
      const root = listing.slice(0, listing.indexOf('\0'));
      const entries = parseEntries(listing.slice(root.length + 1));
      const own = new Map(parseEntries(links).map((e) => [e.path, e]));
      const checksums = new Map(names(sums).map((s) => [s.slice(42), s.slice(0, 40)]));
      const contained = new Set(names(matches));
      const children = new Map<string, Entry[]>();
      for (const e of entries) {
        const lstat = own.get(e.path);
        const entry = lstat ? { ...lstat, followed: e.type === 'l' ? e.followed : e.type } : e;
        const parent = posix.dirname(e.path);
        const siblings = children.get(parent);
        if (siblings) siblings.push(entry);
        else children.set(parent, [entry]);
      }
      const walk = (dir: string, level: number) => {
        const kids = children.get(dir) ?? [];
        examined += kids.length;
        // Deeper than depth: looked at, not reported, not descended into (as Ansible's walk).
        if (args.depth && level > args.depth) return;
        const dirs = kids.filter((k) => k.followed === 'd');
        for (const e of [...kids.filter((k) => k.followed !== 'd'), ...dirs]) {
          if (wanted(e)) files.push(found(e));
        }
        if (args.recurse) for (const d of dirs) if (d.type === 'd' || args.follow) walk(d.path, level + 1);
      };
      const wanted = (e: Entry): boolean => {
        const name = posix.basename(e.path);
        if ((name.startsWith('.') && !args.hidden) || !named(name)) return false;
        const stamp = e[args.age_stamp];
        if (age !== undefined && !(age >= 0 ? now - stamp >= age : now - stamp <= -age)) return false;
        const sizeOk = size === undefined || (size >= 0 ? e.size >= size : e.size <= -size);
        const reg = e.type === 'f';
        if (args.file_type === 'any') return !reg || sizeOk;
        if (args.file_type === 'directory') return e.type === 'd';
        if (args.file_type === 'link') return e.type === 'l';
        return reg && sizeOk && (args.contains === undefined || contained.has(e.path));
      };
      const found = (e: Entry): Record<string, unknown> => {
        const out: Record<string, unknown> = { path: posix.normalize(e.path), ...statInfo(e) };
        const summed = args.file_type === 'any' || args.file_type === 'file';
        if (e.type === 'f' && args.get_checksum && summed) out.checksum = checksums.get(e.path);
        return out;
      };
      walk(root, 1);
    });

    const result: ModuleResult = {
      changed: false,
      files,
      msg: Object.keys(skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined',
      matched: files.length,
      examined,
      skipped_paths: skipped,
    };
    const warnings = Object.entries(skipped).map(([p, why]) => `Skipped '${p}' path due to this access issue: ${why}\n`);
    if (warnings.length > 0) result.warnings = warnings;
    return { changed: false, result };
  },
};

export default find;
