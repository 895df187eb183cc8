// Reading what the host's curl reported (http.ts) into Ansible's terms: the
// status, the final URL, the last response's headers lowercased, and the
// `msg` urllib would have given ("OK (6 bytes)", "HTTP Error 404: Not Found").
import { ModuleFailure } from '../module-api/module-types.js';

export interface HttpResponse {
  /** -1 when no response came (connection refused, timeout...). */
  status: number;
  reason: string;
  /** Where the last request went (after redirects). */
  url: string;
  redirected: boolean;
  /** Header names lowercased; a repeated header keeps its last value, except set-cookie (all kept in `cookies`). */
  headers: Record<string, string>;
  cookies: [string, string][];
  msg: string;
  /** curl's exit code and error text when there was no response. */
  curlError?: string;
  /** A file:// or ftp:// URL read: urllib gives no status code (Ansible's status_code is null). */
  noStatus?: boolean;
}

/** The marked sections of a script's output: `@@tsplay:NAME@@` lines start each. */
export function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^@@tsplay:([a-z0-9-]+)@@\n?/gm;
  const marks = [...stdout.matchAll(re)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : stdout.length;
    out.set(m[1]!, stdout.slice(start, end));
  });
  return out;
}

/** Python's urllib messages for the curl errors a user meets most. */
function curlFailure(rc: number, text: string): string {
  const said = text.replace(/^curl: \(\d+\) /, '').trim();
  if (rc === 7) return `Request failed: <urlopen error [Errno 111] Connection refused>`;
  if (rc === 6) return `Request failed: <urlopen error [Errno -2] Name or service not known>`;
  if (rc === 28) return `Request failed: <urlopen error timed out>`;
  if (rc === 60 || rc === 35) return `Request failed: <urlopen error ${said}>`;
  return `Request failed: ${said || `curl exit code ${rc}`}`;
}

const ERRNO: Record<string, string> = { '2': 'No such file or directory', '13': 'Permission denied', '111': 'Connection refused' };

/** Parse the http-status, http-error and http-headers sections (and socket, with a Unix socket). */
export function parseResponse(parts: Map<string, string>, requestedUrl: string, unixSocket?: string): HttpResponse {
  if (parts.has('nocurl')) {
    throw new ModuleFailure('curl is needed on the host for this module (tsplay makes HTTP requests from the host with curl)');
  }
  const [rcText = '1', code = '000', redirects = '0', ...urlWords] = (parts.get('http-status') ?? '').trim().split(' ');
  const rc = Number(rcText);
  const blocks = (parts.get('http-headers') ?? '').split(/\r?\n\r?\n/).filter((b) => /^HTTP\//.test(b.trim()));
  const last = blocks[blocks.length - 1]?.trim() ?? '';
  const [statusLine = '', ...headerLines] = last.split(/\r?\n/);
  const headers: Record<string, string> = {};
  const cookies: [string, string][] = [];
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'set-cookie') {
      const pair = value.split(';')[0]!;
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
    }
    headers[name] = value;
  }
  if (rc === 0 && !/^https?:/i.test(requestedUrl) && unixSocket === undefined) {
    // Not HTTP: curl's header block (file://: Content-Length, Last-Modified) has no status line.
    for (const line of (parts.get('http-headers') ?? '').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status: 200, reason: '', url: urlWords.join(' ') || requestedUrl, redirected: false, headers, cookies, msg: `OK (${headers['content-length'] ?? 'unknown'} bytes)`, noStatus: true };
  }
  const status = Number(code);
  const reason = /^HTTP\/\S+\s+\d+\s*(.*)$/.exec(statusLine)?.[1] ?? '';
  const url = urlWords.join(' ') || requestedUrl;
  if (rc !== 0 && status === 0) {
    const curlError = parts.get('http-error') ?? '';
    const errno = parts.get('socket')?.trim() ?? '';
    const msg =
      unixSocket !== undefined && rc === 7 && errno in ERRNO
        ? `Request failed: <urlopen error Invalid Socket File (${unixSocket}): [Errno ${errno}] ${ERRNO[errno]}>`
        : curlFailure(rc, curlError);
    return { status: -1, reason: '', url: requestedUrl, redirected: false, headers: {}, cookies: [], msg, curlError };
  }
  const ok = status >= 200 && status < 300;
  const msg = ok ? `OK (${headers['content-length'] ?? 'unknown'} bytes)` : `HTTP Error ${status}: ${reason}`;
  return { status, reason, url, redirected: Number(redirects) > 0 || url !== requestedUrl, headers, cookies, msg };
}

/** The response headers as uri returns them: names lowercased, dashes as underscores. */
export function headerResults(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/-/g, '_'), v]));
}

/** The file name a Content-Disposition header gives, as get_url reads it. */
export function dispositionFilename(headers: Record<string, string>): string | undefined {
  const m = /^attachment; ?filename="?([^"]+)/.exec(headers['content-disposition'] ?? '');
  if (!m) return undefined;
  const name = m[1]!.split('/').pop();
  return name || undefined;
}

/** The last path segment of a URL (get_url's fallback file name). */
export function urlFilename(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL we can parse: use the text as it is
  }
  const name = path.split('/').pop() ?? '';
  return name === '' ? 'index.html' : name;
}
