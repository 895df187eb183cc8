// Python's random.Random(seed), as Ansible's seeded filters call it
// (shuffle(seed=...), random(seed=...), the password lookup's seed=): the
// Mersenne Twister (MT19937) seeded as CPython 3 seeds it, and the few methods
// those filters use, drawing the same numbers in the same order so a seeded
// result equals Ansible's.
import { createHash } from 'node:crypto';
import { TemplateError } from './errors.js';
import { PyFloat } from './py-float.js';

const N = 624;
const M = 397;

/** The 32-bit words of a non-negative integer, least significant first (at least one). */
function wordsOf(n: bigint): number[] {
  const words: number[] = [];
  do {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return words;
}

/** CPython's seed key: an int by its absolute value; a str (version 2) as the int of its UTF-8 bytes followed by their SHA-512. */
function seedKey(seed: string | number | bigint | boolean): number[] {
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    return wordsOf(BigInt('0x' + all.toString('hex')));
  }
  if (typeof seed === 'boolean') return wordsOf(seed ? 1n : 0n);
  // a number past the safe integers is a float here (ints that big arrive as bigint);
  // CPython seeds a float by its hash taken as an unsigned 64-bit number
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) seed = BigInt.asUintN(64, floatHash(seed));
  const n = BigInt(seed);
  return wordsOf(n < 0n ? -n : n);
}

const HASH_BITS = 61n;
const HASH_MODULUS = (1n << HASH_BITS) - 1n;

/** Python's hash() of a float (a float seed is seeded by its hash): its value modulo 2**61 - 1. */
function floatHash(v: number): bigint {
  if (Number.isNaN(v)) throw new TemplateError('a NaN seed is not reproducible');
  if (!Number.isFinite(v)) return v > 0 ? 314159n : -314159n;
  const sign = v < 0 ? -1n : 1n;
  let m = Math.abs(v);
  // frexp: m in [0.5, 1), v = m * 2**e
  let e = m === 0 ? 0 : Math.floor(Math.log2(m)) + 1;
  m = m / 2 ** e;
  if (m >= 1) {
    m /= 2;
    e += 1;
  } else if (m > 0 && m < 0.5) {
    m *= 2;
    e -= 1;
  }
  let x = 0n;
  while (m) {
    x = ((x << 28n) & HASH_MODULUS) | (x >> (HASH_BITS - 28n));
    m *= 268435456;
    e -= 28;
    const y = Math.floor(m);
    m -= y;
    x += BigInt(y);
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  const bits = Number(HASH_BITS);
  const shift = BigInt(e >= 0 ? e % bits : bits - 1 - ((-1 - e) % bits));
  x = ((x << shift) & HASH_MODULUS) | (x >> (HASH_BITS - shift));
  x *= sign;
  return x === -1n ? -2n : x;
}

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: string | number | bigint | boolean) {
    this.initByArray(seedKey(seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit output (genrand_uint32). */
  uint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random(): a float in [0, 1) from 53 bits. */
  random(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** getrandbits(k): k random bits, 32-bit words filled least significant first. */
  getrandbits(k: number): bigint {
    if (k <= 32) return BigInt(this.uint32() >>> (32 - k));
    let result = 0n;
    for (let shift = 0; k > 0; shift += 32, k -= 32) {
      const word = k < 32 ? this.uint32() >>> (32 - k) : this.uint32();
      result |= BigInt(word) << BigInt(shift);
    }
    return result;
  }

  /** _randbelow(n): uniform in [0, n) by rejection on n.bit_length() bits. */
  randbelowBig(n: bigint): bigint {
    if (n <= 0n) return 0n;
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  randbelow(n: number | bigint): number {
    return Number(this.randbelowBig(BigInt(n)));
  }

  /** shuffle(x) in place, as CPython 3.11 does. */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j]!, x[i]!];
    }
    return x;
  }

  choice<T>(seq: T[]): T {
    if (seq.length === 0) throw new TemplateError('Cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)]!;
  }

  /** randrange(start, stop, step) with Python's errors; a result past the safe integers is a bigint. */
  randrange(start: number | bigint, stop: number | bigint, step: number | bigint = 1): number | bigint {
    const [a, b, c] = [BigInt(start), BigInt(stop), BigInt(step)];
    const width = b - a;
    let n: bigint;
    if (c === 1n) {
      if (width <= 0n) throw new TemplateError(`empty range for randrange() (${a}, ${b}, ${width})`);
      n = width;
    } else {
      if (c === 0n) throw new TemplateError('zero step for randrange()');
      // Python's floor division
      const num = c > 0n ? width + c - 1n : width + c + 1n;
      n = num / c - (num % c !== 0n && num < 0n !== c < 0n ? 1n : 0n);
      if (n <= 0n) throw new TemplateError('empty range for randrange()');
    }
    const r = a + c * this.randbelowBig(n);
    return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
  }
}

/** A template value as a seed: Python's int, bool, str, and float (seeded by its hash). */
export function seededRandom(seed: unknown): PyRandom {
  if (typeof seed === 'string' || typeof seed === 'boolean' || typeof seed === 'bigint' || typeof seed === 'number') return new PyRandom(seed);
  if (seed instanceof PyFloat) return new PyRandom(BigInt.asUintN(64, floatHash(seed.value)));
  throw new TemplateError('The only supported seed types are: None,\nint, float, str, bytes, and bytearray.');
}
