import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFileCache, readParsed, secretKind } from '../../src/connection/file-cache.js';
import { appendKnownHost, loadKnownHosts } from '../../src/connection/known-hosts.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tsplay-fc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => clearFileCache());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Longer than file-cache.ts's RACY_MS: a file this old may be reused. */
const settle = (): Promise<void> => sleep(200);

function counting(): { parse: (d: Buffer) => string; count: () => number } {
  let n = 0;
  return {
    parse: (d) => {
      n++;
      return d.toString('utf8');
    },
    count: () => n,
  };
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('file cache', () => {
  it('parses an unchanged file once, for parallel and later callers', async () => {
    const f = file('once', 'hello');
    await settle();
    const c = counting();
    const all = await Promise.all(Array.from({ length: 20 }, () => readParsed(f, 'k', c.parse)));
    expect(all).toEqual(Array(20).fill('hello'));
    expect(await readParsed(f, 'k', c.parse)).toBe('hello');
    expect(c.count()).toBe(1);
  });

  it('reads a file again when it changed, even at once and to the same size', async () => {
    const f = file('changed', 'aaaa');
    const c = counting();
    expect(await readParsed(f, 'k', c.parse)).toBe('aaaa');
    writeFileSync(f, 'bbbb'); // same size, likely within the same clock tick
    expect(await readParsed(f, 'k', c.parse)).toBe('bbbb');
    await settle();
    expect(await readParsed(f, 'k', c.parse)).toBe('bbbb');
    writeFileSync(f, 'cccc');
    expect(await readParsed(f, 'k', c.parse)).toBe('cccc');
  });

  it('reads a file again when it was replaced by a rename', async () => {
    const f = file('renamed', 'old');
    await settle();
    const c = counting();
    expect(await readParsed(f, 'k', c.parse)).toBe('old');
    renameSync(file('renamed.tmp', 'new'), f);
    expect(await readParsed(f, 'k', c.parse)).toBe('new');
  });

  it('does not cache failures: a missing file, a parse error', async () => {
    const f = path.join(tmp, 'missing');
    await expect(readParsed(f, 'k', (d) => d)).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(f, 'now here');
    await settle();
    let fail = true;
    const parse = (d: Buffer): string => {
      if (fail) throw new Error('bad');
      return d.toString('utf8');
    };
    await expect(readParsed(f, 'k', parse)).rejects.toThrow('bad');
    fail = false;
    expect(await readParsed(f, 'k', parse)).toBe('now here');
  });

  it('keeps different kinds (e.g. passphrases) apart without keeping the secret', async () => {
    const f = file('kinds', 'x');
    await settle();
    expect(await readParsed(f, 'a', () => 1)).toBe(1);
    expect(await readParsed(f, 'b', () => 2)).toBe(2);
    expect(await readParsed(f, secretKind('key', 'one'), () => 3)).toBe(3);
    expect(await readParsed(f, secretKind('key', 'two'), () => 4)).toBe(4);
    expect(await readParsed(f, secretKind('key', 'one'), () => 5)).toBe(3);
    expect(secretKind('key', 'one')).not.toContain('one');
    expect(secretKind('key', undefined)).toBe('key');
  });

  it('known_hosts: a key recorded by appendKnownHost is seen by the next load', async () => {
    const kh = path.join(tmp, 'known_hosts');
    const blob = (): Buffer => {
      const t = Buffer.from('ssh-ed25519');
      const body = randomBytes(32);
      const l1 = Buffer.alloc(4);
      l1.writeUInt32BE(t.length);
      const l2 = Buffer.alloc(4);
      l2.writeUInt32BE(body.length);
      return Buffer.concat([l1, t, l2, body]);
    };
    await appendKnownHost(kh, 'h1', blob());
    await settle();
    expect((await loadKnownHosts([kh])).map((e) => e.hosts)).toEqual(['h1']);
    await appendKnownHost(kh, 'h2', blob());
    expect((await loadKnownHosts([kh])).map((e) => e.hosts)).toEqual(['h1', 'h2']);
  });
});
