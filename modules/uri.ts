// uri: talk to an HTTP(S) web service from the host, as Ansible's uri does:
// the request is made there (curl, its configuration and secrets on stdin);
// the result holds status, url, redirected, the response headers (lowercased,
// dashes as underscores), json when the response is JSON, content when asked;
// a status not in status_code fails. With dest the body is written to a file
// (changed; into a directory under the response's file name), an existing
// dest asked for with If-Modified-Since as Ansible does.
// The body can be a file (src: the controller's, or the host's with
// remote_src), or form-multipart fields and files; unix_socket talks HTTP over
// a socket on the host. Ansible's uri does not support check mode: the task
// is skipped there.
import { posix } from 'node:path';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { raw, sh } from '../src/host/shell.js';
import { chmodArgument, validateMode } from '../src/file-ops/file-attributes.js';
import { curlExchange, type FollowRedirects } from '../src/web/http.js';
import { headerResults, parseResponse, sections, type HttpResponse } from '../src/web/response.js';
import { parseStat, pathInfo, statSection } from '../src/web/host-file.js';
import { formUrlencoded, pythonJson } from '../src/web/body.js';
import { pyJsonLoads } from '../src/templating/json.js';
import { FILE_OPTIONS, proxyWords, requestOf, URL_OPTIONS, type UrlArgs } from '../src/web/url-options.js';
import { findControllerFile } from '../src/file-ops/copy-core.js';
import { multipartRequest, pythonType } from '../src/web/multipart.js';

interface UriArgs extends UrlArgs {
  dest?: string;
  body?: unknown;
  body_format: 'form-urlencoded' | 'json' | 'raw' | 'form-multipart';
  src?: string;
  remote_src: boolean;
  unix_socket?: string;
  force: boolean;
  method: string;
  return_content: boolean;
  follow_redirects: FollowRedirects;
  creates?: string;
  removes?: string;
  status_code: (number | string)[];
  ca_path?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}

const JSON_TYPES = new Set(['json', 'javascript']);

/** Python's repr of the list of accepted codes: [200, 201]. */
const codesText = (codes: number[]): string => `[${codes.join(', ')}]`;

/** The request's body and the headers its format adds, as Ansible encodes them. */
function encodeBody(a: UriArgs, headers: Record<string, string>): string | undefined {
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (a.body_format === 'json') {
    if (!has('content-type')) headers['Content-Type'] = 'application/json';
    if (a.body === undefined || a.body === null) return undefined;
    return typeof a.body === 'string' ? a.body : pythonJson(a.body);
  }
  if (a.body_format === 'form-urlencoded') {
    if (!has('content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return a.body === undefined || a.body === null ? undefined : formUrlencoded(a.body);
  }
  return a.body === undefined || a.body === null ? undefined : typeof a.body === 'string' ? a.body : pythonJson(a.body);
}

/** The request in one round trip: the body goes to a temporary file, read back unless it is for dest. */
function requestScript(a: UriArgs, request: string): string {
  return [
    a.src !== undefined && a.remote_src ? sh`[ -r ${a.src} ] && [ ! -d ${a.src} ] || { echo "@@tsplay:nosrc@@"; exit 0; }` : '',
    `set -- ${proxyWords(a)}`,
    a.dest !== undefined ? sh`d=${a.dest}; [ -f "$d" ] && set -- "$@" -z "$d"` : '',
    a.ca_path !== undefined ? sh`set -- "$@" --cacert ${a.ca_path}` : '',
    't=$(mktemp) || exit 1',
    request,
    a.dest !== undefined ? 'echo "@@tsplay:tmp@@"; echo "$t"; echo "@@tsplay:body@@"; head -c 65536 "$t" | base64 -w0; echo' : 'echo "@@tsplay:body@@"; base64 -w0 < "$t"; echo; rm -f "$t"',
    'exit 0',
  ]
    .filter(Boolean)
    .join('\n');
}

/** content_type's main/sub type, as uri's parse_content_type reads it. */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const sub = contentType.split(';')[0]!.trim().split('/')[1] ?? '';
  const tail = sub.includes('+') ? sub.slice(sub.indexOf('+') + 1) : sub;
  return JSON_TYPES.has(tail.toLowerCase());
}

/** A Location header made absolute against the request URL. */
function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location;
  if (location.startsWith('/')) {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${location}`;
  }
  return `${url.slice(0, url.lastIndexOf('/'))}/${location}`;
}

/** uri's result for a response, before dest is written. */
function shapeResult(a: UriArgs, http: HttpResponse, body: string, codes: number[]): { result: ModuleResult; content?: string } {
  const success = http.status >= 200 && http.status < 300;
  const maybeJson = isJson(http.headers['content-type']);
  const maybeOutput = maybeJson || a.return_content || !codes.includes(http.status);
  const result: ModuleResult = { redirected: http.redirected, ...headerResults(http.headers), msg: http.msg, url: http.url, status: http.status, elapsed: 0, changed: false };
  if (http.status === -1) Object.assign(result, { redirected: false, url: a.url });
  if (success) {
    result.cookies_string = http.cookies.map(([k, v]) => `${k}=${v}`).join('; ');
    result.cookies = Object.fromEntries(http.cookies);
  } else if (http.status !== -1 && !maybeOutput) {
    result.body = body;
  }
  if (typeof result.location === 'string') result.location = absoluteLocation(a.url, result.location);
  if (maybeJson && maybeOutput) {
    try {
      result.json = pyJsonLoads(body); // as Python's json.loads: big ints exact, 2.0 a float
    } catch {
      // not JSON after all: Ansible leaves json out
    }
  }
  return { result, content: maybeOutput ? body : undefined };
}

/**
 * What Ansible's uri action checks on the controller before the module runs
 * (so in check mode too, where the module is skipped): a controller src is
 * found, a form-multipart body is a mapping and its controller files are found.
 */
function actionChecks(ctx: Parameters<Module<UriArgs>['plan']>[0]): void {
  const a = ctx.args;
  if (a.remote_src) return;
  if (a.src !== undefined) {
    findControllerFile(ctx, 'files', a.src);
    return;
  }
  if (a.body_format !== 'form-multipart') return;
  if (typeof a.body !== 'object' || a.body === null || Array.isArray(a.body)) throw new ModuleFailure(`body must be mapping, cannot be type ${pythonType(a.body)}`);
  for (const value of Object.values(a.body)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const { filename, content } = value as Record<string, unknown>;
    if (filename && !content) findControllerFile(ctx, 'files', String(filename));
  }
}

/**
 * The file a dest directory gets, as uri's get_response_filename names it:
 * Content-Disposition's filename, else the last part of the final URL's path,
 * else index.html (only its last path part: a server names no other directory).
 */
function responseFilename(http: HttpResponse): string {
  const m = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(http.headers['content-disposition'] ?? '');
  const given = m ? (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim()) : '';
  let name = given;
  if (!name) {
    let path = '';
    try {
      path = decodeURIComponent(new URL(http.url).pathname.replace(/\/+$/, ''));
    } catch {
      // no parsable URL: index.html
    }
    name = path.slice(path.lastIndexOf('/') + 1);
  }
  return posix.basename(name) || 'index.html';
}

/** Shell: `d` is dest, or the file in it when dest is a directory; its path printed as section "path". */
const destWord = (dest: string, name: string): string => sh`d=${dest}; [ -d "$d" ] && d="$d"/${name}; echo "@@tsplay:path@@"; printf '%s\n' "$d"`;

/** Write the body to dest (if it differs), set attributes, report the file: one round trip. */
async function writeDest(ctx: Parameters<Module<UriArgs>['plan']>[0], tmp: string, name: string): Promise<ModuleResult> {
  const a = ctx.args;
  const who = a.owner || a.group ? `${a.owner ?? ''}${a.group ? `:${a.group}` : ''}` : '';
  const script = [
    destWord(a.dest!, name),
    sh`t=${tmp}`,
    'if [ -d "$d" ]; then rm -f "$t"; echo "@@tsplay:isdir@@"; exit 0; fi',
    'if [ -f "$d" ] && cmp -s "$t" "$d"; then rm -f "$t"; else',
    'n=$(mktemp "$(dirname -- "$d")/.tsplay-uri.XXXXXX") || { rm -f "$t"; exit 1; }',
    'cat "$t" > "$n"; rm -f "$t"',
    'if [ -e "$d" ]; then chmod --reference="$d" "$n"; chown --reference="$d" "$n" 2>/dev/null; else chmod "$(printf \'%o\' $((0666 & ~0$(umask))))" "$n"; fi',
    'mv -f -- "$n" "$d" || exit 1',
    'fi',
    who ? sh`chown -- ${who} "$d" || exit 1` : '',
    a.mode !== undefined ? sh`chmod -- ${chmodArgument(a.mode)} "$d" || exit 1` : '',
    statSection('after', '"$d"'),
    'exit 0',
  ].filter(Boolean);
  const res = await probe(ctx.conn, raw(script.join('\n')));
  if (res.rc !== 0) throw new ModuleFailure(`failed to write ${a.dest}: ${res.stderr.trim()}`);
  const parts = sections(res.stdout);
  const path = parts.get('path')?.replace(/\n$/, '') ?? a.dest!;
  if (parts.has('isdir')) throw new ModuleFailure(`failed to copy ${tmp} to ${path}: [Errno 21] Is a directory: '${path}'`);
  return { path, ...pathInfo(parseStat(parts.get('after'))) };
}

const uri: Module<UriArgs, undefined> = {
  name: 'uri',
  summary: 'Interacts with webservices',
  supportsCheckMode: false,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      ...URL_OPTIONS,
      dest: { type: 'string', description: 'host file to write the response body to' },
      body: { description: 'request body (encoded as body_format says)' },
      body_format: { type: 'string', enum: ['form-urlencoded', 'json', 'raw', 'form-multipart'], default: 'raw', description: 'how body is encoded' },
      src: { type: 'string', description: 'file whose content is the body (the controller\'s, or the host\'s with remote_src)' },
      remote_src: { type: 'boolean', default: false, description: 'src and form-multipart files are on the host' },
      unix_socket: { type: 'string', description: 'Unix socket on the host to talk HTTP over' },
      force: { type: 'boolean', default: false, description: 'accepted; Ansible 2.14\'s uri does not use it (no Cache-Control is sent)' },
      method: { type: 'string', default: 'GET', description: 'HTTP method' },
      return_content: { type: 'boolean', default: false, description: 'return the body as content' },
      follow_redirects: { type: 'string', enum: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], default: 'safe', description: 'which redirects to follow' },
      creates: { type: 'string', description: 'skip the request when this host path exists' },
      removes: { type: 'string', description: 'skip the request unless this host path exists' },
      status_code: { type: 'array', items: { type: ['integer', 'string'] }, default: [200], description: 'statuses that mean success' },
      timeout: { type: 'integer', default: 30, description: 'seconds for the connection and a stalled transfer' },
      headers: { type: 'object', default: {}, description: 'extra HTTP request headers' },
      ca_path: { type: 'string', description: 'CA certificate file (host path)' },
      mode: { type: ['string', 'integer'], description: 'permissions of dest' },
      owner: { type: 'string', description: 'owner of dest' },
      group: { type: 'string', description: 'group of dest' },
      ...FILE_OPTIONS,
    },
    required: ['url'],
  },
  optionAliases: { user: 'url_username', password: 'url_password', attr: 'attributes' },
  rules: { mutuallyExclusive: [['body', 'src']] },
  async plan(ctx) {
    const a = ctx.args;
    actionChecks(ctx);
    if (ctx.check) return { changed: true };
    const method = a.method.toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new ModuleFailure("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    if (a.mode !== undefined) validateMode(a.mode);
    for (const [path, exists, say] of [[a.creates, true, 'exists'], [a.removes, false, 'does not exist']] as const) {
      if (path === undefined) continue;
      const found = (await probe(ctx.conn, ['test', '-e', path])).rc === 0;
      if (found === exists) return { changed: false, result: { changed: false, stdout: `skipped, since '${path}' ${say}` } };
    }
    return { changed: true };
  },
  async apply(ctx) {
    const a = ctx.args;
    const method = a.method.toUpperCase();
    const codes = a.status_code.map(Number);
    const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const req = { ...requestOf(a, method), headers, followRedirects: a.follow_redirects, unixSocket: a.unix_socket };
    let upload: Buffer | undefined;
    if (a.src !== undefined && a.remote_src) req.bodyPath = a.src;
    else if (a.src !== undefined) upload = ctx.readFile(findControllerFile(ctx, 'files', a.src)).data;
    if (a.body_format === 'form-multipart') {
      const m = await multipartRequest(ctx, a.body, a.remote_src, a.src !== undefined);
      // One Content-Type, whatever the case of the user's (urllib keeps one per name).
      for (const h of Object.keys(headers)) if (h.toLowerCase() === 'content-type') delete headers[h];
      headers['Content-Type'] = m.contentType;
      if (a.src === undefined) upload = m.body;
    } else if (a.src === undefined) {
      req.body = encodeBody(a, headers);
    } else {
      encodeBody(a, headers);
    }
    const ex = curlExchange(req, '"$t"', upload);
    const res = await probe(ctx.conn, raw(requestScript(a, ex.script)), { stdin: ex.stdin, timeout: Math.max(a.timeout * 4, 600) });
    if (res.rc !== 0) throw new ModuleFailure(`request to ${a.url} could not be made: ${res.stderr.trim()}`);
    const parts = sections(res.stdout);
    if (parts.has('nosrc')) throw new ModuleFailure(`Unable to open source file ${a.src}`, { elapsed: 0 });
    const http = parseResponse(parts, a.url, a.unix_socket);
    const body = Buffer.from((parts.get('body') ?? '').trim(), 'base64').toString('utf8');
    const { result, content } = shapeResult(a, http, body, codes);
    const tmp = parts.get('tmp')?.trim();
    if (a.dest !== undefined && tmp) {
      if (codes.includes(http.status) && http.status !== 304) {
        Object.assign(result, await writeDest(ctx, tmp, responseFilename(http)), { changed: true });
      } else {
        const st = sections((await probe(ctx.conn, raw(`${sh`rm -f -- ${tmp}`}; ${destWord(a.dest, responseFilename(http))}; ${statSection('st', '"$d"')}; exit 0`))).stdout);
        Object.assign(result, { path: st.get('path')?.replace(/\n$/, '') ?? a.dest, ...pathInfo(parseStat(st.get('st'))) });
      }
    }
    if (!codes.includes(http.status)) {
      result.msg = `Status code was ${http.status} and not ${codesText(codes)}: ${String(result.msg ?? '')}`;
      throw new ModuleFailure(String(result.msg), a.return_content ? { ...result, content } : result);
    }
    if (a.return_content) result.content = content;
    return { result, changed: result.changed === true };
  },
};

export default uri;
