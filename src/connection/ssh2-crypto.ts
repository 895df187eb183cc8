// What ssh2's packet code (ssh2/lib/protocol/crypto.js) gets for
// `require('crypto')` in the bundle (see build-bundle.ts): node's crypto, with a
// randomFillSync that serves small requests from a pool. ssh2 fills every
// packet's 4-19 bytes of padding with its own randomFillSync call, and one call
// costs about as much as encrypting the packet: a tenth of ssh2's time per task.
// The bytes are still node's CSPRNG output, each used once.
import * as crypto from 'node:crypto';

const POOL_SIZE = 4096;
/** Larger requests go straight to node. */
const POOLED_MAX = 256;

const pool = Buffer.allocUnsafe(POOL_SIZE);
let used = POOL_SIZE;

export function pooledRandomFillSync<T extends NodeJS.ArrayBufferView>(buf: T, offset = 0, size?: number): T {
  const length = size ?? buf.byteLength - offset;
  if (length > POOLED_MAX) return crypto.randomFillSync(buf, offset, size);
  if (used + length > POOL_SIZE) {
    crypto.randomFillSync(pool);
    used = 0;
  }
  const target = buf instanceof Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  pool.copy(target, offset, used, used + length);
  used += length;
  return buf;
}

/** node's crypto, with randomFillSync pooled; everything else reads through to node's. */
export const ssh2Crypto: typeof crypto = Object.create(crypto, {
  randomFillSync: { value: pooledRandomFillSync, enumerable: true },
});
