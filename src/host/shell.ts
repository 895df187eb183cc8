// Building shell commands from parts. Every interpolated value is quoted unless
// the caller explicitly marks it as raw shell, so a variable can never inject
// shell syntax.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one word for POSIX sh. */
export function quote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Quote every word and join them: an argv as one sh command line. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}

/** Text that is already valid shell and must be inserted as is. */
export class RawShell {
  constructor(readonly text: string) {}
}

export function raw(text: string): RawShell {
  return new RawShell(text);
}

type ShellPart = string | number | RawShell | readonly (string | RawShell)[];

function renderPart(part: ShellPart): string {
  if (part instanceof RawShell) return part.text;
  if (Array.isArray(part)) return part.map((p) => renderPart(p as ShellPart)).join(' ');
  return quote(String(part));
}

/**
 * Tagged template: sh`mkdir -p ${dir}` quotes `dir`. Arrays become several
 * quoted words; raw(...) opts out of quoting for a trusted fragment.
 */
export function sh(strings: TemplateStringsArray, ...parts: ShellPart[]): string {
  let out = strings[0] ?? '';
  parts.forEach((part, i) => {
    out += renderPart(part) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * Split a command line into words the way Python's shlex.split does
 * (what Ansible's command module uses for its free-form argument).
 */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('No closing quotation');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1]!)) i++;
        word += line[i];
        i++;
      }
      if (i >= line.length) throw new Error('No closing quotation');
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
