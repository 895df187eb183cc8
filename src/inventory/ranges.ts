// Host ranges in inventory names: `web[01:10]`, `db-[a:f]`, `n[0:20:5]`.
// Every bracketed range is expanded, so `a[1:2]b[1:2]` gives four names.

export class RangeError extends Error {}

const RANGE = /^(.*?)\[([^\]]*?):([^\]]*?)(?::([^\]]*))?\](.*)$/s;

export function hasRange(pattern: string): boolean {
  return /\[[^\]]*:[^\]]*\]/.test(pattern);
}

export function expandHostRange(pattern: string): string[] {
  const m = RANGE.exec(pattern);
  if (!m) return [pattern];
  const [, head = '', begRaw = '', endRaw = '', strideRaw, tail = ''] = m;
  const items = rangeItems(begRaw.trim(), endRaw.trim(), strideRaw?.trim());
  const out: string[] = [];
  for (const item of items) {
    for (const rest of expandHostRange(tail)) out.push(`${head}${item}${rest}`);
  }
  return out;
}

function rangeItems(beg: string, end: string, strideText: string | undefined): string[] {
  if (end === '') throw new RangeError('host range must specify end value');
  const stride = strideText === undefined || strideText === '' ? 1 : toInt(strideText);
  if (stride === 0) throw new RangeError('range stride must not be zero');
  const items: string[] = [];
  if (/^[a-zA-Z]$/.test(end) && (beg === '' || /^[a-zA-Z]$/.test(beg))) {
    const from = (beg === '' ? 'a' : beg).charCodeAt(0);
    const to = end.charCodeAt(0);
    for (let c = from; stride > 0 ? c <= to : c >= to; c += stride) items.push(String.fromCharCode(c));
    return items;
  }
  const begin = beg === '' ? '0' : beg;
  const width = begin.startsWith('0') && begin.length > 1 ? begin.length : 0;
  if (width && width !== end.length) {
    throw new RangeError('host range must specify equal-length begin and end formats');
  }
  const from = toInt(begin);
  const to = toInt(end);
  for (let n = from; stride > 0 ? n <= to : n >= to; n += stride) items.push(String(n).padStart(width, '0'));
  return items;
}

function toInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new RangeError(`invalid range value '${text}', expected an integer`);
  return parseInt(text, 10);
}
