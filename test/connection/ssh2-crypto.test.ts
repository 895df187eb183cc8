// ssh2's packet padding comes from a pool of node's random bytes
// (src/connection/ssh2-crypto.ts): each request gets fresh bytes in exactly the
// range it asked for, and the bundle hands ssh2 this crypto, with its native
// addons found from the bundle.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pooledRandomFillSync, ssh2Crypto } from '../../src/connection/ssh2-crypto.js';
import { ROOT } from '../cli-helpers.js';

describe('pooledRandomFillSync', () => {
  it('fills only the range asked for, with new bytes each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.alloc(40, 0xaa);
      pooledRandomFillSync(buf, 5, 16);
      expect(buf.subarray(0, 5).every((b) => b === 0xaa)).toBe(true);
      expect(buf.subarray(21).every((b) => b === 0xaa)).toBe(true);
      seen.add(buf.subarray(5, 21).toString('hex'));
    }
    // 2000 draws of 16 bytes (more than the pool holds): never the same twice.
    expect(seen.size).toBe(2000);
  });

  it('fills to the end without a size, in views with an offset, and large requests too', () => {
    const backing = new Uint8Array(64).fill(7);
    const view = new Uint8Array(backing.buffer, 8, 32);
    pooledRandomFillSync(view, 4);
    expect([...backing.subarray(0, 12)].every((b) => b === 7)).toBe(true);
    expect([...backing.subarray(40)].every((b) => b === 7)).toBe(true);
    expect(new Set(backing.subarray(12, 40)).size).toBeGreaterThan(4);
    const big = Buffer.alloc(1000);
    pooledRandomFillSync(big, 0, 1000);
    expect(new Set(big).size).toBeGreaterThan(100);
  });

  it('is what ssh2 gets as crypto.randomFillSync; the rest is node crypto', () => {
    expect(ssh2Crypto.randomFillSync).toBe(pooledRandomFillSync);
    expect(typeof ssh2Crypto.createCipheriv).toBe('function');
    expect(ssh2Crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('a'))).toBe(true);
  });
});

describe('the bundle', () => {
  const bundle = join(ROOT, 'dist', 'bundle', 'tsplay.cjs');
  const text = readFileSync(bundle, 'utf8');

  it('loads ssh2 native addons from node_modules, found from the bundle', () => {
    const addons = [...text.matchAll(/require\("([^"]+\.node)"\)/g)].map((m) => m[1]!);
    expect(addons).toContain('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node');
    const requireFromBundle = createRequire(bundle);
    for (const addon of addons) expect(Object.keys(requireFromBundle(addon) as object).length).toBeGreaterThan(0);
  });

  it('gives ssh2 packet code the pooled crypto, and no other module', () => {
    expect(text.match(/require_ssh2_crypto\(\)/g)?.length).toBe(1);
    const start = text.indexOf('// node_modules/ssh2/lib/protocol/crypto.js\n');
    const section = text.slice(start, text.indexOf('\n// ', start + 1));
    expect(start).toBeGreaterThan(0);
    expect(section).toMatch(/randomFillSync[\s\S]{0,80}\} = require_ssh2_crypto\(\);/);
  });
});
