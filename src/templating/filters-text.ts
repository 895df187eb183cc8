// Jinja2's text filters that tsplay lacked: format, truncate, wordwrap, the HTML
// ones (escape, striptags, xmlattr, urlize, tojson), pprint; and byte sizes
// (filesizeformat, Ansible's human_readable and human_to_bytes).
import { param } from './args.js';
import { TemplateError } from './errors.js';
import { pyJsonDumps } from './json.js';
import { isMapping, percentFormat, truthy } from './python-ops.js';
import { pyRepr, pyStr, pyStringRepr } from './python-repr.js';
import type { FilterTable } from './registry.js';
import { isUndefined } from './undefined.js';

const str = (v: unknown): string => pyStr(v);

/** markupsafe's escape. */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

function truncate(s: string, length: number, killwords: boolean, end: string, leeway: number): string {
  if (length < end.length) throw new TemplateError(`expected length >= ${end.length}, got ${length}`);
  if (leeway < 0) throw new TemplateError(`expected leeway >= 0, got ${leeway}`);
  if (s.length <= length + leeway) return s;
  const head = s.slice(0, length - end.length);
  if (killwords) return head + end;
  const space = head.lastIndexOf(' ');
  return (space < 0 ? head : head.slice(0, space)) + end;
}

/** Python's textwrap.wrap as Jinja's wordwrap configures it (whitespace kept inside lines, dropped at their ends). */
function wrapLine(line: string, width: number, breakLong: boolean, breakHyphens: boolean): string[] {
  const words = line.split(/(\s+)/).filter((c) => c !== '');
  const chunks = breakHyphens ? words.flatMap((w) => w.split(/(?<=[A-Za-z0-9]-)(?=[A-Za-z])/)) : words;
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const cur: string[] = [];
    let len = 0;
    if (lines.length > 0 && chunks[chunks.length - 1]?.trim() === '') chunks.pop();
    while (chunks.length > 0) {
      const next = chunks[chunks.length - 1] ?? '';
      if (len + next.length > width) break;
      cur.push(next);
      len += next.length;
      chunks.pop();
    }
    const long = chunks[chunks.length - 1];
    if (long !== undefined && long.length > width) {
      const room = width < 1 ? 1 : width - len;
      if (breakLong) {
        cur.push(long.slice(0, room));
        chunks[chunks.length - 1] = long.slice(room);
      } else if (cur.length === 0) cur.push(chunks.pop() ?? '');
    }
    if (cur.length > 0 && cur[cur.length - 1]?.trim() === '') cur.pop();
    if (cur.length > 0) lines.push(cur.join(''));
  }
  return lines;
}

/** pprint.pformat for values that fit one line: repr with dict keys sorted. */
function pformat(v: unknown): string {
  if (Array.isArray(v) && v.constructor === Array) return `[${v.map(pformat).join(', ')}]`;
  if (isMapping(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${pyStringRepr(k)}: ${pformat(v[k])}`).join(', ')}}`;
  }
  return pyRepr(v);
}

function urlize(text: string, rel: string): string {
  return text
    .split(/(\s+)/)
    .map((word) => {
      const m = /^([(<]*)(.*?)([.,)>\n]*)$/s.exec(word);
      const [, lead = '', middle = '', trail = ''] = m ?? [];
      let href: string | null = null;
      if (/^https?:\/\//.test(middle)) href = middle;
      else if (/^www\./.test(middle) || /^[\w.-]+\.(org|net|com)$/.test(middle)) href = `https://${middle}`;
      else if (/^[^@\s]+@[\w.-]+\.\w+$/.test(middle) && !middle.includes(':')) href = `mailto:${middle}`;
      if (href === null) return htmlEscape(word);
      const relAttr = href.startsWith('mailto:') ? '' : ` rel="${rel}"`;
      return `${htmlEscape(lead)}<a href="${htmlEscape(href)}"${relAttr}>${htmlEscape(middle)}</a>${htmlEscape(trail)}`;
    })
    .join('');
}

const SIZE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Ansible's bytes_to_human: the largest unit not above the size (or the one asked for), 2 decimals. */
function bytesToHuman(size: number, isbits: boolean, unit: string | null): string {
  const base = isbits ? 'bits' : 'Bytes';
  let index = 0;
  for (let i = SIZE_UNITS.length - 1; i >= 0; i--) {
    if ((unit === null && size >= 2 ** (10 * i)) || (unit !== null && unit.toUpperCase() === SIZE_UNITS[i]?.[0])) {
      index = i;
      break;
    }
  }
  const suffix = index === 0 ? base : `${SIZE_UNITS[index]}${base[0]}`;
  return `${(size / 2 ** (10 * index)).toFixed(2)} ${suffix}`;
}

/** Ansible's human_to_bytes: "10M" -> 10485760; a two-letter unit must end in B (b for bits). */
function humanToBytes(value: unknown, defaultUnit: string | null, isbits: boolean): number {
  const text = str(value);
  const fail = (): never => {
    throw new TemplateError(`human_to_bytes() can't interpret following string: ${text}`);
  };
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  if (!m || !/\d/.test(m[1] ?? '')) return fail();
  const num = Number(m[1]);
  const unit = m[2] ?? defaultUnit;
  if (unit === null || unit === undefined) return Math.round(num);
  const index = SIZE_UNITS.indexOf(unit[0]?.toUpperCase() ?? '');
  if (index < 0) return fail();
  const unitClass = isbits ? 'b' : 'B';
  if (unit.length > 1 && !unit.toLowerCase().includes(isbits ? 'bit' : 'byte') && unit[1] !== unitClass) return fail();
  return Math.round(num * 2 ** (10 * index));
}

function filesizeformat(value: unknown, binary: boolean): string {
  const bytes = Number(value);
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let i = 0;
  while (i < prefixes.length - 1 && bytes >= base ** (i + 2)) i++;
  return `${((base * bytes) / base ** (i + 2)).toFixed(1)} ${prefixes[i]}`;
}

export const textFilters: FilterTable = {
  format: (v, a) => {
    if (a.pos.length > 0 && Object.keys(a.kw).length > 0) throw new TemplateError("can't handle positional and keyword arguments at the same time");
    return percentFormat(str(v), Object.keys(a.kw).length > 0 ? a.kw : a.pos);
  },
  truncate: (v, a) =>
    truncate(str(v), Number(param(a, 0, 'length', 255)), truthy(param(a, 1, 'killwords', false)), str(param(a, 2, 'end', '...')), Number(param(a, 3, 'leeway', null) ?? 5)),
  wordwrap: (v, a) => {
    const width = Number(param(a, 0, 'width', 79));
    const breakLong = truthy(param(a, 1, 'break_long_words', true));
    const wrapstring = param<unknown>(a, 2, 'wrapstring', null);
    const breakHyphens = truthy(param(a, 3, 'break_on_hyphens', true));
    return str(v)
      .split(/\r\n|\r|\n/)
      .map((line) => wrapLine(line, width, breakLong, breakHyphens).join(wrapstring === null ? '\n' : str(wrapstring)))
      .join(wrapstring === null ? '\n' : str(wrapstring));
  },
  escape: (v) => htmlEscape(str(v)),
  forceescape: (v) => htmlEscape(str(v)),
  safe: (v) => str(v),
  striptags: (v) => htmlUnescape(str(v).replace(/<!--.*?-->/gs, '').replace(/<.*?>/gs, '').split(/\s+/).filter(Boolean).join(' ')),
  xmlattr: (v, a) => {
    if (!isMapping(v)) throw new TemplateError('xmlattr expects a dict');
    const attrs = Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && !isUndefined(x))
      .map(([k, x]) => `${htmlEscape(k)}="${htmlEscape(str(x))}"`)
      .join(' ');
    return attrs && truthy(param(a, 0, 'autospace', true)) ? ` ${attrs}` : attrs;
  },
  tojson: (v, a) =>
    pyJsonDumps(v, { indent: a.kw.indent === undefined ? null : Number(a.kw.indent), sortKeys: true, ensureAscii: true })
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'),
  urlize: (v, a) => urlize(str(v), str(a.kw.rel ?? 'noopener')),
  pprint: (v) => pformat(v),
  filesizeformat: (v, a) => filesizeformat(v, truthy(param(a, 0, 'binary', false))),
  human_readable: (v, a) => {
    const unit = param<unknown>(a, 1, 'unit', null);
    return bytesToHuman(Number(v), truthy(param(a, 0, 'isbits', false)), unit === null ? null : str(unit));
  },
  human_to_bytes: (v, a) => {
    const unit = param<unknown>(a, 0, 'default_unit', null);
    return humanToBytes(v, unit === null ? null : str(unit), truthy(param(a, 1, 'isbits', false)));
  },
};
textFilters.e = textFilters.escape as NonNullable<FilterTable['e']>;
