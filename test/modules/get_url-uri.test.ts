// get_url and uri: the curl configuration (quoting, secrets on stdin), the
// response parsing, body encodings, checksum files; and runs on this machine
// against a web server on loopback that the test starts and stops by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import getUrl from '../../modules/get_url.js';
import uri from '../../modules/uri.js';
import { curlConfig, curlString, followsRedirects } from '../../src/web/http.js';
import { dispositionFilename, headerResults, parseResponse, sections, urlFilename } from '../../src/web/response.js';
import { formUrlencoded, pythonJson } from '../../src/web/body.js';
import { checksumFromFile } from '../../src/web/checksum.js';
import { makeContext, runModule, tempDir } from './module-harness.js';
import type { Connection, ExecOptions } from '../../src/connection/connection.js';

describe('curl configuration', () => {
  it('quotes every value for curl\'s config syntax', () => {
    expect(curlString('a "b" \\ c\nd\te')).toBe('"a \\"b\\" \\\\ c\\nd\\te"');
  });
  it('holds url, headers, credentials and body; method only when needed', () => {
    const cfg = curlConfig({ url: 'http://127.0.0.1/x?a="1"', method: 'POST', headers: { 'X-A': 'v"1' }, user: 'u', password: 'p"w\n', body: '{"a": 1}' });
    expect(cfg).toContain('url = "http://127.0.0.1/x?a=\\"1\\""');
    expect(cfg).toContain('request = "POST"');
    expect(cfg).toContain('header = "X-A: v\\"1"');
    expect(cfg).toContain('user = "u:p\\"w\\n"');
    expect(cfg).toContain('anyauth');
    expect(cfg).toContain('data-raw = "{\\"a\\": 1}"');
    expect(curlConfig({ url: 'http://h/', method: 'GET' })).not.toContain('request');
    expect(curlConfig({ url: 'http://h/', method: 'GET', user: 'u', forceBasicAuth: true })).toMatch(/^basic$/m);
  });
  it('follows redirects as Ansible\'s follow_redirects says', () => {
    expect(followsRedirects('safe', 'GET')).toBe(true);
    expect(followsRedirects('safe', 'POST')).toBe(false);
    expect(followsRedirects('all', 'POST')).toBe(true);
    expect(followsRedirects('none', 'GET')).toBe(false);
  });
});

describe('responses', () => {
  const out = (status: string, headers: string) => `@@tsplay:http-status@@\n${status}\n@@tsplay:http-error@@\n@@tsplay:http-headers@@\n${headers}`;
  it('reads the last response of a redirect chain', () => {
    const r = parseResponse(
      sections(out('0 200 1 http://h/sub/', 'HTTP/1.0 301 Moved\r\nLocation: /sub/\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\nSet-Cookie: a=1; Path=/\r\n\r\n')),
      'http://h/sub',
    );
    expect(r).toMatchObject({ status: 200, url: 'http://h/sub/', redirected: true, msg: 'OK (6 bytes)', cookies: [['a', '1']] });
    expect(headerResults(r.headers)).toMatchObject({ content_type: 'text/html', content_length: '6' });
  });
  it('words an HTTP error and a refused connection as urllib does', () => {
    expect(parseResponse(sections(out('0 404 0 http://h/x', 'HTTP/1.0 404 File not found\r\n\r\n')), 'http://h/x').msg).toBe('HTTP Error 404: File not found');
    const refused = parseResponse(sections(out('7 000 0 http://h/x', '')), 'http://h/x');
    expect(refused).toMatchObject({ status: -1, msg: 'Request failed: <urlopen error [Errno 111] Connection refused>' });
  });
  it('names a download as get_url does', () => {
    expect(dispositionFilename({ 'content-disposition': 'attachment; filename="../x.tar.gz"' })).toBe('x.tar.gz');
    expect(urlFilename('http://h/a/b.txt?x=1')).toBe('b.txt');
    expect(urlFilename('http://h/')).toBe('index.html');
  });
  it('finds the checksum for the file in a checksum file', () => {
    expect(checksumFromFile('abc  a.txt\ndef *./b.txt\n', 'b.txt')).toBe('def');
    expect(checksumFromFile('0123abc\n', 'whatever')).toBe('0123abc');
    expect(checksumFromFile('abc  a.txt\n', 'c.txt')).toBeUndefined();
  });
});

describe('bodies', () => {
  it('writes JSON as Python\'s json.dumps', () => {
    expect(pythonJson({ a: [1, 'é'], b: { c: null, d: true } })).toBe('{"a": [1, "\\u00e9"], "b": {"c": null, "d": true}}');
  });
  it('form-urlencodes as urlencode(doseq=True)', () => {
    expect(formUrlencoded({ a: 'x y', b: ['1', '2'], c: null, d: "it's" })).toBe('a=x+y&b=1&b=2&d=it%27s');
  });
});

/** A connection that keeps what each command got on stdin. */
function recording(): { conn: Connection; sent: { command: string; stdin: string }[] } {
  const base = makeContext({}).conn;
  const sent: { command: string; stdin: string }[] = [];
  const conn: Connection = {
    host: 'localhost',
    exec: (command: string, options?: ExecOptions) => {
      sent.push({ command, stdin: String(options?.stdin ?? '') });
      return base.exec(command, options);
    },
    close: async () => {},
  };
  return { conn, sent };
}

describe('on this machine, against a loopback web server', () => {
  let server: ChildProcess;
  let base = '';
  const { dir, cleanup } = tempDir('tsplay-geturl-');
  const www = join(dir, 'www');

  beforeAll(async () => {
    mkdirSync(www);
    writeFileSync(join(www, 'a.txt'), 'hello\n');
    writeFileSync(join(www, 'd.json'), '{"k": [1, 2]}');
    server = spawn('python3', ['-c', 'import http.server,socketserver,sys,functools\ns=socketserver.TCPServer(("127.0.0.1",0),functools.partial(http.server.SimpleHTTPRequestHandler,directory=sys.argv[1]))\nprint(s.server_address[1],flush=True)\ns.serve_forever()', www], { stdio: ['ignore', 'pipe', 'ignore'] });
    const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    base = `http://127.0.0.1:${port}`;
  }, 30_000);
  afterAll(() => {
    if (server.pid) process.kill(server.pid);
    cleanup();
  });

  it('get_url: check predicts, downloads once with mode, then 304', async () => {
    const dest = join(dir, 'a.txt');
    const args = { url: `${base}/a.txt`, dest, mode: '0600' };
    expect((await runModule(getUrl, args, { check: true })).changed).toBe(true);
    expect(() => statSync(dest)).toThrow();
    const first = await runModule(getUrl, args);
    expect(first.changed).toBe(true);
    expect(first.result).toMatchObject({ status_code: 200, checksum_src: 'f572d396fae9206628714fb2ce00f72e94f2258f', md5sum: 'b1946ac92492d2347c6235b4d2611184', mode: '0600', msg: 'OK (6 bytes)' });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    const second = await runModule(getUrl, args);
    expect(second).toMatchObject({ changed: false, result: { status_code: 304 } });
    expect((await runModule(getUrl, args, { check: true })).changed).toBe(false);
  });

  it('get_url: a matching checksum skips the download; a wrong one fails and leaves no file', async () => {
    const dest = join(dir, 'b.txt');
    const sha = 'sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
    expect((await runModule(getUrl, { url: `${base}/a.txt`, dest, checksum: sha })).changed).toBe(true);
    expect((await runModule(getUrl, { url: `${base}/a.txt`, dest, checksum: sha })).result.msg).toBe('file already exists');
    await expect(runModule(getUrl, { url: `${base}/a.txt`, dest: join(dir, 'w.txt'), checksum: 'sha1:00' })).rejects.toThrow(/did not match 00/);
    expect(() => statSync(join(dir, 'w.txt'))).toThrow();
  });

  it('credentials go to curl on stdin, never on the command line', async () => {
    const { conn, sent } = recording();
    const args = { url: `${base}/a.txt`, dest: join(dir, 'c.txt'), url_username: 'bob', url_password: "s3cr'et" };
    const { checkArgs } = await import('../../src/module-api/module-args.js');
    const checked = checkArgs(getUrl, args);
    if (!checked.ok) throw new Error(checked.errors.join());
    await getUrl.plan({ ...makeContext(checked.args), conn } as never);
    expect(sent.some((s) => s.stdin.includes('user = "bob:s3cr\'et"'))).toBe(true);
    expect(sent.every((s) => !s.command.includes('s3cr'))).toBe(true);
  });

  it('uri: json, content, a refused status with Ansible\'s message', async () => {
    const r = await runModule(uri, { url: `${base}/d.json` });
    expect(r.result).toMatchObject({ status: 200, json: { k: [1, 2] }, redirected: false, changed: false });
    const c = await runModule(uri, { url: `${base}/a.txt`, return_content: true });
    expect(c.result.content).toBe('hello\n');
    await expect(runModule(uri, { url: `${base}/nope` })).rejects.toThrow('Status code was 404 and not [200]: HTTP Error 404: File not found');
    expect((await runModule(uri, { url: `${base}/nope`, status_code: [404] })).result.status).toBe(404);
  });
});
