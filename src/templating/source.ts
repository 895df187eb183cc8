// Source fixes before nunjucks sees a template: drop the newline after a
// comment (trim_blocks), keep nested `}}` from ending a tag, and rewrite string literals inside template code so nunjucks' lexer yields the
// same text Jinja2 does under Ansible:
//  - Jinja2 decodes literals like Python ('\d' stays backslash-d, '\x41' is A);
//    nunjucks drops the backslash of unknown escapes and knows no \x or \u.
//  - Ansible's templar (not the template module) first doubles backslashes in
//    string literals inside {{ }}, so there "\n" in a literal is backslash-n.
// Each literal is decoded the Jinja/Ansible way and re-encoded for nunjucks.

function decodePython(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c !== '\\' || i === raw.length - 1) {
      out += c;
      continue;
    }
    const n = raw[++i] ?? '';
    const simple: Record<string, string> = {
      n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '',
    };
    if (n in simple) {
      out += simple[n];
      continue;
    }
    const hexLen = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    const hex = raw.slice(i + 1, i + 1 + hexLen);
    if (hexLen && hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
      out += String.fromCodePoint(parseInt(hex, 16));
      i += hexLen;
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(raw.slice(i));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length - 1;
      continue;
    }
    out += `\\${n}`;
  }
  return out;
}

function encodeForNunjucks(value: string, quote: string): string {
  return quote + value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/** Rewrite literals in `text`; `escapeBackslashes` mimics Ansible's templar for {{ }}. */
export function prepareSource(text: string, escapeBackslashes: boolean): string {
  if (!text.includes('\\') && !text.includes('}}') && !text.includes('#}')) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text[i] !== '{') {
      // Plain text up to the next brace, copied at once.
      const next = text.indexOf('{', i);
      const stop = next < 0 ? n : next;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    const open = text.slice(i, i + 2);
    if (open === '{#') {
      const end = text.indexOf('#}', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop);
      i = stop;
      // trim_blocks also eats the newline after a comment; nunjucks does not
      if (text[i] === '\n') i++;
      else if (text.startsWith('\r\n', i)) i += 2;
      continue;
    }
    const raw = open === '{%' ? /^\{%-?\s*raw\s*-?%\}/.exec(text.slice(i, i + 20)) : null;
    if (raw) {
      const m = /\{%-?\s*endraw\s*-?%\}/.exec(text.slice(i));
      const stop = m ? i + m.index + m[0].length : n;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (open !== '{{' && open !== '{%') {
      out += text[i];
      i++;
      continue;
    }
    const isVar = open === '{{';
    const close = isVar ? '}}' : '%}';
    out += open;
    i += 2;
    let depth = 0;
    while (i < n) {
      const c = text[i] ?? '';
      if (depth === 0 && text.startsWith(close, i)) {
        out += close;
        i += 2;
        break;
      }
      if (c === "'" || c === '"') {
        let j = i + 1;
        while (j < n && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        const body = text.slice(i + 1, Math.min(j, n));
        const value = isVar && escapeBackslashes ? body : decodePython(body);
        out += encodeForNunjucks(value, c);
        i = j + 1;
        continue;
      }
      if (c === '{' || c === '[' || c === '(') depth++;
      else if ((c === '}' || c === ']' || c === ')') && depth > 0) {
        depth--;
        // nunjucks' lexer would read the `}}` of a nested dict as the end of the tag
        if (c === '}' && text[i + 1] === '}') {
          out += '} ';
          i++;
          continue;
        }
      }
      out += c;
      i++;
    }
  }
  return out;
}
