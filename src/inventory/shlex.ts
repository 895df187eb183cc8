// POSIX shell-like word splitting with `#` comments, the way Ansible splits an
// INI host line (Python's shlex.split(line, comments=True)).

export class ShlexError extends Error {}

export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (ch === '#') {
      break;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else if (ch === "'" || ch === '"') {
      const close = findClose(line, i + 1, ch);
      word = (word ?? '') + close.text;
      i = close.end + 1;
    } else {
      word = (word ?? '') + ch;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function findClose(line: string, from: number, quote: string): { text: string; end: number } {
  let text = '';
  for (let i = from; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === quote) return { text, end: i };
    if (quote === '"' && ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      text += line[++i];
    } else text += ch;
  }
  throw new ShlexError('No closing quotation');
}
