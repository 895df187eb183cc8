// Python's textwrap.wrap, which Ansible's display runs its [WARNING], [ERROR]
// and [DEPRECATION WARNING] messages through at its width (79 off a terminal,
// the terminal's columns less one on it): same chunks (words, runs of spaces,
// hyphenated words split after their hyphens), same filling, same breaking of
// words longer than a line.

// Python's \w and [^\d\W] (a letter), approximately, for Unicode text.
const W = String.raw`[\p{L}\p{N}\p{M}_]`;
const LT = String.raw`[\p{L}\p{M}_]`;
const WP = String.raw`[\p{L}\p{N}\p{M}_!"'&.,?]`;
const WS = String.raw`[\t\n\x0b\x0c\r ]`;
const NWS = String.raw`[^\t\n\x0b\x0c\r ]`;

// textwrap's wordsep_re: whitespace, an em-dash between words, or a word up to
// a hyphen (between letters), its end, or an em-dash.
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=${W})|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}${W})))`,
  'u',
);

export interface WrapOptions {
  /** textwrap's drop_whitespace (true by default; Ansible's deprecations turn it off). */
  dropWhitespace?: boolean;
}

const len = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const chars = (s: string): string[] => Array.from(s);
const blank = (s: string): boolean => s.trim() === '';

/** The chunks textwrap fills lines with. */
function chunksOf(text: string): string[] {
  // expand_tabs (to 8) and replace_whitespace: every whitespace character becomes a space.
  let col = 0;
  let expanded = '';
  for (const c of text) {
    if (c === '\t') {
      const n = 8 - (col % 8);
      expanded += ' '.repeat(n);
      col += n;
    } else {
      expanded += c;
      col = c === '\n' || c === '\r' ? 0 : col + 1;
    }
  }
  const munged = expanded.replace(/[\t\n\x0b\x0c\r]/g, ' ');
  // String.split with a capturing group keeps the separators, as re.split does.
  return munged.split(WORDSEP).filter((c) => c !== '' && c !== undefined);
}

/** Python's textwrap.wrap(text, width, ...): the lines, without their newlines. */
export function wrapText(text: string, width: number, opts: WrapOptions = {}): string[] {
  const drop = opts.dropWhitespace ?? true;
  const chunks = chunksOf(text).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let used = 0;
    // A line does not start with the whitespace left from the one before.
    if (drop && lines.length > 0 && blank(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length > 0) {
      const l = len(chunks[chunks.length - 1]!);
      if (used + l > width) break;
      line.push(chunks.pop()!);
      used += l;
    }
    // A chunk longer than a whole line is broken (after a hyphen if one fits).
    if (chunks.length > 0 && len(chunks[chunks.length - 1]!) > width) {
      const left = width < 1 ? 1 : width - used;
      const chunk = chars(chunks[chunks.length - 1]!);
      let end = left;
      if (chunk.length > left) {
        const hyphen = chunk.slice(0, left).lastIndexOf('-');
        if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
      }
      line.push(chunk.slice(0, end).join(''));
      chunks[chunks.length - 1] = chunk.slice(end).join('');
    }
    if (drop && line.length > 0 && blank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}


/** The width Ansible's display wraps to: stdout's terminal columns less one, 79 at least (and off a terminal). */
export function displayWidth(): number {
  return Math.max(79, (process.stdout.isTTY ? (process.stdout.columns ?? 0) : 0) - 1);
}

/** A [WARNING] as Ansible's display.warning writes it (before its colour). */
export function warningText(message: string, width = displayWidth()): string {
  return wrapText(`[WARNING]: ${message}`, width).join('\n');
}

/** An [ERROR] that does not stop the run, as display.error writes it: its leading newline wraps into a space. */
export function errorText(message: string, width = displayWidth()): string {
  return wrapText(`\n[ERROR]: ${message}`, width).join('\n');
}

/** A [DEPRECATION WARNING] as display.deprecated writes it: spaces kept at line ends, the whole stripped. */
export function deprecationText(message: string, width = displayWidth()): string {
  return wrapText(`[DEPRECATION WARNING]: ${message}`, width, { dropWhitespace: false }).join('\n').trim();
}
