import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  entriesFor,
  fingerprintSha256,
  hostFieldMatches,
  keyTypeOf,
  knownHostName,
  loadKnownHosts,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../src/connection/known-hosts.js';

function blob(type: string, body = randomBytes(32)): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tsplay-kh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('names hosts like OpenSSH', () => {
    expect(knownHostName('example.com', 22)).toBe('example.com');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, wildcard, negated and hashed host fields', () => {
    expect(hostFieldMatches('a.example.com,b.example.com', 'b.example.com')).toBe(true);
    expect(hostFieldMatches('A.Example.com', 'a.example.com')).toBe(true);
    expect(hostFieldMatches('*.example.com', 'web1.example.com')).toBe(true);
    expect(hostFieldMatches('web?.example.com', 'web12.example.com')).toBe(false);
    expect(hostFieldMatches('*.example.com,!db.example.com', 'db.example.com')).toBe(false);
    expect(hostFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1')).toBe(false);
    expect(hostFieldMatches('10.0.0.1', '[10.0.0.1]:2222')).toBe(false);
    expect(hostFieldMatches(hashed('[10.0.0.1]:2222'), '[10.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(hashed('[10.0.0.1]:2222'), '[10.0.0.1]:2223')).toBe(false);
  });

  it('tells known, unknown, changed and revoked keys apart', () => {
    const ed = blob('ssh-ed25519');
    const ed2 = blob('ssh-ed25519');
    const rsa = blob('ssh-rsa');
    const text = [
      '# comment',
      '',
      `@cert-authority *.example.com ssh-ed25519 ${blob('ssh-ed25519').toString('base64')}`,
      `${hashed('web1')} ssh-ed25519 ${ed.toString('base64')}`,
      `web2 ssh-rsa ${rsa.toString('base64')} comment here`,
      `@revoked * ssh-ed25519 ${ed2.toString('base64')}`,
      'garbage line',
      `web3 ssh-ed25519 ${rsa.toString('base64')}`, // type mismatch: ignored
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    expect(entries).toHaveLength(4);
    expect(checkHostKey(entries, 'web1', ed).status).toBe('known');
    const changed = checkHostKey(entries, 'web1', blob('ssh-ed25519'));
    expect(changed.status).toBe('changed');
    expect(changed.status === 'changed' && changed.entry.line).toBe(4);
    expect(checkHostKey(entries, 'web2', ed)).toEqual({ status: 'unknown', otherTypes: ['ssh-rsa'] });
    expect(checkHostKey(entries, 'web9', ed)).toEqual({ status: 'unknown', otherTypes: [] });
    expect(checkHostKey(entries, 'web1', ed2).status).toBe('revoked');
    expect(checkHostKey(entries, 'web3', ed).status).toBe('unknown');
    expect(preferredHostKeyAlgorithms(entries, 'web2').slice(0, 4)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
  });

  it('finds the lines for a name through its index as a test of every line would, in file order', () => {
    const k = (t: string) => `${t} ${blob(t).toString('base64')}`;
    const text = [
      `h1,H2 ${k('ssh-ed25519')}`,
      `*.example ${k('ssh-rsa')}`,
      `${hashed('h2')} ${k('ecdsa-sha2-nistp256')}`,
      `h?,!h3 ${k('ssh-ed25519')}`,
      `@revoked h1 ${k('ssh-ed25519')}`,
      `[h1]:2222 ${k('ssh-ed25519')}`,
      `h2 ${k('ssh-rsa')}`,
      `a.example,h1 ${k('ssh-rsa')}`,
    ].join('\n');
    const entries = parseKnownHosts(text);
    for (const name of ['h1', 'h2', 'H1', 'h3', 'a.example', 'b.example', '[h1]:2222', 'h10', 'x']) {
      const tested = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
      expect(entriesFor(entries, name), name).toEqual(tested);
      expect(entriesFor(entries, name), name).toEqual(tested); // the kept answer too
    }
    expect(entriesFor(entries, 'h2').map((e) => e.line)).toEqual([1, 3, 4, 7]);
  });

  it('gives the same entries (and so the same index) for unchanged files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsplay-kh-same-'));
    try {
      const a = path.join(dir, 'a');
      writeFileSync(a, `h1 ssh-ed25519 ${blob('ssh-ed25519').toString('base64')}\n`);
      await new Promise((r) => setTimeout(r, 250)); // past the file cache's racy window (file-cache.ts)
      const first = await loadKnownHosts([a, path.join(dir, 'missing')]);
      expect(await loadKnownHosts([a, path.join(dir, 'missing')])).toBe(first);
      writeFileSync(a, `h2 ssh-ed25519 ${blob('ssh-ed25519').toString('base64')}\n`);
      const changed = await loadKnownHosts([a, path.join(dir, 'missing')]);
      expect(changed).not.toBe(first);
      expect(changed.map((e) => e.hosts)).toEqual(['h2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints fingerprints like ssh-keygen and reads key types', () => {
    const b = blob('ssh-ed25519', Buffer.alloc(32, 1));
    expect(keyTypeOf(b)).toBe('ssh-ed25519');
    expect(fingerprintSha256(b)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('appends atomically, once, keeping mode and symlinks', async () => {
    const real = path.join(tmp, 'real_known_hosts');
    writeFileSync(real, 'old ssh-ed25519 AAAA', { mode: 0o644 }); // no trailing newline
    const link = path.join(tmp, 'link_known_hosts');
    symlinkSync(real, link);
    const k = blob('ssh-ed25519');
    await Promise.all([
      appendKnownHost(link, '[h]:2222', k),
      appendKnownHost(link, '[h]:2222', k),
      appendKnownHost(link, 'other', k),
    ]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o644);
    expect(readFileSync(real, 'utf8')).toBe(
      `old ssh-ed25519 AAAA\n[h]:2222 ssh-ed25519 ${k.toString('base64')}\nother ssh-ed25519 ${k.toString('base64')}\n`,
    );
    const fresh = path.join(tmp, 'sub', 'known_hosts');
    await appendKnownHost(fresh, 'x', k);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(fresh)).mode & 0o777).toBe(0o700);
  });
});
