// Python's str()/repr() of plain data, and ast.literal_eval for the literals
// Ansible turns rendered text back into (lists, dicts, booleans...).
import { PyObject } from './py-object.js';
import { PyFloat, floatRepr, mkFloat } from './py-float.js';
import { isUndefined } from './undefined.js';

export { PyObject };

/** Python's repr() of a JS number: an int up to 2**53, else a float (see py-float.ts). */
export function pyNumber(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : floatRepr(n);
}

function escapeChar(c: string, quote: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case quote:
      return `\\${quote}`;
  }
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) {
    return `\\x${code.toString(16).padStart(2, '0')}`;
  }
  if (code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) {
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return c;
}

/** Python's repr() of a str: single quotes unless it contains ' but no ". */
export function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) out += escapeChar(c, quote);
  return out + quote;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Python tuple: an array that prints as (a, b). */
export class PyTuple extends Array<unknown> {}

export function tuple(items: unknown[]): PyTuple {
  const t = new PyTuple();
  t.push(...items);
  return t;
}

/** Python's repr() of plain data. */
export function pyRepr(v: unknown): string {
  if (isUndefined(v)) v.fail();
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyStringRepr(v);
  if (v instanceof PyObject) return v.pyRepr();
  if (v instanceof PyTuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'function') return `<function ${v.name || 'lambda'}>`;
  if (isMapping(v)) {
    return `{${Object.keys(v)
      .map((k) => `${pyStringRepr(k)}: ${pyRepr(v[k])}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Python's str(): strings as they are, everything else as repr(). */
export function pyStr(v: unknown): string {
  if (v instanceof PyObject) return v.pyStr();
  return typeof v === 'string' ? v : pyRepr(v);
}

// ---- ast.literal_eval ----

class LiteralParser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(): never {
    throw new SyntaxError(`not a Python literal: ${this.s}`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.pos++;
      else if (c === '\\' && this.s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < this.s.length && this.s[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  peek(): string {
    this.skipSpace();
    return this.s[this.pos] ?? '';
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail();
    this.pos++;
  }

  parseTop(): unknown {
    const v = this.value();
    if (this.peek() !== '') this.fail();
    return v;
  }

  value(): unknown {
    const c = this.peek();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') {
      const items = this.sequence('(', ')', true);
      return items;
    }
    if (c === '{') return this.mapping();
    if (c === '-' || c === '+') {
      this.pos++;
      const v = this.value();
      if (v instanceof PyFloat) return c === '-' ? new PyFloat(-v.value) : v;
      if (typeof v === 'bigint') return c === '-' ? -v : v;
      if (typeof v !== 'number') this.fail();
      return c === '-' ? -v : v;
    }
    if (/[0-9.]/.test(c)) return this.number();
    const m = /^([rRuUbB]{0,2})(['"])/.exec(this.s.slice(this.pos));
    if (m) {
      let out = this.string();
      // adjacent string literals concatenate
      while (/^[rRuUbB]{0,2}['"]/.test(this.s.slice(this.pos))) out += this.string();
      return out;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos));
    if (name) {
      this.pos += name[0].length;
      if (name[0] === 'True') return true;
      if (name[0] === 'False') return false;
      if (name[0] === 'None') return null;
    }
    return this.fail();
  }

  sequence(open: string, close: string, tuple = false): unknown[] {
    this.expect(open);
    const out: unknown[] = [];
    let sawComma = false;
    while (this.peek() !== close) {
      out.push(this.value());
      if (this.peek() === ',') {
        this.pos++;
        sawComma = true;
      } else break;
    }
    this.expect(close);
    if (tuple && out.length === 1 && !sawComma) return out[0] as unknown[];
    return out;
  }

  mapping(): Record<string, unknown> {
    this.expect('{');
    const out: Record<string, unknown> = {};
    while (this.peek() !== '}') {
      const k = this.value();
      if (this.peek() !== ':') this.fail(); // sets are not supported
      this.pos++;
      out[keyString(k)] = this.value();
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.expect('}');
    return out;
  }

  number(): number | bigint | PyFloat {
    const rest = this.s.slice(this.pos);
    const m =
      /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?)/.exec(rest);
    if (!m || m[0] === '' || m[0] === '.') this.fail();
    this.pos += m[0].length;
    if (/^[jJ]/.test(this.s.slice(this.pos))) this.fail(); // complex
    const t = m[0].replace(/_/g, '');
    if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
    if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
    if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
    if (/^0\d+$/.test(t) && /[1-9]/.test(t)) this.fail(); // 0123 is invalid in py3
    if (/[.eE]/.test(t)) return mkFloat(Number(t));
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : BigInt(t);
  }

  string(): string {
    this.skipSpace();
    const m = /^([rRuUbB]{0,2})('''|"""|'|")/.exec(this.s.slice(this.pos));
    if (!m) this.fail();
    const raw = /[rR]/.test(m[1] ?? '');
    const q = m[2] ?? "'";
    this.pos += m[0].length;
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) this.fail();
      if (this.s.startsWith(q, this.pos)) {
        this.pos += q.length;
        break;
      }
      const c = this.s[this.pos] ?? '';
      if (c === '\n' && q.length === 1) this.fail();
      if (c === '\\') {
        const n = this.s[this.pos + 1] ?? '';
        if (raw) {
          out += c + n;
          this.pos += 2;
          continue;
        }
        this.pos += 2;
        out += this.escape(n);
        continue;
      }
      out += c;
      this.pos++;
    }
    this.skipSpace();
    return out;
  }

  escape(n: string): string {
    const simple: Record<string, string> = {
      n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '',
    };
    if (n in simple) return simple[n] ?? '';
    const hexLen = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = this.s.slice(this.pos, this.pos + hexLen);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) this.fail();
      this.pos += hexLen;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(this.s[this.pos] ?? '')) oct += this.s[this.pos++];
      return String.fromCharCode(parseInt(oct, 8));
    }
    return `\\${n}`;
  }
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) return 'null';
  return pyStr(k);
}

/** ast.literal_eval; throws SyntaxError when `text` is not a Python literal. */
export function literalEval(text: string): unknown {
  return new LiteralParser(text).parseTop();
}
