// The url lookup (Ansible 2.14's ansible.builtin.url): the body of each URL, by
// lines unless split_lines=false. Templates render synchronously, so the
// request runs in a child node process (its fetch) that this one waits for.
// Not done: proxies (use_proxy), client certificates, GSSAPI, unix sockets.
import { spawnSync } from 'node:child_process';
import { TemplateError } from './errors.js';
import type { Lookup } from './lookup-support.js';
import { isMapping, truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';

// Reads {url, headers, timeout} on stdin, prints {status, reason, body (base64)} or {error}.
const FETCH = `
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const r = JSON.parse(input);
  try {
    const res = await fetch(r.url, { headers: r.headers, redirect: r.redirect, signal: AbortSignal.timeout(r.timeout * 1000) });
    const body = Buffer.from(await res.arrayBuffer()).toString('base64');
    process.stdout.write(JSON.stringify({ status: res.status, reason: res.statusText, body }));
  } catch (e) {
    const c = e.cause || e;
    process.stdout.write(JSON.stringify({ error: c.code || c.name, message: c.message || String(c) }));
  }
});`;

interface Fetched {
  status?: number;
  reason?: string;
  body?: string;
  error?: string;
  message?: string;
}

/** Python's bytes.splitlines(): \n, \r and \r\n end lines. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function fetchUrl(url: string, kw: Record<string, unknown>): string {
  const headers: Record<string, string> = { 'User-Agent': pyStr(kw.http_agent ?? 'ansible-httpget') };
  if (isMapping(kw.headers)) for (const [k, v] of Object.entries(kw.headers)) headers[k] = pyStr(v);
  if (kw.username !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${pyStr(kw.username)}:${pyStr(kw.password ?? '')}`).toString('base64')}`;
  }
  const follow = pyStr(kw.follow_redirects ?? 'urllib2');
  const request = { url, headers, timeout: Number(kw.timeout ?? 10), redirect: ['no', 'none', 'false'].includes(follow) ? 'manual' : 'follow' };
  const env = { ...process.env };
  if (!truthy(kw.validate_certs ?? true)) env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const run = spawnSync(process.execPath, ['--no-warnings', '-e', FETCH], { input: JSON.stringify(request), env, encoding: 'utf8', timeout: (request.timeout + 5) * 1000 });
  let got: Fetched;
  try {
    got = JSON.parse(run.stdout) as Fetched;
  } catch {
    throw new TemplateError(`Failed lookup url for ${url} : ${run.stderr.trim() || 'no answer'}`);
  }
  if (got.error !== undefined) {
    if (/CERT|SSL|TLS/i.test(got.error)) throw new TemplateError(`Error validating the server's certificate for ${url}: ${got.message}`);
    const errno: Record<string, string> = { ECONNREFUSED: '[Errno 111] Connection refused', ENOTFOUND: '[Errno -2] Name or service not known' };
    throw new TemplateError(`Failed lookup url for ${url} : <urlopen error ${errno[got.error] ?? got.message}>`);
  }
  if ((got.status ?? 0) >= 400) throw new TemplateError(`Received HTTP error for ${url} : HTTP Error ${got.status}: ${got.reason}`);
  return Buffer.from(got.body ?? '', 'base64').toString('utf8');
}

export const urlLookups: Record<string, Lookup> = {
  url: (terms, a) =>
    terms.flatMap((t) => {
      const body = fetchUrl(pyStr(t), a.kw);
      return truthy(a.kw.split_lines ?? true) ? splitLines(body) : [body];
    }),
};
