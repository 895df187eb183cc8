// Python's arithmetic on ints and floats (see py-float.ts for how they are
// held): int op int stays an int (a bigint past 2**53), anything with a float
// is a float, `/` is always a float, `//` and `%` floor like Python.
// Dividing by zero raises Python's ZeroDivisionError, worded as Python 3.11 words it.
import { PyException, PyTypeError } from './errors.js';
import { PyFloat, isFloat, mkFloat, mkInt } from './py-float.js';

type Operand = { float: true; n: number } | { float: false; n: number | bigint };

function operand(v: unknown): Operand | undefined {
  if (v instanceof PyFloat) return { float: true, n: v.value };
  if (typeof v === 'boolean') return { float: false, n: v ? 1 : 0 };
  if (typeof v === 'bigint') return { float: false, n: v };
  if (typeof v === 'number') return isFloat(v) ? { float: true, n: v } : { float: false, n: v };
  return undefined;
}

export type TypeNamer = (v: unknown) => string;

function operands(a: unknown, b: unknown, op: string, typeName: TypeNamer): [Operand, Operand] {
  const x = operand(a);
  const y = operand(b);
  if (!x || !y) throw new PyTypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  return [x, y];
}

const zeroDivision = (msg: string) => new PyException('ZeroDivisionError', msg);

const big = (n: number | bigint): bigint => (typeof n === 'bigint' ? n : BigInt(n));

/** An int result computed with numbers while exact, else with bigints. */
function intOp(x: number | bigint, y: number | bigint, num: (a: number, b: number) => number, bigOp: (a: bigint, b: bigint) => bigint): number | bigint {
  if (typeof x === 'number' && typeof y === 'number') {
    const r = num(x, y);
    if (Number.isSafeInteger(r)) return r;
  }
  return mkInt(bigOp(big(x), big(y)));
}

export function numAdd(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '+', typeName);
  if (x.float || y.float) return mkFloat(Number(x.n) + Number(y.n));
  return intOp(x.n, y.n, (p, q) => p + q, (p, q) => p + q);
}

export function numSub(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '-', typeName);
  if (x.float || y.float) return mkFloat(Number(x.n) - Number(y.n));
  return intOp(x.n, y.n, (p, q) => p - q, (p, q) => p - q);
}

export function numMul(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '*', typeName);
  if (x.float || y.float) return mkFloat(Number(x.n) * Number(y.n));
  return intOp(x.n, y.n, (p, q) => p * q, (p, q) => p * q);
}

export function numDiv(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '/', typeName);
  if (Number(y.n) === 0) throw zeroDivision(x.float || y.float ? 'float division by zero' : 'division by zero');
  if (!x.float && !y.float && (typeof x.n === 'bigint' || typeof y.n === 'bigint')) {
    const [p, q] = [big(x.n), big(y.n)];
    if (p % q === 0n) return mkFloat(Number(p / q));
  }
  return mkFloat(Number(x.n) / Number(y.n));
}

export function numFloorDiv(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '//', typeName);
  if (Number(y.n) === 0) throw zeroDivision(x.float || y.float ? 'float floor division by zero' : 'integer division or modulo by zero');
  if (x.float || y.float) return mkFloat(Math.floor(Number(x.n) / Number(y.n)));
  return intOp(x.n, y.n, (p, q) => Math.floor(p / q), (p, q) => {
    const d = p / q;
    return (p % q !== 0n && (p < 0n) !== (q < 0n)) ? d - 1n : d;
  });
}

export function numMod(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '%', typeName);
  if (Number(y.n) === 0) throw zeroDivision(x.float || y.float ? 'float modulo' : 'integer modulo by zero');
  if (x.float || y.float) {
    const p = Number(x.n);
    const q = Number(y.n);
    const r = p % q;
    // the result takes the divisor's sign, as in Python
    return mkFloat(r !== 0 && r < 0 !== q < 0 ? r + q : r === 0 ? (q < 0 ? -0 : 0) : r);
  }
  return intOp(x.n, y.n, (p, q) => ((p % q) + q) % q, (p, q) => ((p % q) + q) % q);
}

export function numPow(a: unknown, b: unknown, typeName: TypeNamer): unknown {
  const [x, y] = operands(a, b, '**', typeName);
  if (x.float || y.float || Number(y.n) < 0) {
    if (Number(x.n) === 0 && Number(y.n) < 0) throw zeroDivision('0.0 cannot be raised to a negative power');
    return mkFloat(Number(x.n) ** Number(y.n));
  }
  return intOp(x.n, y.n, (p, q) => p ** q, (p, q) => p ** q);
}

export function numNeg(a: unknown, typeName: TypeNamer): unknown {
  const x = operand(a);
  if (!x) throw new PyTypeError(`bad operand type for unary -: '${typeName(a)}'`);
  if (x.float) return mkFloat(-x.n);
  return typeof x.n === 'bigint' ? mkInt(-x.n) : x.n === 0 ? 0 : -x.n;
}

export function numAbs(a: unknown, typeName: TypeNamer): unknown {
  const x = operand(a);
  if (!x) throw new PyTypeError(`bad operand type for abs(): '${typeName(a)}'`);
  if (x.float) return mkFloat(Math.abs(x.n));
  return typeof x.n === 'bigint' ? mkInt(x.n < 0n ? -x.n : x.n) : Math.abs(x.n);
}
