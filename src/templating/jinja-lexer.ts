// nunjucks' tokenizer with Jinja2's number literals. nunjucks reads `1e3` and
// `1_000` as names and `item.0.name` as `item . 0. name` (a float "0."); Jinja
// reads numbers with its own rules: a float needs digits after its point or an
// exponent and never follows a `.` (so `item.0.name` is two lookups), `_`
// separates digits, and integers may be written 0x.., 0o.., 0b...
// It also reads Jinja's `+` block modifiers: `{%+` (lstrip_blocks off for that
// tag: Ansible has it off anyway) and `+%}` (the newline after the tag is kept,
// though trim_blocks is on).
import { lexer } from './nunjucks-internals.js';

const FLOAT = /^(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/;
const INT = /^(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|(?:\d+_)*\d+)/;
// A number must not run into a name: `1abc` stays nunjucks' to report.
const NAME_CHAR = /^[A-Za-z_]/;

interface Tokenizer {
  str: string;
  index: number;
  colno: number;
  lineno: number;
  in_code: boolean;
  nextToken(): unknown;
}

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

function numberToken(tk: Tokenizer): Token | undefined {
  const rest = tk.str.slice(tk.index);
  const afterDot = tk.index > 0 && tk.str[tk.index - 1] === '.';
  const float = afterDot ? null : FLOAT.exec(rest);
  const match = float ?? INT.exec(rest);
  if (!match) return undefined;
  const text = match[0];
  if (NAME_CHAR.test(rest.slice(text.length))) return undefined;
  const token: Token = {
    type: float ? lexer.TOKEN_FLOAT : lexer.TOKEN_INT,
    // an int stays exact past 2**53 (the parser makes it a bigint)
    value: float ? text.replace(/_/g, '') : BigInt(text.replace(/_/g, '').toLowerCase()).toString(),
    lineno: tk.lineno,
    colno: tk.colno,
  };
  tk.index += text.length;
  tk.colno += text.length;
  return token;
}

/** A tokenizer for `src` that reads numbers as Jinja does, and everything else as nunjucks does. */
export function jinjaTokens(src: string, options: object): Tokenizer {
  const tk = lexer.lex(src, options) as Tokenizer;
  const next = tk.nextToken.bind(tk);
  tk.nextToken = () => {
    if (tk.in_code) {
      if (tk.str.startsWith('+', tk.index) && tk.str.startsWith('{%', tk.index - 2)) {
        tk.index++;
        tk.colno++;
      }
      if (tk.str.startsWith('+%}', tk.index)) {
        tk.index++;
        tk.colno++;
        const end = tk.index + 2;
        const { lineno, colno } = tk;
        const token = next();
        if (tk.index > end) Object.assign(tk, { index: end, lineno, colno: colno + 2 });
        return token;
      }
      const c = tk.str.charAt(tk.index);
      if (c >= '0' && c <= '9') {
        const token = numberToken(tk);
        if (token) return token;
      }
    }
    return next();
  };
  return tk;
}
