// Ansible's `key=value` argument strings: `copy: src=a dest="/tmp/x y"`.
// Quotes group words; Jinja `{{ }}` and `{% %}` are never split.

/** Split on whitespace, keeping quoted strings and Jinja blocks whole. */
export function splitArgsString(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (quote === null && (two === '{{' || two === '{%' || two === '{#')) {
      depth++;
      cur += two;
      i++;
      continue;
    }
    if (quote === null && depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      cur += two;
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === "'")) {
      cur += c + text[i + 1];
      i++;
      continue;
    }
    if ((c === '"' || c === "'") && depth === 0) {
      if (quote === null) quote = c;
      else if (quote === c) quote = null;
      cur += c;
      continue;
    }
    if (/\s/.test(c) && quote === null && depth === 0) {
      if (cur !== '') out.push(cur);
      cur = '';
      // keep newlines of free-form text: Ansible joins tokens with the original spacing
      continue;
    }
    cur += c;
  }
  if (quote !== null) throw new Error(`unbalanced quotes in: ${text}`);
  if (cur !== '') out.push(cur);
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** Python escape sequences in k=v values (\n, \t, \x41, \u00e9...), decoded as Ansible 2.14 does: no octal, so \1 stays a backreference. */
export function decodeEscapes(text: string): string {
  return text.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, seq: string) => {
    if (seq in ESCAPES) return ESCAPES[seq]!;
    return String.fromCodePoint(parseInt(seq.slice(1), 16));
  });
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    return value.slice(1, -1).replace(/\\(["'])/g, '$1');
  }
  return value;
}

/**
 * The key of a `k=v` word: what comes before its first `=` that is not the
 * word's first character nor escaped, as Ansible's parse_kv takes it (any
 * text: `allow-unauthenticated=yes` is an option too, and an unknown one is
 * refused by name).
 */
function keyOf(token: string): string | undefined {
  for (let pos = token.indexOf('=', 1); pos > 0; pos = token.indexOf('=', pos + 1)) {
    if (token[pos - 1] !== '\\') return token.slice(0, pos);
  }
  return undefined;
}

/** A word with only escaped `=` is kept as text, unescaped (parse_kv). */
function unescapeEquals(word: string): string {
  return word.replace(/\\=/g, '=');
}

/**
 * Parse `k=v` text into options. With `freeFormKeys`, only those keys are
 * taken as options and every other word is kept as `_raw_params` (command,
 * shell). Without it, a word without `=` is kept as `_raw_params` too.
 */
export function parseKeyValue(text: string, freeFormKeys?: readonly string[]): Record<string, unknown> {
  if (freeFormKeys) return parseFreeForm(text, freeFormKeys);
  const args: Record<string, unknown> = {};
  const rawWords: string[] = [];
  for (const token of splitArgsString(text)) {
    const key = keyOf(token);
    if (key !== undefined) args[key] = unquote(decodeEscapes(token.slice(key.length + 1)));
    else rawWords.push(unescapeEquals(token));
  }
  if (rawWords.length > 0) args._raw_params = rawWords.join(' ');
  return args;
}

/**
 * Free-form text (command, shell): the recognised k=v words are options (their
 * values stripped, as Ansible strips them); the other words are put back
 * together as Ansible's join_args does: each keeps the spacing after it (a
 * trailing space or newline included), joined by one space.
 */
function parseFreeForm(text: string, keys: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  let raw = '';
  for (const word of freeFormWords(text)) {
    const key = keyOf(word);
    if (key !== undefined && keys.includes(key)) args[key] = unquote(decodeEscapes(word.slice(key.length + 1).trim()));
    else {
      const text = key === undefined ? unescapeEquals(word) : word;
      raw += raw === '' || raw.endsWith('\n') ? text : ` ${text}`;
    }
  }
  if (raw !== '') args._raw_params = raw;
  return args;
}

/** Quote state after `token`, as Ansible's _get_quote_state (a quote after a backslash does not count). */
function quoteState(token: string, quote: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && token[i - 1] !== '\\') {
      if (quote === null) quote = c;
      else if (c === quote) quote = null;
    }
  }
  return quote;
}

function jinjaDepth(token: string, depth: number, open: string, close: string): number {
  const opened = token.split(open).length - 1;
  const closed = token.split(close).length - 1;
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}

/**
 * Free-form words as Ansible's split_args makes them: split on single spaces
 * and newlines, a run of spaces kept on the word before it, a line's newline
 * on its last word, quoted strings and Jinja blocks whole.
 */
function freeFormWords(text: string): string[] {
  const words: string[] = [];
  let quote: string | null = null;
  const depth = { print: 0, block: 0, comment: 0 };
  const inJinja = () => depth.print > 0 || depth.block > 0 || depth.comment > 0;
  const lines = text.split('\n');
  lines.forEach((line, lineNo) => {
    const tokens = line.split(' ');
    let continued = false;
    tokens.forEach((token, idx) => {
      if (token === '' && idx !== 0) {
        if (words.length > 0) words[words.length - 1] += ' ';
        return;
      }
      if (token === '\\' && quote === null) {
        continued = true;
        return;
      }
      const wasQuoted = quote !== null;
      quote = quoteState(token, quote);
      let appended = false;
      if (quote !== null && !wasQuoted && !inJinja()) {
        words.push(token);
        appended = true;
      } else if ((inJinja() || quote !== null || wasQuoted) && words.length > 0) {
        const last = words.length - 1;
        words[last] = idx === 0 && wasQuoted ? `${words[last]}${token}` : tokens.length > 1 ? `${words[last]}${idx > 0 ? ' ' : ''}${token}` : `${words[last]}\n${token}`;
        appended = true;
      }
      for (const [kind, open, close] of [['print', '{{', '}}'], ['block', '{%', '%}'], ['comment', '{#', '#}']] as const) {
        const before = depth[kind];
        depth[kind] = jinjaDepth(token, before, open, close);
        if (depth[kind] !== before && !appended) {
          words.push(token);
          appended = true;
        }
      }
      if (!inJinja() && quote === null && !appended && token !== '') words.push(token);
    });
    if (lines.length > 1 && lineNo !== lines.length - 1 && !continued && words.length > 0) words[words.length - 1] += '\n';
  });
  return words;
}
