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

/** Where `=` separates key from value (not inside quotes, not escaped). */
function keyOf(token: string): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(token);
  return m?.[1];
}

/**
 * Parse `k=v` text into options. With `freeFormKeys`, only those keys are
 * taken as options and every other word is kept as `_raw_params` (command,
 * shell). Without it, a word without `=` is kept as `_raw_params` too.
 */
export function parseKeyValue(text: string, freeFormKeys?: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const rawWords: string[] = [];
  // Free-form text keeps its original spacing, so split by a regexp that remembers it.
  const tokens = splitArgsString(text);
  for (const token of tokens) {
    const key = keyOf(token);
    if (key !== undefined && (!freeFormKeys || freeFormKeys.includes(key))) {
      args[key] = unquote(decodeEscapes(token.slice(key.length + 1)));
    } else {
      rawWords.push(token);
    }
  }
  if (rawWords.length > 0) {
    args._raw_params = freeFormKeys ? rawFreeForm(text, freeFormKeys) : rawWords.join(' ');
  }
  return args;
}

/** The free-form text with the recognised k=v words removed, spacing kept. */
function rawFreeForm(text: string, keys: readonly string[]): string {
  let out = text;
  for (const token of splitArgsString(text)) {
    const key = keyOf(token);
    if (key !== undefined && keys.includes(key)) out = out.replace(token, '');
  }
  return out.trim();
}
