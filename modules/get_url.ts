// get_url: download a file from HTTP(S)/FTP to the host, as Ansible's get_url
// does: the host itself downloads (curl), an existing dest is asked for with
// If-Modified-Since (304: nothing to do), a matching `checksum` skips the
// download, the file is replaced only when its content differs (atomically,
// in dest's directory), then mode/owner/group. Check mode asks with HEAD.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleFailure, type Module, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw, sh } from '../src/host/shell.js';
import { attributeChanges, attributeCommands, chmodArgument, hasChanges, validateMode, type AttributeSpec } from '../src/file-ops/file-attributes.js';
import { curlExchange, downloadedTest } from '../src/web/http.js';
import { dispositionFilename, parseResponse, sections, urlFilename } from '../src/web/response.js';
import { digestSection, parseStat, pathInfo, statSection, type HostFile } from '../src/web/host-file.js';
import { FILE_OPTIONS, proxyWords, requestOf, URL_OPTIONS, type UrlArgs } from '../src/web/url-options.js';
import { expectedChecksum, type Checksum } from '../src/web/checksum.js';

interface GetUrlArgs extends UrlArgs {
  dest: string;
  backup: boolean;
  checksum: string;
  force: boolean;
  tmp_dest?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}

interface GetUrlState {
  dest: string;
  /** The download on the host (undefined in check mode). */
  tmp?: string;
  contentChanged: boolean;
  spec: AttributeSpec;
  expected?: Checksum;
  result: ModuleResult;
}

const EMPTY_SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const LONG = 3600;

/** One round trip: dest's state, the checksum shortcut, the download, and how it compares with dest. */
function downloadScript(a: GetUrlArgs, check: boolean, expected: Checksum | undefined, request: string): string {
  const tmpDir = a.tmp_dest ?? '${TMPDIR:-/tmp}';
  const tmpWord = a.tmp_dest !== undefined ? quote(a.tmp_dest) : `"${tmpDir}"`;
  return [
    sh`d=${a.dest}`,
    statSection('dest', '"$d"'),
    expected ? digestSection('dest-digest', expected.algo, '"$d"') : '',
    expected && !a.force
      ? `if [ -f "$d" ] && [ "$(${expected.algo}sum < "$d" | cut -d' ' -f1)" = ${quote(expected.hex)} ]; then echo "@@tsplay:skip@@"; exit 0; fi`
      : '',
    `set -- ${proxyWords(a)}`,
    // An existing file is asked for only if newer (Ansible's last_mod_time), unless forced or checked by checksum.
    !a.force && !expected && /^https?:/i.test(a.url) ? '[ -f "$d" ] && set -- "$@" -z "$d"' : '',
    a.tmp_dest !== undefined
      ? `if [ ! -d ${tmpWord} ]; then echo "@@tsplay:tmp-bad@@"; [ -e ${tmpWord} ] && echo file; exit 0; fi`
      : '',
    check ? 't=/dev/null' : `t=$(mktemp ${tmpWord}/tmpXXXXXXXX) || exit 1`,
    request,
    `if ! ${downloadedTest(a)}; then ${check ? '' : 'rm -f "$t";'} exit 0; fi`,
    check ? '' : 'echo "@@tsplay:tmp@@"; echo "$t"; echo "@@tsplay:src-sha1@@"; sha1sum < "$t" | cut -d\' \' -f1',
    // dest a file: compare now, and drop a download that changes nothing.
    'if [ ! -d "$d" ]; then',
    digestSection('dest-sha1', 'sha1', '"$d"'),
    'echo "@@tsplay:parent@@"; if [ -d "$(dirname -- "$d")" ]; then echo yes; else rm -f "$t"; fi',
    check ? '' : 'if [ -f "$d" ] && [ "$(sha1sum < "$d")" = "$(sha1sum < "$t")" ]; then rm -f "$t"; fi',
    digestSection('dest-md5', 'md5', '"$d"'),
    'fi',
    'exit 0',
  ]
    .filter(Boolean)
    .join('\n');
}

/** When dest is a directory: the chosen file's state (second round trip). */
function targetScript(dest: string): string {
  return [sh`d=${dest}`, statSection('dest', '"$d"'), digestSection('dest-sha1', 'sha1', '"$d"'), digestSection('dest-md5', 'md5', '"$d"'), 'echo "@@tsplay:parent@@"; echo yes', 'exit 0'].join('\n');
}

const line = (parts: Map<string, string>, name: string): string | undefined => {
  const v = parts.get(name)?.trim();
  return v === undefined || v === '' ? undefined : v;
};

function attributeSpecOf(a: GetUrlArgs): AttributeSpec {
  if (a.mode !== undefined) validateMode(a.mode);
  return { mode: a.mode, owner: a.owner, group: a.group };
}

const getUrl: Module<GetUrlArgs, GetUrlState> = {
  name: 'get_url',
  summary: 'Downloads files from HTTP, HTTPS, or FTP to node',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      ...URL_OPTIONS,
      dest: { type: 'string', description: 'absolute path of the file, or a directory to download into' },
      backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of a replaced file' },
      checksum: { type: 'string', default: '', description: 'algorithm:hex, or algorithm:URL of a checksum file' },
      force: { type: 'boolean', default: false, description: 'download every time (else only when newer or missing)' },
      timeout: { type: 'integer', default: 10, description: 'seconds for the connection and a stalled transfer' },
      tmp_dest: { type: 'string', description: 'host directory for the download before it is moved to dest' },
      mode: { type: ['string', 'integer'], description: 'permissions of the file' },
      owner: { type: 'string', description: 'owner of the file' },
      group: { type: 'string', description: 'group of the file' },
      ...FILE_OPTIONS,
    },
    required: ['url', 'dest'],
  },
  optionAliases: { username: 'url_username', password: 'url_password', attr: 'attributes' },
  async plan(ctx) {
    const a = ctx.args;
    const spec = attributeSpecOf(a);
    const base = { dest: a.dest, url: a.url, elapsed: 0 };
    const expected = await expectedChecksum(ctx.conn, a, base);
    const req = { ...requestOf(a), head: ctx.check, noCache: a.force || expected !== undefined };
    const ex = curlExchange(req, '"$t"');
    const res = await probe(ctx.conn, raw(downloadScript(a, ctx.check, expected, ex.script)), { stdin: ex.stdin, timeout: LONG });
    if (res.rc !== 0) throw new ModuleFailure(`failed to download ${a.url}: ${res.stderr.trim()}`, base);
    const parts = sections(res.stdout);
    const before = parseStat(parts.get('dest'));
    if (parts.has('skip')) return skipPlan(a, spec, before);
    if (parts.has('tmp-bad')) {
      const what = line(parts, 'tmp-bad') ? `${a.tmp_dest} is a file but should be a directory.` : `${a.tmp_dest} directory does not exist.`;
      throw new ModuleFailure(what, { elapsed: 0 });
    }
    const http = parseResponse(parts, a.url);
    if (http.status === 304) {
      return { changed: false, result: { changed: false, url: a.url, dest: a.dest, msg: http.msg, status_code: 304, elapsed: 0, ...pathInfo(before) } };
    }
    if (http.status === -1) throw new ModuleFailure(http.msg, base);
    if (http.status !== 200) throw new ModuleFailure('Request failed', { status_code: http.status, response: http.msg, ...base });

    let dest = a.dest;
    let target = parts;
    let targetStat = before;
    if (before.isDir) {
      dest = posix.join(a.dest, dispositionFilename(http.headers) ?? urlFilename(http.url));
      target = sections((await probe(ctx.conn, raw(targetScript(dest)))).stdout);
      targetStat = parseStat(target.get('dest'));
    }
    const tmp = line(parts, 'tmp');
    const checksumSrc = line(parts, 'src-sha1') ?? EMPTY_SHA1;
    const checksumDest = line(target, 'dest-sha1') ?? null;
    const result: ModuleResult = { ...base, dest, checksum_dest: checksumDest, checksum_src: checksumSrc, msg: http.msg };
    if (!ctx.check) result.src = tmp;
    if (!line(target, 'parent')) {
      throw new ModuleFailure(`Destination ${posix.dirname(dest)} does not exist`, result);
    }
    const contentChanged = checksumDest !== checksumSrc;
    if (ctx.check) {
      // Ansible's check mode compares with the (empty) HEAD body, attributes aside.
      const changed = !targetStat.exists || contentChanged;
      return { changed, result: { ...result, changed, ...pathInfo(targetStat) } };
    }
    const attrs = targetStat.exists ? attributeChanges(targetStat, spec, false) : {};
    const changed = contentChanged || hasChanges(attrs);
    const statusCode = http.noStatus ? null : http.status;
    const state: GetUrlState = { dest, tmp, contentChanged, spec, expected, result: { ...result, status_code: statusCode } };
    if (!changed) {
      if (before.isDir) await dropDownload(ctx.conn, tmp);
      const verified = verifyUnchanged(expected, line(target, 'dest-digest') ?? line(parts, 'dest-digest'), dest, result);
      return { changed, state, result: { ...verified, changed, status_code: statusCode, md5sum: line(target, 'dest-md5'), ...pathInfo(targetStat) } };
    }
    return { changed, state, result: { ...state.result, changed } };
  },
  async apply(ctx, plan) {
    return { result: await install(ctx.conn, ctx.args, plan.state!) };
  },
};

/** A matching checksum: nothing downloaded, only attributes may change (one step). */
function skipPlan(a: GetUrlArgs, spec: AttributeSpec, before: HostFile): Plan<GetUrlState> {
  const attrs = attributeChanges(before, spec, false);
  const changed = hasChanges(attrs);
  const after = { ...before };
  if (attrs.mode) after.mode = attrs.mode.after;
  const info = pathInfo(after);
  if (attrs.owner) info.owner = attrs.owner.after;
  if (attrs.group) info.group = attrs.group.after;
  const result = {
    changed,
    msg: changed ? 'file already exists but file attributes changed' : 'file already exists',
    dest: a.dest,
    url: a.url,
    checksum_dest: null,
    checksum_src: null,
    elapsed: 0,
    ...info,
  };
  const steps = attributeCommands(a.dest, spec, attrs).map((cmd) => ({ summary: cmd, command: raw(cmd) }));
  return { changed, steps, result };
}

/** Ansible checks the digest of an unchanged dest too: a mismatch fails the task. */
function verifyUnchanged(expected: Checksum | undefined, digest: string | undefined, dest: string, result: ModuleResult): ModuleResult {
  if (expected && digest !== expected.hex) {
    throw new ModuleFailure(`The checksum for ${dest} did not match ${expected.hex}; it was ${digest}.`, result);
  }
  return result;
}

async function dropDownload(conn: Parameters<typeof probe>[0], tmp: string | undefined): Promise<void> {
  if (tmp) await probe(conn, ['rm', '-f', '--', tmp]);
}

/** Replace dest with the download (backup, atomic rename), check the digest, set attributes: one round trip. */
async function install(conn: Parameters<typeof probe>[0], a: GetUrlArgs, s: GetUrlState): Promise<ModuleResult> {
  const mark = randomBytes(4).toString('hex');
  const lines = [
    sh`d=${s.dest}; t=${s.tmp ?? ''}`,
    s.contentChanged
      ? [
          a.backup ? 'if [ -e "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p -- "$d" "$b" || exit 1; echo "@@tsplay:backup@@"; echo "$b"; fi' : '',
          `n=$(mktemp "$(dirname -- "$d")/.tsplay-${mark}.XXXXXX") || exit 1`,
          'cat -- "$t" > "$n" || { rm -f "$n"; exit 1; }; rm -f -- "$t"',
          'if [ -e "$d" ]; then chmod --reference="$d" "$n"; chown --reference="$d" "$n" 2>/dev/null; else chmod "$(printf \'%o\' $((0666 & ~0$(umask))))" "$n"; fi',
          'mv -f -- "$n" "$d" || exit 1',
        ].join('\n')
      : 'rm -f -- "$t"',
    s.expected
      ? `c=$(${s.expected.algo}sum < "$d" | cut -d' ' -f1); if [ "$c" != ${quote(s.expected.hex)} ]; then rm -f -- "$d"; echo "@@tsplay:bad-digest@@"; echo "$c"; exit 0; fi`
      : '',
    s.spec.owner || s.spec.group ? sh`chown -- ${`${s.spec.owner ?? ''}${s.spec.group ? `:${s.spec.group}` : ''}`} "$d" || exit 1` : '',
    s.spec.mode !== undefined ? sh`chmod -- ${chmodArgument(s.spec.mode)} "$d" || exit 1` : '',
    statSection('after', '"$d"'),
    digestSection('md5', 'md5', '"$d"'),
    'exit 0',
  ].filter(Boolean);
  const res = await probe(conn, raw(lines.join('\n')));
  const parts = sections(res.stdout);
  if (res.rc !== 0) throw new ModuleFailure(`failed to copy ${s.tmp} to ${s.dest}: ${res.stderr.trim()}`, s.result);
  if (parts.has('bad-digest')) {
    const { status_code: _, ...result } = s.result;
    throw new ModuleFailure(`The checksum for ${s.dest} did not match ${s.expected!.hex}; it was ${line(parts, 'bad-digest')}.`, { ...result, changed: true });
  }
  const backup = line(parts, 'backup');
  return { ...s.result, changed: true, md5sum: line(parts, 'md5'), ...(backup ? { backup_file: backup } : {}), ...pathInfo(parseStat(parts.get('after'))) };
}

export default getUrl;
