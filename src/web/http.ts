// An HTTP request made FROM THE HOST, as Ansible's get_url and uri make it:
// curl runs there with its whole configuration (URL, headers, credentials,
// body) given on stdin (`curl -K -`), so no secret is on a command line that
// `ps` shows. The script prints its findings in marked sections (sections.ts).
import { quote } from '../host/shell.js';

export type FollowRedirects = 'all' | 'yes' | 'safe' | 'none' | 'no' | 'urllib2';

export interface HttpRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  /** Request body text (already encoded as the body_format says). */
  body?: string;
  user?: string;
  password?: string;
  /** Send the credentials with the first request (else only when challenged). */
  forceBasicAuth?: boolean;
  validateCerts?: boolean;
  timeout?: number;
  followRedirects?: FollowRedirects;
  userAgent?: string;
  decompress?: boolean;
  /** A host path whose mtime goes in If-Modified-Since when it exists (what Ansible does for an existing dest). */
  ifModifiedSince?: string;
  /** Ask with HEAD, keep no body (get_url's check mode). */
  head?: boolean;
  /** Ask caches for a fresh copy (Ansible's force). */
  noCache?: boolean;
  clientCert?: string;
  clientKey?: string;
  ciphers?: string[];
  /** Read credentials from ~/.netrc when the URL's host is there (Ansible's default). */
  useNetrc?: boolean;
  /** The body is a file: a host path, or (with `upload`) bytes sent ahead of the configuration. */
  bodyPath?: string;
  /** Talk HTTP over this Unix socket on the host (the URL's host name is only the Host header). */
  unixSocket?: string;
  /** Authenticate with GSSAPI/Kerberos (curl --negotiate). */
  gssapi?: boolean;
  /** Headers sent with the first request only, not after a redirect. */
  unredirectedHeaders?: string[];
}

/** A string in curl's config syntax: double-quoted, with backslash escapes. */
export function curlString(value: string): string {
  const escaped = value.replace(/[\\"\t\n\r\v]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v' })[c]!);
  return `"${escaped}"`;
}

/** Does Ansible follow a redirect of this method under this setting? */
export function followsRedirects(setting: FollowRedirects, method: string): boolean {
  if (setting === 'all' || setting === 'yes' || setting === 'urllib2') return true;
  if (setting === 'safe') return method === 'GET' || method === 'HEAD';
  return false;
}

/** curl's configuration for the request (sent on stdin; holds the secrets). */
export function curlConfig(req: HttpRequest): string {
  const lines: string[] = req.url === '' ? [] : [`url = ${curlString(req.url)}`];
  if (req.head) lines.push('head');
  else if (req.method !== 'GET' || req.body !== undefined || req.bodyPath !== undefined) lines.push(`request = ${curlString(req.method)}`);
  for (const [name, value] of Object.entries(req.headers ?? {})) lines.push(`header = ${curlString(`${name}: ${value}`)}`);
  if (req.user !== undefined || req.password !== undefined || req.gssapi) {
    lines.push(`user = ${curlString(`${req.user ?? ''}:${req.password ?? ''}`)}`);
    lines.push(req.gssapi ? 'negotiate' : req.forceBasicAuth ? 'basic' : 'anyauth');
  }
  if (req.unixSocket !== undefined) lines.push(`unix-socket = ${curlString(req.unixSocket)}`);
  if (req.body !== undefined && !req.head) lines.push(`data-raw = ${curlString(req.body)}`);
  if (req.validateCerts === false) lines.push('insecure');
  if (req.timeout !== undefined && req.timeout > 0) {
    lines.push(`connect-timeout = ${req.timeout}`, 'speed-limit = 1', `speed-time = ${req.timeout}`);
  }
  if (followsRedirects(req.followRedirects ?? 'safe', req.head ? 'HEAD' : req.method)) lines.push('location', 'max-redirs = 10');
  lines.push(`user-agent = ${curlString(req.userAgent ?? 'ansible-httpget')}`);
  if (req.decompress !== false) lines.push('compressed');
  if (req.ifModifiedSince !== undefined) lines.push(`time-cond = ${curlString(req.ifModifiedSince)}`);
  if (req.noCache) lines.push(`header = ${curlString('cache-control: no-cache')}`);
  if (req.clientCert) lines.push(`cert = ${curlString(req.clientCert)}`);
  if (req.clientKey) lines.push(`key = ${curlString(req.clientKey)}`);
  if (req.ciphers?.length) lines.push(`ciphers = ${curlString(req.ciphers.join(':'))}`);
  if (req.useNetrc !== false) lines.push('netrc-optional');
  return `${lines.join('\n')}\n`;
}

/**
 * Shell lines that make the request with its body going to the file named by
 * `bodyFile` (a shell word, e.g. "$t"), and print the sections http-status,
 * http-error and http-headers. curl reads the config on stdin and takes the
 * positional parameters ("$@") as further arguments: callers `set --` first.
 * Leaves the status code in $code (000 when no response came).
 */
export function curlScript(bodyFile: string): string {
  return [
    'command -v curl >/dev/null 2>&1 || { echo "@@tsplay:nocurl@@"; exit 0; }',
    'hh=$(mktemp) && he=$(mktemp) || exit 1',
    `w=$(curl -K - -s -S -o ${bodyFile} -D "$hh" -w '%{http_code} %{num_redirects} %{url_effective}' "$@" 2>"$he"); rc=$?`,
    'code=${w%% *}',
    'echo "@@tsplay:http-status@@"; printf \'%s %s\\n\' "$rc" "$w"',
    'echo "@@tsplay:http-error@@"; cat "$he"',
    'echo "@@tsplay:http-headers@@"; cat "$hh"; rm -f "$hh" "$he"',
  ].join('\n');
}

const REDIRECTS = '301|302|303|307|308';

/** Are some of the request's headers to be left out after a redirect that curl would follow? */
function staged(req: HttpRequest): Record<string, string> | undefined {
  const drop = new Set((req.unredirectedHeaders ?? []).map((h) => h.toLowerCase()));
  const headers = Object.entries(req.headers ?? {});
  if (!headers.some(([h]) => drop.has(h.toLowerCase()))) return undefined;
  if (!followsRedirects(req.followRedirects ?? 'safe', req.head ? 'HEAD' : req.method)) return undefined;
  return Object.fromEntries(headers.filter(([h]) => !drop.has(h.toLowerCase())));
}

/**
 * The request as shell lines and their stdin, like curlScript (same sections,
 * $code, callers `set --` first), for everything HttpRequest holds: `upload`
 * (a controller file's bytes, the body) goes first on stdin, then curl's
 * configuration. With unredirected headers, curl does not follow the first
 * redirect itself: the script follows it with a second configuration that
 * lacks those headers (the method and body kept for 307/308, else GET).
 */
export function curlExchange(req: HttpRequest, bodyFile: string, upload?: Buffer): { script: string; stdin: Buffer } {
  const parts: Buffer[] = [];
  // A body from a file: the configuration still names the method (curl would POST a GET).
  if (upload) req = { ...req, bodyPath: req.bodyPath ?? '-' };
  const lines = ['command -v curl >/dev/null 2>&1 || { echo "@@tsplay:nocurl@@"; exit 0; }', 'hh=$(mktemp) && he=$(mktemp) || exit 1'];
  let data = '';
  if (upload) {
    parts.push(upload);
    lines.push(`up=$(mktemp) || exit 1; head -c ${upload.length} > "$up"`);
    data = ' --data-binary "@$up"';
  } else if (req.bodyPath !== undefined) {
    data = ` --data-binary ${quote(`@${req.bodyPath}`)}`;
  }
  const curl = `curl -s -S -o ${bodyFile}`;
  const kept = staged(req);
  if (!kept) {
    parts.push(Buffer.from(curlConfig(req)));
    lines.push(`w=$(${curl} -K - -D "$hh" -w '%{http_code} %{num_redirects} %{url_effective}' "$@"${data} 2>"$he"); rc=$?`);
  } else {
    const first = Buffer.from(curlConfig({ ...req, followRedirects: 'none' }));
    const again = Buffer.from(curlConfig({ ...req, url: '', headers: kept }));
    const asGet = Buffer.from(curlConfig({ ...req, url: '', headers: kept, method: 'GET', body: undefined, bodyPath: undefined }));
    parts.push(first, again, asGet);
    lines.push(
      `w=$(head -c ${first.length} | ${curl} -K - -D "$hh" -w '%{http_code} %{redirect_url}' "$@"${data} 2>"$he"); rc=$?`,
      'loc=${w#* }; code=${w%% *}',
      `case "$rc:$code" in 0:${REDIRECTS.replace(/\|/g, '|0:')}) ;; *) loc= ;; esac`,
      'if [ -n "$loc" ]; then',
      '  h2=$(mktemp) || exit 1',
      `  case "$code" in 307|308) w=$(head -c ${again.length} | ${curl} -K - -D "$h2" -w '%{http_code} %{num_redirects} %{url_effective}' "$@"${data} "$loc" 2>"$he"); rc=$? ;;`,
      `    *) head -c ${again.length} >/dev/null; w=$(${curl} -K - -D "$h2" -w '%{http_code} %{num_redirects} %{url_effective}' "$@" "$loc" 2>"$he"); rc=$? ;; esac`,
      '  n=${w#* }; n=${n%% *}; w="${w%% *} $((n + 1)) ${w#* * }"; cat "$h2" >> "$hh"; rm -f "$h2"',
      `else w="$code 0 "${quote(req.url)}; fi`,
    );
  }
  if (req.unixSocket !== undefined) {
    // Which error Python's connect() would have met, for the message (response.ts).
    const u = quote(req.unixSocket);
    lines.push(`echo "@@tsplay:socket@@"; if [ ! -e ${u} ]; then echo 2; elif [ -S ${u} ] && [ ! -w ${u} ]; then echo 13; else echo 111; fi`);
  }
  lines.push(
    upload ? 'rm -f "$up"' : '',
    'code=${w%% *}',
    'echo "@@tsplay:http-status@@"; printf \'%s %s\\n\' "$rc" "$w"',
    'echo "@@tsplay:http-error@@"; cat "$he"',
    'echo "@@tsplay:http-headers@@"; cat "$hh"; rm -f "$hh" "$he"',
  );
  return { script: lines.filter(Boolean).join('\n'), stdin: Buffer.concat(parts) };
}

/** Shell test: did the request get what a download wants (HTTP 200; for file:// and ftp:// no error)? */
export function downloadedTest(req: Pick<HttpRequest, 'url' | 'unixSocket'>): string {
  return /^https?:/i.test(req.url) || req.unixSocket !== undefined ? '[ "$code" = 200 ]' : '[ "$rc" = 0 ]';
}

/** A shell word for a path, for curlScript's bodyFile. */
export const bodyFileWord = (path: string): string => quote(path);
