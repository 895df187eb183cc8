// GNU tar, as Ansible's unarchive drives it (TgzArchive / TarArchive): the same
// argv for --list, --diff and --extract, and the same reading of --diff's
// output to decide whether the archive is already unpacked in dest.
import { fnmatch } from '../file-ops/fnmatch.js';

export interface TarOptions {
  tar: string;
  src: string;
  dest: string;
  /** -z for TgzArchive; none for TarArchive (tar finds the compression itself). */
  zipflag?: string;
  extraOpts: string[];
  excludes: string[];
  includes: string[];
  owner?: string;
  group?: string;
  keepNewer: boolean;
}

function common(o: TarOptions, action: string, attrs: boolean): string[] {
  const cmd = [o.tar, action, '-C', o.dest];
  if (o.zipflag) cmd.push(o.zipflag);
  if (o.extraOpts.length > 0) cmd.push('--show-transformed-names', ...o.extraOpts);
  if (attrs) {
    if (o.owner) cmd.push(`--owner=${o.owner}`);
    if (o.group) cmd.push(`--group=${o.group}`);
    if (o.keepNewer) cmd.push('--keep-newer-files');
  }
  cmd.push(...o.excludes.map((e) => `--exclude=${e}`), '-f', o.src, ...o.includes);
  return cmd;
}

export const tarListCommand = (o: TarOptions) => common(o, '--list', false);
export const tarDiffCommand = (o: TarOptions) => common(o, '--diff', true);
export const tarExtractCommand = (o: TarOptions) => common(o, '--extract', true);

/** Python's codecs.escape_decode of tar's quoted names (\\, \n, octal...), as UTF-8 text. */
function unescape(name: string): string {
  if (!name.includes('\\')) return name;
  const bytes: number[] = [];
  const raw = Buffer.from(name, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 92 || i + 1 >= raw.length) {
      bytes.push(raw[i]!);
      continue;
    }
    const rest = raw.subarray(i + 1, i + 4).toString('latin1');
    const oct = /^[0-7]{1,3}/.exec(rest)?.[0];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
    if (oct) {
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else if (rest[0]! in simple) {
      bytes.push(simple[rest[0]!]!);
      i++;
    } else bytes.push(92);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The archive's names as Ansible lists them: unescaped, without a leading slash, excludes left out. */
export function tarFiles(listing: string, excludes: string[]): string[] {
  return listing
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => unescape(l).replace(/^\//, ''))
    .filter((f) => !excludes.some((e) => fnmatch(f, e)));
}

/** Whether tar --diff's lines say dest already holds the archive (Ansible's rules, by the remote user's uid). */
export function tarUnarchived(output: string, o: { uid: number; mode?: unknown; owner?: string; group?: string }): boolean {
  for (const line of output.split('\n')) {
    if (/: : Warning: Cannot stat: No such file or directory$/.test(line)) continue;
    if (o.uid === 0 && !o.owner && /: Uid differs$/.test(line)) return false;
    if (o.uid === 0 && !o.group && /: Gid differs$/.test(line)) return false;
    if (o.mode === undefined && /: Mode differs$/.test(line)) return false;
    if (/: Mod time differs$/.test(line)) return false;
    if (/: Warning: Cannot stat: No such file or directory$/.test(line)) return false;
    if (/: Invalid owner/.test(line) || /: Invalid group/.test(line)) return false;
  }
  return true;
}
