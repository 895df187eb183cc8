// Python's float and big int, as templates see them. A JS number cannot tell
// 3.0 from 3, so numbers are read this way:
//  - a JS number with a fraction, NaN or ±Infinity is a float (2.5), and so is
//    a whole one past 2**53 (JS has no exact ints there: 1e+300);
//  - a JS integer number up to 2**53 is an int (3);
//  - a PyFloat box holds a float whose value is whole (3.0, -0.0, 1e+20);
//  - a bigint is an int beyond 2**53 (2 ** 64).
// mkFloat/mkInt pick the right form for a result. A PyFloat behaves as its
// number for Number(), `+x` and JSON.stringify, and String() gives Python's repr.
import { PyObject } from './py-object.js';

/** Python's repr() of a float: shortest round-trip digits, 1e+16, 1e-05, 3.0, inf, nan. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${String(abs)}`;
  }
  return Number.isInteger(n) ? `${String(n)}.0` : String(n);
}

export class PyFloat extends PyObject {
  readonly pyTypeName = 'float';
  constructor(readonly value: number) {
    super();
  }
  pyStr(): string {
    return floatRepr(this.value);
  }
  pyRepr(): string {
    return floatRepr(this.value);
  }
  override pyCompare(other: unknown): number | undefined {
    if (!isNumeric(other)) return undefined;
    const o = numberOf(other);
    return this.value < o ? -1 : this.value > o ? 1 : this.value === o ? 0 : undefined;
  }
  override valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  override toString(): string {
    return floatRepr(this.value);
  }
}

/** A float result: boxed when its value is whole (so it still prints as 3.0). */
export function mkFloat(n: number): number | PyFloat {
  return Number.isSafeInteger(n) ? new PyFloat(n) : n;
}

/** An int result: a number while exact, else a bigint. */
export function mkInt(n: number | bigint): number | bigint {
  if (typeof n === 'bigint') {
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  return Number.isSafeInteger(n) ? n : BigInt(n);
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isSafeInteger(v));
}

/** int, float or bool (Python's bool is an int). */
export function isNumeric(v: unknown): v is number | bigint | boolean | PyFloat {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** The JS number of a numeric value (a bigint may lose digits). */
export function numberOf(v: unknown): number {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number(v);
}
