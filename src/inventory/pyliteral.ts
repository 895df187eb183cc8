// A small reader for Python literals, as Ansible's INI inventory applies
// `ast.literal_eval` to every value: ints (0x/0o/0b too), floats, strings,
// True/False/None, lists, tuples, sets and dicts. Anything else is kept as text.
import { mkFloat, mkInt, PyFloat } from '../templating/py-float.js';

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new SyntaxError('not a Python literal');
  }

  /** Skip blanks and `#` comments (Python ignores a trailing comment). */
  skip(): void {
    for (;;) {
      while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
      if (this.text[this.pos] !== '#') return;
      while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
    }
  }

  eat(ch: string): boolean {
    this.skip();
    if (this.text.startsWith(ch, this.pos)) {
      this.pos += ch.length;
      return true;
    }
    return false;
  }

  value(): unknown {
    this.skip();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail();
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '{') return this.mapping();
    if (ch === '"' || ch === "'") return this.strings();
    if (ch === '-' || ch === '+') {
      this.pos++;
      const n = this.value();
      if (n instanceof PyFloat) return ch === '-' ? new PyFloat(-n.value) : n;
      if (typeof n === 'bigint') return ch === '-' ? mkInt(-n) : n;
      if (typeof n !== 'number') this.fail();
      return ch === '-' ? -n : n;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word !== undefined) {
      this.pos += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      // String prefixes such as r'..' or b'..' are not worth supporting here.
      this.fail();
    }
    return this.number();
  }

  /** An int (a bigint past 2**53, as Python's are exact) or a float (3.0 stays a float). */
  number(): number | bigint | PyFloat {
    const rest = this.text.slice(this.pos);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    const tok = m?.[0] ?? '';
    if (!/\d/.test(tok)) this.fail();
    this.pos += tok.length;
    const clean = tok.replace(/_/g, '');
    if (/^0[xob]/i.test(clean)) return mkInt(BigInt(clean.toLowerCase()));
    if (/^\d+$/.test(clean)) {
      // Python 3 rejects leading zeros on non-zero decimal integers.
      if (clean.length > 1 && clean.startsWith('0') && /[1-9]/.test(clean)) this.fail();
      return mkInt(BigInt(clean));
    }
    return mkFloat(Number(clean));
  }

  /** One or more adjacent string literals (Python concatenates them). */
  strings(): string {
    let out = this.string();
    for (;;) {
      this.skip();
      const ch = this.text[this.pos];
      if (ch !== '"' && ch !== "'") return out;
      out += this.string();
    }
  }

  string(): string {
    const quote = this.text.startsWith(this.text[this.pos]!.repeat(3), this.pos)
      ? this.text[this.pos]!.repeat(3)
      : this.text[this.pos]!;
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail();
      if (this.text.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.text[this.pos++]!;
      if (ch === '\n' && quote.length === 1) this.fail();
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
      if (esc !== undefined && esc in simple) out += simple[esc];
      else if (esc === 'x' || esc === 'u' || esc === 'U') {
        const len = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail();
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else out += `\\${esc ?? ''}`;
    }
  }

  sequence(open: string, close: string): unknown[] {
    this.pos += open.length;
    const out: unknown[] = [];
    let sawComma = false;
    while (!this.eat(close)) {
      if (out.length > 0 && !sawComma) this.fail();
      out.push(this.value());
      sawComma = this.eat(',');
    }
    // `(1)` is just 1 in Python; `(1,)` is a tuple.
    if (open === '(' && out.length === 1 && !sawComma) return out[0] as unknown[];
    return out;
  }

  mapping(): unknown {
    this.pos++;
    const dict: Record<string, unknown> = {};
    const set: unknown[] = [];
    let kind: 'dict' | 'set' | undefined;
    let first = true;
    while (!this.eat('}')) {
      if (!first && !this.eat(',')) this.fail();
      first = false;
      if (this.eat('}')) break;
      const key = this.value();
      if (this.eat(':')) {
        if (kind === 'set') this.fail();
        kind = 'dict';
        dict[String(key)] = this.value();
      } else {
        if (kind === 'dict') this.fail();
        kind = 'set';
        if (!set.includes(key)) set.push(key);
      }
    }
    return kind === 'set' ? set : dict;
  }
}

/** `ast.literal_eval(text)` when it is a Python literal, else the text itself. */
export function literalEval(text: string): unknown {
  const reader = new Reader(text);
  try {
    const value = reader.value();
    reader.skip();
    return reader.pos === text.length ? value : text;
  } catch {
    return text;
  }
}
