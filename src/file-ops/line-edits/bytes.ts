// lineinfile and blockinfile work on bytes, as Ansible's do: file content is
// held as a "byte string" (latin1, one char per byte) so regexes see bytes, and
// options (Unicode) are turned into their UTF-8 bytes the same way.

/** File bytes as a byte string. */
export function bytesToStr(data: Buffer): string {
  return data.toString('latin1');
}

/** A byte string back to the bytes to write. */
export function strToBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** An option's text as the byte string of its UTF-8 encoding. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string shown as text (for diffs): its bytes decoded as UTF-8. */
export function byteStrToText(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

/** Python's bytes.readlines(): split after every \n, keeping it. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Python's bytes.splitlines(True): split after \n, \r or \r\n, keeping them. */
export function splitLinesKeep(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** line.rstrip(b'\r\n') */
export function stripEol(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}
