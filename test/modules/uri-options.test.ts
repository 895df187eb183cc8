// The options of uri, get_url and unarchive that talk to a server in more
// ways: form-multipart bodies byte for byte as Ansible's prepare_multipart
// writes them, Python's MIME type guesses, the curl exchange (bodies from
// files, Unix sockets, headers left out after a redirect, GSSAPI); then runs
// on this machine against the differential cases' echo server on loopback
// and on a Unix socket (started by the test, stopped by its pid).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import getUrl from '../../modules/get_url.js';
import unarchive from '../../modules/unarchive.js';
import uri from '../../modules/uri.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { curlConfig, curlExchange } from '../../src/web/http.js';
import { guessMimeType, mimeExtensions, mimeTable } from '../../src/web/mime.js';
import { multipartBody, multipartParts } from '../../src/web/multipart.js';
import { parseResponse, sections } from '../../src/web/response.js';
import { runModule, tempDir } from './module-harness.js';

const SERVER = join(import.meta.dirname, '../differential/cases/61-uri-src-multipart/files/serve.py');

describe('form-multipart', () => {
  it('writes the body byte for byte as prepare_multipart (boundary aside)', () => {
    const parts = multipartParts({
      text: 'value é\nline2\r\nl3',
      file1: { filename: '/tmp/f.txt' },
      file2: { content: 'inline\ncontent\n', filename: 'fäke.json' },
      q: { content: 'a', filename: 'we"ird name.tar.gz' },
      typed: { content: 'x', mime_type: 'text/x-foo' },
      plain: { content: 'y' },
    });
    const files = new Map([['/tmp/f.txt', Buffer.from('hello\nworld\n')]]);
    const { contentType, body } = multipartBody(parts, files, mimeTable(), 'BOUNDARY');
    expect(contentType).toBe('multipart/form-data; boundary="BOUNDARY"');
    // What Python 3.11's email package gave for the same fields.
    expect(body.toString('utf8')).toBe(
      '--BOUNDARY\r\nContent-Transfer-Encoding: base64\r\nContent-Type: text/plain\r\nContent-Disposition: form-data; name="file1"; filename="f.txt"\r\n\r\naGVsbG8Kd29ybGQK\r\n\r\n' +
        '--BOUNDARY\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name="file2"; filename*=utf-8\'\'f%C3%A4ke.json\r\n\r\ninline\r\ncontent\r\n\r\n' +
        '--BOUNDARY\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name="plain"\r\n\r\ny\r\n' +
        '--BOUNDARY\r\nContent-Type: application/x-tar\r\nContent-Disposition: form-data; name="q"; filename="we\\"ird name.tar.gz"\r\n\r\na\r\n' +
        '--BOUNDARY\r\nContent-Type: text/plain\r\nContent-Disposition: form-data; name="text"\r\n\r\nvalue é\r\nline2\r\nl3\r\n' +
        '--BOUNDARY\r\nContent-Type: text/x-foo\r\nContent-Disposition: form-data; name="typed"\r\n\r\nx\r\n' +
        '--BOUNDARY--\r\n',
    );
  });

  it('writes file bytes as base64 in lines of 76', () => {
    const { body } = multipartBody(multipartParts({ f: { filename: 'x.bin' } }), new Map([['x.bin', Buffer.alloc(120, 'a')]]), mimeTable(), 'B');
    const payload = body.toString().split('\r\n\r\n')[1]!;
    expect(payload.split('\r\n').map((l) => l.length)).toEqual([76, 76, 8]);
  });

  it('refuses bodies as the action plugin and prepare_multipart do', () => {
    expect(() => multipartParts([1, 2])).toThrow('body must be mapping, cannot be type list');
    expect(() => multipartParts('a=b')).toThrow('body must be mapping, cannot be type str');
    expect(() => multipartParts({ n: 5 })).toThrow('failed to parse body as form-multipart: value must be a string, or mapping, cannot be type int');
    expect(() => multipartParts({ n: { mime_type: 'text/plain' } })).toThrow('at least one of filename or content must be provided');
  });

  it("guesses types as Python's mimetypes (strict=False), the host's mime.types first", () => {
    const table = mimeTable();
    expect(guessMimeType('a.tgz', table)).toBe('application/x-tar');
    expect(guessMimeType('dir/A.JSON', table)).toBe('application/json');
    expect(guessMimeType('x.rtf', table)).toBe('application/rtf');
    expect(guessMimeType('.bashrc', table)).toBeUndefined();
    expect(guessMimeType('noext', table)).toBeUndefined();
    expect(guessMimeType('x.yml', table)).toBeUndefined();
    const host = mimeTable('# comment yml\napplication/yaml yaml yml # x\ntext/plain yml\n');
    expect(guessMimeType('x.yml', host)).toBe('text/plain');
    expect(guessMimeType('x.yaml', host)).toBe('application/yaml');
    expect(mimeExtensions(['a.tar.gz', 'b.tgz', 'c', 'd.JSON'])).toEqual(['tar', 'JSON']);
  });
});

describe('the curl exchange', () => {
  it('sends a controller body ahead of the configuration, keeping the method', () => {
    const ex = curlExchange({ url: 'http://h/x', method: 'GET' }, '"$t"', Buffer.from('BODY'));
    expect(ex.stdin.toString()).toMatch(/^BODYurl = "http:\/\/h\/x"\nrequest = "GET"\n/);
    expect(ex.script).toContain('head -c 4 > "$up"');
    expect(ex.script).toContain('--data-binary "@$up"');
  });

  it('reads a host body file, talks over a Unix socket, negotiates GSSAPI', () => {
    const ex = curlExchange({ url: 'http://h/x', method: 'PUT', bodyPath: "/a b'c", unixSocket: '/run/s.sock' }, '"$t"');
    expect(ex.script).toContain(`--data-binary '@/a b'"'"'c'`);
    expect(ex.stdin.toString()).toContain('unix-socket = "/run/s.sock"');
    const gss = curlConfig({ url: 'http://h/', method: 'GET', gssapi: true });
    expect(gss).toMatch(/^user = ":"$/m);
    expect(gss).toMatch(/^negotiate$/m);
  });

  it('follows the first redirect itself only when a header must be left out', () => {
    const headers = { 'X-Keep': 'k', 'X-Drop': 'd' };
    expect(curlExchange({ url: 'http://h/', method: 'GET', headers, unredirectedHeaders: ['x-other'] }, '"$t"').script).not.toContain('redirect_url');
    expect(curlExchange({ url: 'http://h/', method: 'POST', headers, unredirectedHeaders: ['x-drop'], followRedirects: 'safe' }, '"$t"').script).not.toContain('redirect_url');
    const ex = curlExchange({ url: 'http://h/', method: 'GET', headers, unredirectedHeaders: ['x-drop'] }, '"$t"');
    expect(ex.script).toContain('redirect_url');
    // Three configurations: the first request (not following), the redirect kept as it was (307/308), as a GET.
    const text = ex.stdin.toString();
    expect(text.match(/X-Keep/g)).toHaveLength(3);
    expect(text.match(/X-Drop/g)).toHaveLength(1);
    expect(text.match(/^location$/gm)).toHaveLength(2);
    expect(text.indexOf('X-Drop')).toBeLessThan(text.indexOf('location'));
  });

  it("words a Unix socket's connection error as Ansible", () => {
    const parts = sections('@@tsplay:socket@@\n2\n@@tsplay:http-status@@\n7 000 0 http://localhost/x\n@@tsplay:http-error@@\ncurl: (7) Couldn\'t connect\n@@tsplay:http-headers@@\n');
    expect(parseResponse(parts, 'http://localhost/x', '/s.sock').msg).toBe('Request failed: <urlopen error Invalid Socket File (/s.sock): [Errno 2] No such file or directory>');
    expect(parseResponse(parts, 'http://localhost/x').msg).toBe('Request failed: <urlopen error [Errno 111] Connection refused>');
  });

  it('reads a file:// URL as urllib: no status, OK (size)', () => {
    const parts = sections('@@tsplay:http-status@@\n0 000 0 file:///x\n@@tsplay:http-error@@\n@@tsplay:http-headers@@\nContent-Length: 12\r\nAccept-ranges: bytes\r\n\r\n');
    expect(parseResponse(parts, 'file:///x')).toMatchObject({ status: 200, noStatus: true, msg: 'OK (12 bytes)' });
  });

  it('accepts every option of Ansible 2.14 (ansible-doc)', () => {
    const common = ['url', 'url_username', 'url_password', 'force_basic_auth', 'validate_certs', 'http_agent', 'use_proxy', 'use_netrc', 'client_cert', 'client_key', 'ciphers', 'decompress', 'headers', 'timeout', 'unredirected_headers', 'use_gssapi', 'mode', 'owner', 'group', 'seuser', 'serole', 'setype', 'selevel', 'attributes', 'unsafe_writes', 'dest', 'force'];
    const uriOnly = ['body', 'body_format', 'src', 'remote_src', 'unix_socket', 'method', 'return_content', 'follow_redirects', 'creates', 'removes', 'status_code', 'ca_path'];
    const getUrlOnly = ['backup', 'checksum', 'tmp_dest'];
    const unarchiveAll = ['src', 'dest', 'remote_src', 'copy', 'creates', 'list_files', 'keep_newer', 'exclude', 'include', 'extra_opts', 'validate_certs', 'io_buffer_size', 'decrypt', 'mode', 'owner', 'group', 'seuser', 'serole', 'setype', 'selevel', 'unsafe_writes', 'attributes'];
    const props = (m: { schema: unknown }) => Object.keys((m.schema as { properties: object }).properties);
    expect(props(uri)).toEqual(expect.arrayContaining([...common, ...uriOnly]));
    expect(props(getUrl)).toEqual(expect.arrayContaining([...common, ...getUrlOnly]));
    expect(props(unarchive)).toEqual(expect.arrayContaining(unarchiveAll));
    expect(checkArgs(uri, { url: 'http://h/', body_format: 'form-multipart', body: {} }).ok).toBe(true);
    const both = checkArgs(uri, { url: 'http://h/', body: 'x', src: 'f' });
    expect(both.ok).toBe(false);
  });
});

describe('on this machine, against the echo server on loopback and a Unix socket', () => {
  let pid = 0;
  let base = '';
  let sock = '';
  const { dir, cleanup } = tempDir('tsplay-uri-options-');
  const www = join(dir, 'www');
  const fixtures = join(dir, 'fixtures');

  beforeAll(() => {
    mkdirSync(www);
    mkdirSync(join(fixtures, 'files'), { recursive: true });
    writeFileSync(join(www, 'a.txt'), 'a file\n');
    writeFileSync(join(fixtures, 'files/body.txt'), 'from the controller\n');
    writeFileSync(join(fixtures, 'files/up.md'), '# up\n');
    mkdirSync(join(dir, 'payload/top'), { recursive: true });
    writeFileSync(join(dir, 'payload/top/one.txt'), 'one\n');
    execFileSync('tar', ['czf', join(www, 'a.tgz'), '-C', join(dir, 'payload'), 'top']);
    execFileSync('zip', ['-qr', join(www, 'a.zip'), 'top'], { cwd: join(dir, 'payload') });
    const words = execFileSync('python3', [SERVER, www, 'unix'], { encoding: 'utf8', timeout: 30_000 }).trim().split(' ');
    base = `http://127.0.0.1:${words[0]}`;
    pid = Number(words[1]);
    sock = words[2]!;
  }, 60_000);
  afterAll(() => {
    if (pid) process.kill(pid);
    cleanup();
  });

  const echo = async (args: Record<string, unknown>) => (await runModule(uri, args, { fixtures })).result.json as Record<string, unknown>;

  it('uri: src from the controller and from the host (remote_src); a missing host src', async () => {
    const put = await echo({ url: `${base}/echo/put`, method: 'PUT', src: 'body.txt' });
    expect(put).toMatchObject({ method: 'PUT', body: 'from the controller\n', content_length: '20' });
    writeFileSync(join(dir, 'host.txt'), '{"a": 1}');
    const get = await echo({ url: `${base}/echo/get`, src: join(dir, 'host.txt'), remote_src: true, body_format: 'json' });
    expect(get).toMatchObject({ method: 'GET', body: '{"a": 1}', content_type: 'application/json' });
    await expect(runModule(uri, { url: `${base}/echo/x`, src: join(dir, 'none'), remote_src: true }, { fixtures })).rejects.toThrow(`Unable to open source file ${join(dir, 'none')}`);
    await expect(runModule(uri, { url: `${base}/echo/x`, src: 'none.txt' }, { fixtures, check: true })).rejects.toThrow("Could not find or access 'none.txt'");
  });

  it('uri: form-multipart with controller and host files', async () => {
    const sent = await echo({ url: `${base}/echo/mp`, method: 'POST', body_format: 'form-multipart', body: { a: 'x', up: { filename: 'up.md' } } });
    expect(sent.parts).toEqual([
      { headers: [['Content-Type', 'text/plain'], ['Content-Disposition', 'form-data; name="a"']], data: 'x' },
      { headers: [['Content-Transfer-Encoding', 'base64'], ['Content-Type', 'text/markdown'], ['Content-Disposition', 'form-data; name="up"; filename="up.md"']], data: '# up\n' },
    ]);
    const host = await echo({ url: `${base}/echo/mp`, method: 'POST', body_format: 'form-multipart', remote_src: true, body: { h: { filename: join(dir, 'host.txt') } } });
    expect((host.parts as { data: string }[])[0]!.data).toBe('{"a": 1}');
  });

  it('uri: over a Unix socket, and a socket that is not there', async () => {
    const r = await runModule(uri, { url: 'http://localhost/echo/sock', unix_socket: sock, headers: { 'X-A': '1' } });
    expect(r.result).toMatchObject({ status: 200, url: 'http://localhost/echo/sock', json: { x_headers: { 'x-a': '1' } } });
    await expect(runModule(uri, { url: 'http://localhost/x', unix_socket: join(dir, 'no.sock') })).rejects.toThrow(`Invalid Socket File (${join(dir, 'no.sock')}): [Errno 2] No such file or directory`);
  });

  it('get_url and uri: unredirected_headers are sent first, not after the redirect', async () => {
    const url = `${base}/redirect?to=/echo/after`;
    const headers = { 'X-Keep': 'k', 'X-Drop': 'd' };
    const r = await runModule(uri, { url, headers, unredirected_headers: ['X-Drop'] });
    expect(r.result).toMatchObject({ redirected: true, json: { x_headers: { 'x-keep': 'k' } } });
    expect((r.result.json as { x_headers: object }).x_headers).not.toHaveProperty('x-drop');
    const dest = join(dir, 'after.json');
    const args = { url, dest, headers, unredirected_headers: ['x-drop'] };
    expect((await runModule(getUrl, args, { check: true })).changed).toBe(true);
    expect((await runModule(getUrl, args)).changed).toBe(true);
    expect(JSON.parse(readFileSync(dest, 'utf8')).x_headers).toEqual({ 'x-keep': 'k' });
    expect((await runModule(getUrl, args)).changed).toBe(false);
    const direct = await runModule(uri, { url: `${base}/echo/direct`, headers, unredirected_headers: ['X-Drop'] });
    expect((direct.result.json as { x_headers: object }).x_headers).toEqual({ 'x-keep': 'k', 'x-drop': 'd' });
  });

  it('get_url: a file:// URL', async () => {
    const dest = join(dir, 'copy.txt');
    const args = { url: `file://${join(www, 'a.txt')}`, dest, mode: '0600' };
    const first = await runModule(getUrl, args);
    expect(first.result).toMatchObject({ changed: true, msg: 'OK (7 bytes)', status_code: null, mode: '0600' });
    expect(readFileSync(dest, 'utf8')).toBe('a file\n');
    expect((await runModule(getUrl, args)).changed).toBe(false);
  });

  it('unarchive: a URL is downloaded by the host, unpacked once, and nothing is left behind', async () => {
    const scratch = () => readdirSync('/tmp').filter((n) => n.startsWith('.tsplay-unarchive-'));
    const before = new Set(scratch());
    for (const name of ['a.tgz', 'a.zip']) {
      const dest = join(dir, `out-${name}`);
      mkdirSync(dest);
      const args = { src: `${base}/${name}`, dest, remote_src: true, list_files: true };
      const check = await runModule(unarchive, args, { check: true });
      expect(existsSync(join(dest, 'top'))).toBe(false);
      if (name === 'a.zip') expect(check.changed).toBe(true);
      const first = await runModule(unarchive, args);
      expect(first.result).toMatchObject({ changed: true, files: ['top/', 'top/one.txt'] });
      expect(readFileSync(join(dest, 'top/one.txt'), 'utf8')).toBe('one\n');
      expect((await runModule(unarchive, args)).changed).toBe(false);
      if (name === 'a.zip') expect((await runModule(unarchive, args, { check: true })).changed).toBe(false);
    }
    await expect(runModule(unarchive, { src: `${base}/missing.tgz`, dest: join(dir, 'out-a.tgz'), remote_src: true })).rejects.toThrow(/^Invalid archive '.*missing.tgz', the file is 0 bytes$/);
    // Port 9 (discard) on loopback: nothing listens there.
    await expect(runModule(unarchive, { src: 'http://127.0.0.1:9/a.tgz', dest: join(dir, 'out-a.tgz'), remote_src: true })).rejects.toThrow(
      'Failure downloading http://127.0.0.1:9/a.tgz, Request failed: <urlopen error [Errno 111] Connection refused>',
    );
    // Other files' runs (the differential suite's unarchive cases) may have one
    // of their own for a moment: what is new must be gone a little later.
    let left = scratch().filter((n) => !before.has(n));
    if (left.length > 0) {
      await new Promise((r) => setTimeout(r, 3000));
      const still = new Set(scratch());
      left = left.filter((n) => still.has(n));
    }
    expect(left).toEqual([]);
    expect(statSync(join(dir, 'out-a.tgz')).isDirectory()).toBe(true);
  });
});
