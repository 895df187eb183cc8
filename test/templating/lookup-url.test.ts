// The url lookup against a loopback HTTP server in a child process (the lookup
// blocks this process while it fetches). The expected values are what
// ansible-playbook 2.14 rendered for the same pages served on 127.0.0.1
// (python3 -m http.server: a 404's reason is "File not found").
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templar } from '../../src/templating/templar.js';

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/page.txt') return res.end('line one\\nline two\\n\\nünï\\n');
  if (req.url === '/agent') return res.end(String(req.headers['user-agent']) + '|' + String(req.headers['x-token']));
  res.statusMessage = 'File not found';
  res.statusCode = 404;
  res.end('nope');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

let server: ChildProcess;
let base = '';
let closed = '';
const t = new Templar();

beforeAll(async () => {
  server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  base = `http://127.0.0.1:${chunk.toString().trim()}`;
  // a port nothing listens on: one just freed
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  probe.close();
}, 30_000);

afterAll(() => {
  server?.kill();
});

describe('lookup url', () => {
  it('reads a page from a loopback server', () => {
    expect(t.render(`{{ lookup('url', '${base}/page.txt') }}`, {})).toBe('line one,line two,,ünï');
  });
  it('keeps the body whole with split_lines=false', () => {
    expect(t.render(`{{ query('url', '${base}/page.txt', split_lines=false) }}`, {})).toEqual(['line one\nline two\n\nünï\n']);
  });
  it('sends its user agent and the given headers', () => {
    expect(t.render(`{{ lookup('url', '${base}/agent', headers={'X-Token': 'abc'}) }}`, {})).toBe('ansible-httpget|abc');
  });
  it('fails on an HTTP error as Ansible does', () => {
    expect(() => t.render(`{{ lookup('url', '${base}/nosuch') }}`, {})).toThrow(
      `An unhandled exception occurred while running the lookup plugin 'url'. Error was a <class 'ansible.errors.AnsibleError'>, original message: Received HTTP error for ${base}/nosuch : HTTP Error 404: File not found`,
    );
  });
  it('fails on a refused connection as Ansible does', () => {
    expect(() => t.render(`{{ lookup('url', '${closed}/x') }}`, {})).toThrow(
      `original message: Failed lookup url for ${closed}/x : <urlopen error [Errno 111] Connection refused>`,
    );
  });
  it('gives nothing with errors=ignore', () => {
    expect(t.render(`{{ query('url', '${closed}/x', errors='ignore') }}`, {})).toEqual([]);
  });
});
