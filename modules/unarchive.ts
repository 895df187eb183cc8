// unarchive: unpack a tar (gz, bz2, xz...) or zip archive into an existing
// directory, the archive coming from the controller or (remote_src) the host,
// which downloads it first when src is a URL (contains "://").
// As Ansible: creates skips; the archive is compared with dest first (tar
// --diff, or each zip entry's type, size, content, time and mode) and
// unpacked only when they differ; mode/owner/group are then set on every
// unpacked path. Check mode predicts zip archives; for tar it is skipped, as
// Ansible's module does with GNU tar.
import { randomBytes } from 'node:crypto';
import { ModuleFailure, type Applied, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { findControllerFile } from '../src/file-ops/copy-core.js';
import { chmodArgument, formatMode, resolveMode, validateMode, type ModeInput } from '../src/file-ops/file-attributes.js';
import { probe } from '../src/host/run.js';
import { quote, quoteArgv, raw } from '../src/host/shell.js';
import { tarDiffCommand, tarExtractCommand, tarFiles, tarListCommand, tarUnarchived, type TarOptions } from '../src/archives/tar.js';
import { parseZipProbe, zipDifferences, zipProbeScript } from '../src/archives/zip.js';
import { fnmatch } from '../src/file-ops/fnmatch.js';
import { curlExchange } from '../src/web/http.js';
import { parseResponse, sections, urlFilename } from '../src/web/response.js';
import { withSelinuxContext } from '../src/file-ops/selinux-module.js';

interface UnarchiveArgs {
  src: string;
  validate_certs: boolean;
  dest: string;
  remote_src: boolean;
  copy?: boolean;
  creates?: string;
  list_files: boolean;
  keep_newer: boolean;
  exclude: string[];
  include: string[];
  extra_opts: string[];
  mode?: ModeInput;
  owner?: string;
  group?: string;
}

type Handler = 'ZipArchive' | 'TgzArchive' | 'TarArchive';

interface Probed {
  src: string;
  tmpDir?: string;
  uid: number;
  umask: number;
  tar: string;
  handler: Handler;
  files: string[];
  unarchived: boolean;
  diff?: string;
  destInfo: ModuleResult;
}

const M = '@@tsplay-unarchive@@';
const GTAR_CHECK = 'remote module (ansible.legacy.unarchive) does not support check mode when using gtar';

const fail = (msg: string, extra: ModuleResult = {}): never => {
  throw new ModuleFailure(msg, extra);
};

function tarOptions(args: UnarchiveArgs, tar: string, src: string, zipflag?: string): TarOptions {
  return {
    tar,
    src,
    dest: args.dest,
    zipflag,
    extraOpts: args.extra_opts,
    excludes: args.exclude.map((e) => e.replace(/\/+$/, '')),
    includes: args.include,
    owner: args.owner,
    group: args.group,
    keepNewer: args.keep_newer,
  };
}

/** One round trip: creates, dest, the archive (sent first when it is the controller's), its handler, names and comparison. */
async function probeArchive(ctx: ModuleContext<UnarchiveArgs>): Promise<Probed | { skip: string }> {
  const { args } = ctx;
  if (args.mode !== undefined) validateMode(args.mode);
  // Both default to [], so the rule is checked here rather than by the argument rules.
  if (args.include.length > 0 && args.exclude.length > 0) fail('parameters are mutually exclusive: include|exclude');
  const local = args.remote_src ? undefined : ctx.readFile(findControllerFile(ctx, 'files', args.src));
  const url = args.remote_src && args.src.includes('://') ? args.src : undefined;
  const tmpDir = local || url ? `/tmp/.tsplay-unarchive-${randomBytes(8).toString('hex')}` : undefined;
  const src = url ? `${tmpDir}/${downloadName(url)}` : tmpDir ? `${tmpDir}/source` : args.src;
  const download = url ? downloadLines(url, args.validate_certs, src) : undefined;
  const tar = '"$tar"';
  const cmd = (argv: string[]) => quoteArgv(argv).replace(/^'?\$tar'?/, tar);
  const tgz = tarOptions(args, '$tar', src, '-z');
  const plain = tarOptions(args, '$tar', src);
  const lines = [
    args.creates ? `if [ -e ${quote(args.creates)} ]; then echo creates; exit 0; fi` : '',
    `if [ ! -d ${quote(args.dest)} ]; then echo notdir; exit 0; fi`,
    local ? `(umask 077; mkdir ${quote(tmpDir!)} && cat > ${quote(src)}) || exit 1` : '',
    download ? `(umask 077; mkdir ${quote(tmpDir!)}) || exit 1` : '',
    // Check mode leaves nothing behind; a real run keeps the copy for the unpacking, unless the archive is refused here.
    tmpDir ? `trap 'rm -rf ${quote(tmpDir)}' EXIT` : '',
    download?.script ?? '',
    `s=${quote(src)}; [ -e "$s" ] || { echo nosrc; exit 0; }; [ -r "$s" ] || { echo unreadable; exit 0; }; [ -s "$s" ] || { echo empty; exit 0; }`,
    `echo "uid=$(id -u)"; echo "umask=$(umask)"; tar=$(command -v gtar || command -v tar); echo "tar=$tar"`,
    `echo "dest=$(stat -c '%a|%u|%g|%U|%G|%s' -- ${quote(args.dest)})"`,
    `cd ${quote(args.dest)} || exit 1; export LC_ALL=C`,
    `if command -v zipinfo >/dev/null && l=$(unzip -Z1 "$s" 2>/dev/null) && [ -n "$l" ]; then keep=1; echo handler=ZipArchive; echo ${M}; printf '%s\\n' "$l"; echo ${M}; ${zipProbeScript(src, args.dest)}`,
    `elif l=$(${cmd(tarListCommand(tgz))} 2>/dev/null) && [ -n "$l" ]; then keep=1; echo handler=TgzArchive; echo ${M}; printf '%s\\n' "$l"; echo ${M}; ${ctx.check ? '' : `${cmd(tarDiffCommand(tgz))} 2>&1`}`,
    `elif l=$(${cmd(tarListCommand(plain))} 2>/dev/null) && [ -n "$l" ]; then keep=1; echo handler=TarArchive; echo ${M}; printf '%s\\n' "$l"; echo ${M}; ${ctx.check ? '' : `${cmd(tarDiffCommand(plain))} 2>&1`}`,
    'else echo handler=none; fi',
    !ctx.check && tmpDir ? '[ -z "$keep" ] || trap - EXIT' : '',
    'true',
  ].filter(Boolean);
  const res = await probe(ctx.conn, raw(lines.join('\n')), { stdin: local?.data ?? download?.stdin });
  if (res.rc !== 0) fail(res.stderr.trim() || `could not inspect ${args.src}`);
  const [head = '', listing = '', compared = ''] = res.stdout.split(`${M}\n`);
  const first = head.split('\n')[0];
  if (first === 'download') fail(`Failure downloading ${url}, ${parseResponse(sections(head.slice(head.indexOf('\n') + 1)), url!).msg}`);
  if (first === 'creates') return { skip: `skipped, since ${args.creates} exists` };
  if (first === 'notdir') fail(`dest '${args.dest}' must be an existing dir`, { exception: 'NoneType: None\n' });
  if (first === 'nosrc') fail(`Source '${src}' ${args.remote_src ? 'does not exist' : 'failed to transfer'}`);
  if (first === 'unreadable') fail(`Source '${src}' not readable`);
  if (first === 'empty') fail(`Invalid archive '${src}', the file is 0 bytes`);
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(head)?.[1] ?? '';
  const handler = field('handler');
  if (handler === 'none') {
    fail(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.`);
  }
  const uid = Number(field('uid'));
  const umask = parseInt(field('umask') || '022', 8);
  const excludes = args.exclude.map((e) => e.replace(/\/+$/, ''));
  const base = { src, tmpDir, uid, umask, tar: field('tar'), handler: handler as Handler, destInfo: parseDestInfo(field('dest')) };
  if (handler === 'ZipArchive') {
    const names = listing.split('\n').filter((n) => n !== '' && !excludes.some((e) => fnmatch(n, e)));
    const wanted = new Set(args.include.length > 0 ? names.filter((n) => args.include.some((i) => fnmatch(n, i))) : names);
    const entries = parseZipProbe(compared).filter((e) => wanted.has(e.name));
    const mode = args.mode === undefined ? undefined : resolveMode(args.mode, 0, false);
    const diff = zipDifferences(entries, { mode, owner: args.owner, group: args.group, keepNewer: args.keep_newer, umask });
    return { ...base, files: [...wanted], unarchived: diff === '' && args.include.length === 0, diff };
  }
  const files = tarFiles(listing, excludes);
  if (ctx.check) return { ...base, files, unarchived: false };
  return { ...base, files, unarchived: tarUnarchived(compared, { uid, mode: args.mode, owner: args.owner, group: args.group }) };
}

/** The download's file name: the URL's last path part when it is a plain name (Ansible keeps its extensions). */
function downloadName(url: string): string {
  const name = urlFilename(url);
  return /^[\w.+-]+$/.test(name) && !name.startsWith('.') ? name : 'download';
}

/**
 * Shell lines (and their stdin) that download a URL archive on the host as
 * Ansible's fetch_file does (redirects followed, 10 s timeout); when no
 * response came it prints "download" and the response's sections, then stops.
 */
function downloadLines(url: string, validateCerts: boolean, file: string): { script: string; stdin: Buffer } {
  const ex = curlExchange({ url, method: 'GET', validateCerts, timeout: 10, followRedirects: 'urllib2' }, quote(file));
  return {
    script: [
      // An HTTP error leaves an empty file, as urllib's error response read after its body was taken.
      `dl=$(set --\n${ex.script}\ncase "$rc:$code" in 0:2??) echo "@@tsplay:ok@@";; *:000) ;; *) : > ${quote(file)}; echo "@@tsplay:ok@@";; esac)`,
      `case "$dl" in *@@tsplay:ok@@*) ;; *) echo download; printf '%s\\n' "$dl"; exit 0;; esac`,
    ].join('\n'),
    stdin: ex.stdin,
  };
}

/** Set mode/owner/group on each unpacked path and its top folder; prints "changed" when one differed. */
function attributeScript(args: UnarchiveArgs, files: string[]): string | undefined {
  if (args.mode === undefined && !args.owner && !args.group) return undefined;
  const tops = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))];
  const paths = [...files, ...tops].map((f) => `${args.dest}/${f}`);
  const who = args.owner || args.group ? `${args.owner ?? ''}${args.group ? `:${args.group}` : ''}` : undefined;
  const set = [
    who ? `chown -h ${quote(who)} -- "$p" || exit 1` : '',
    args.mode !== undefined ? `[ -L "$p" ] || chmod ${quote(chmodArgument(args.mode))} -- "$p" || exit 1` : '',
  ].filter(Boolean);
  return [
    `for p in ${paths.map(quote).join(' ')}; do`,
    `  [ -e "$p" ] || [ -L "$p" ] || continue; b=$(stat -c %a:%u:%g -- "$p")`,
    ...set.map((l) => `  ${l}`),
    `  [ "$b" = "$(stat -c %a:%u:%g -- "$p")" ] || echo changed`,
    'done',
  ].join('\n');
}

/** dest as Ansible's exit_json adds it to the result, from stat's mode|uid|gid|owner|group|size. */
function parseDestInfo(st: string): ModuleResult {
  const [mode, uid, gid, owner, group, size] = st.trim().split('|');
  return { gid: Number(gid), group, mode: formatMode(parseInt(mode!, 8)), owner, size: Number(size), state: 'directory', uid: Number(uid) };
}

async function destInfo(ctx: ModuleContext<UnarchiveArgs>, extra: string): Promise<{ info: ModuleResult; out: string }> {
  const res = await probe(ctx.conn, raw(`${extra}\necho ${M}; stat -c '%a|%u|%g|%U|%G|%s' -- ${quote(ctx.args.dest)}`));
  if (res.rc !== 0) fail(res.stderr.trim() || `exit ${res.rc}`);
  const [out = '', st = ''] = res.stdout.split(`${M}\n`);
  return { info: parseDestInfo(st), out };
}

async function run(ctx: ModuleContext<UnarchiveArgs>): Promise<{ plan: Plan<undefined>; applied?: Applied }> {
  const { args } = ctx;
  const p = await probeArchive(ctx);
  if ('skip' in p) return { plan: { changed: false, result: { changed: false, skipped: true, msg: p.skip } } };
  const cleanup = p.tmpDir ? `rm -rf ${quote(p.tmpDir)}` : '';
  const result: ModuleResult = { handler: p.handler, dest: args.dest, src: p.src };
  let changed = false;
  if (!p.unarchived) {
    const argv =
      p.handler === 'ZipArchive'
        ? ['unzip', '-o', p.src, ...args.extra_opts, '-d', args.dest, ...args.include, ...(args.exclude.length ? ['-x', ...args.exclude] : [])]
        : tarExtractCommand(tarOptions(args, p.tar, p.src, p.handler === 'TgzArchive' ? '-z' : undefined));
    const res = await probe(ctx.conn, raw(`cd ${quote(args.dest)} && LC_ALL=C ${quoteArgv(argv)}`));
    const unzip = p.handler === 'ZipArchive' ? ['/usr/bin/unzip', ...argv.slice(1)] : argv;
    result.extract_results = { cmd: unzip, rc: res.rc, out: res.stdout, err: res.stderr };
    if (res.rc !== 0) {
      if (cleanup) await probe(ctx.conn, raw(cleanup));
      fail(`failed to unpack ${p.src} to ${args.dest}`, result);
    }
    changed = true;
  }
  if (p.diff) result.diff = { prepared: p.diff };
  const { info, out } = await destInfo(ctx, [attributeScript(args, p.files) ?? '', cleanup].filter(Boolean).join('\n'));
  if (out.includes('changed')) changed = true;
  Object.assign(result, info);
  if (args.list_files) result.files = p.files;
  result.changed = changed;
  const plan = { changed, result };
  return changed ? { plan, applied: { result } } : { plan };
}

const unarchive: Module<UnarchiveArgs, undefined> = {
  name: 'unarchive',
  summary: 'Unpacks an archive after (optionally) copying it from the local machine',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'The archive: a controller file, or a path or URL (downloaded by the host) with remote_src.' },
      dest: { type: 'string', description: 'Existing directory to unpack into.' },
      remote_src: { type: 'boolean', default: false, description: 'The archive is already on the host.' },
      copy: { type: 'boolean', description: 'Deprecated opposite of remote_src.' },
      creates: { type: 'string', description: 'Skip when this path exists.' },
      list_files: { type: 'boolean', default: false, description: 'Return the archive names in files.' },
      keep_newer: { type: 'boolean', default: false, description: 'Do not replace files newer than the archive entries.' },
      exclude: { type: 'array', items: { type: 'string' }, default: [], description: 'Names (globs) to leave out.' },
      include: { type: 'array', items: { type: 'string' }, default: [], description: 'Only these names.' },
      extra_opts: { type: 'array', items: { type: 'string' }, default: [], description: 'More options for tar or unzip.' },
      validate_certs: { type: 'boolean', default: true, description: 'Verify TLS for URL sources.' },
      io_buffer_size: { type: 'integer', default: 65536, description: 'Buffer size for reading archives.' },
      decrypt: { type: 'boolean', default: true, description: 'Decrypt a vaulted controller archive.' },
      mode: { type: ['string', 'integer'], description: 'Permissions of the unpacked paths.' },
      owner: { type: 'string', description: 'Owner of the unpacked paths.' },
      group: { type: 'string', description: 'Group of the unpacked paths.' },
      seuser: { type: 'string', description: 'SELinux user of the unpacked paths.' },
      serole: { type: 'string', description: 'SELinux role of the unpacked paths.' },
      setype: { type: 'string', description: 'SELinux type of the unpacked paths.' },
      selevel: { type: 'string', description: 'SELinux level of the unpacked paths.' },
      unsafe_writes: { type: 'boolean', default: false, description: 'Accepted; tar and unzip write the files.' },
      attributes: { type: 'string', description: 'Filesystem attributes (chattr) of the unpacked paths.' },
    },
    required: ['src', 'dest'],
  },
  optionAliases: { attr: 'attributes' },
  async plan(ctx) {
    const args = ctx.args.copy === undefined ? ctx.args : { ...ctx.args, remote_src: !ctx.args.copy };
    // Read-only, for check mode: a real run plans and unpacks in planAndApply.
    const p = await probeArchive({ ...ctx, args, check: true });
    if ('skip' in p) return { changed: false, result: { changed: false, skipped: true, msg: p.skip } };
    if (p.handler !== 'ZipArchive') return { changed: false, result: { changed: false, skipped: true, msg: GTAR_CHECK } };
    const result: ModuleResult = { changed: !p.unarchived, handler: p.handler, dest: args.dest, src: p.src };
    if (p.diff) result.diff = { prepared: p.diff };
    if (args.list_files) result.files = p.files;
    Object.assign(result, p.destInfo);
    return { changed: !p.unarchived, result };
  },
  planAndApply(ctx) {
    const args = ctx.args.copy === undefined ? ctx.args : { ...ctx.args, remote_src: !ctx.args.copy };
    return run({ ...ctx, args });
  },
};

// Ansible sets the context of dest and of every unpacked path; tsplay of dest only.
export default withSelinuxContext(unarchive, (a) => ({ path: a.dest }));
