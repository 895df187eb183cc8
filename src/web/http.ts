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
  const lines: string[] = [`url = ${curlString(req.url)}`];
  if (req.head) lines.push('head');
  else if (req.method !== 'GET' || req.body !== undefined) lines.push(`request = ${curlString(req.method)}`);
  for (const [name, value] of Object.entries(req.headers ?? {})) lines.push(`header = ${curlString(`${name}: ${value}`)}`);
  if (req.user !== undefined || req.password !== undefined) {
    lines.push(`user = ${curlString(`${req.user ?? ''}:${req.password ?? ''}`)}`);
    lines.push(req.forceBasicAuth ? 'basic' : 'anyauth');
  }
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

/** A shell word for a path, for curlScript's bodyFile. */
export const bodyFileWord = (path: string): string => quote(path);
