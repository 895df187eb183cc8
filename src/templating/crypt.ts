// crypt(3) password hashes as glibc makes them, for password_hash: SHA-512 ($6$)
// and SHA-256 ($5$) from Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"
// specification, and the FreeBSD MD5 scheme ($1$).
import { createHash } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base64: `n` characters of the 24-bit group, least significant first. */
function encode24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** The byte order each scheme encodes its digest in (a trailing group shorter than 3 is padded with zeros in front). */
const SHA512_ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7],
  [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57],
  [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [63],
];
const SHA256_ORDER = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17],
  [18, 28, 8], [9, 19, 29], [31, 30],
];
const MD5_ORDER = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5], [11]];

function encodeDigest(digest: Buffer, order: number[][]): string {
  return order
    .map((group) => {
      const bytes = group.map((i) => digest[i] ?? 0);
      while (bytes.length < 3) bytes.unshift(0);
      const [b2 = 0, b1 = 0, b0 = 0] = bytes;
      return encode24(b2, b1, b0, group.length + 1);
    })
    .join('');
}

/** `length` bytes of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/** SHA-crypt: `$5$` (sha256) or `$6$` (sha512); rounds null means the implicit 5000. */
export function shaCrypt(algorithm: 'sha256' | 'sha512', password: string, salt: string, rounds: number | null): string {
  const hash = (...parts: Buffer[]): Buffer => {
    const h = createHash(algorithm);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const pw = Buffer.from(password, 'utf8');
  const saltBytes = Buffer.from(salt.slice(0, 16), 'utf8');
  const n = rounds === null ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));

  const b = hash(pw, saltBytes, pw);
  const aParts = [pw, saltBytes, repeatTo(b, pw.length)];
  for (let len = pw.length; len > 0; len >>= 1) aParts.push(len & 1 ? b : pw);
  let c = hash(...aParts);
  const p = repeatTo(hash(...Array<Buffer>(pw.length).fill(pw)), pw.length);
  const s = repeatTo(hash(...Array<Buffer>(16 + (c[0] ?? 0)).fill(saltBytes)), saltBytes.length);
  for (let i = 0; i < n; i++) {
    const parts = [i & 1 ? p : c];
    if (i % 3) parts.push(s);
    if (i % 7) parts.push(p);
    parts.push(i & 1 ? c : p);
    c = hash(...parts);
  }
  const id = algorithm === 'sha512' ? '6' : '5';
  const roundsPart = rounds === null ? '' : `rounds=${n}$`;
  return `$${id}$${roundsPart}${saltBytes.toString('utf8')}$${encodeDigest(c, algorithm === 'sha512' ? SHA512_ORDER : SHA256_ORDER)}`;
}

/** MD5-crypt (`$1$`), salt up to 8 characters. */
export function md5Crypt(password: string, salt: string): string {
  const md5 = (...parts: Buffer[]): Buffer => {
    const h = createHash('md5');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const pw = Buffer.from(password, 'utf8');
  const saltBytes = Buffer.from(salt.slice(0, 8), 'utf8');
  const alt = md5(pw, saltBytes, pw);
  const parts = [pw, Buffer.from('$1$'), saltBytes, repeatTo(alt, pw.length)];
  for (let len = pw.length; len > 0; len >>= 1) parts.push(len & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let f = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const round = [i & 1 ? pw : f];
    if (i % 3) round.push(saltBytes);
    if (i % 7) round.push(pw);
    round.push(i & 1 ? f : pw);
    f = md5(...round);
  }
  return `$1$${saltBytes.toString('utf8')}$${encodeDigest(f, MD5_ORDER)}`;
}
