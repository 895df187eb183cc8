// String filters: case, split/join, replace, regex_*, quote, indent, center,
// wordcount, urlencode, b64, hash, and path helpers.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { posix as path } from 'node:path';
import { readFileSync, realpathSync } from 'node:fs';
import { param } from './args.js';
import { PyException, TemplateError } from './errors.js';
import { getAttr, pyCapitalize, pySplit, pyTitle } from './methods.js';
import { isMapping, truthy } from './python-ops.js';
import { pyRepr, pyStr, tuple } from './python-repr.js';
import { regexFindall, regexReplace, pyRegex, expandReplacement, reEscape } from './regex.js';
import type { FilterTable } from './registry.js';
import { defined } from './undefined.js';

const str = (v: unknown): string => pyStr(v);
const flag = (v: unknown): boolean => truthy(v ?? false);

export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function urlencodePart(s: string, safe: string, forQs = false): string {
  const out = Array.from(new TextEncoder().encode(s))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return forQs ? out.replace(/%20/g, '+') : out;
}

function indent(s: string, width: unknown, first: boolean, blank: boolean): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = s.split('\n');
  return lines
    .map((l, i) => ((i === 0 && !first) || (l === '' && !blank) ? l : pad + l))
    .join('\n');
}

function splitext(p: string): unknown[] {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const lead = /^\.*/.exec(base)?.[0].length ?? 0;
  const dot = base.lastIndexOf('.');
  if (dot < lead) return tuple([p, '']);
  const ext = base.slice(dot);
  return tuple([p.slice(0, p.length - ext.length), ext]);
}

export const stringFilters: FilterTable = {
  upper: (v) => str(v).toUpperCase(),
  lower: (v) => str(v).toLowerCase(),
  capitalize: (v) => pyCapitalize(str(v)),
  title: (v) => pyTitle(str(v)),
  trim: (v, a) => {
    const chars = param<unknown>(a, 0, 'chars', null);
    const s = str(v);
    if (chars === null) return s.trim();
    const set = str(chars);
    let i = 0;
    let j = s.length;
    while (i < j && set.includes(s[i] ?? '')) i++;
    while (j > i && set.includes(s[j - 1] ?? '')) j--;
    return s.slice(i, j);
  },
  replace: (v, a) => {
    const count = param<unknown>(a, 2, 'count', null);
    const parts = str(v).split(str(param(a, 0, 'old')));
    const rep = str(param(a, 1, 'new'));
    if (count === null) return parts.join(rep);
    const n = Number(count);
    return parts.slice(0, n + 1).join(rep) + (parts.length > n + 1 ? str(param(a, 0, 'old')) + parts.slice(n + 1).join(str(param(a, 0, 'old'))) : '');
  },
  split: (v, a) => pySplit(str(v), param(a, 0, 'sep', null), Number(param(a, 1, 'maxsplit', -1))),
  join: (v, a) => {
    const attr = param<unknown>(a, 1, 'attribute', null);
    const items = (Array.isArray(v) ? v : isMapping(v) ? Object.keys(v) : Array.from(str(v))).map((x) =>
      attr === null ? x : defined(getAttr(x, attr, false)),
    );
    return items.map(str).join(str(param(a, 0, 'd', '')));
  },
  center: (v, a) => {
    const s = str(v);
    const w = Number(param(a, 0, 'width', 80));
    if (s.length >= w) return s;
    const pad = w - s.length;
    const left = Math.floor(pad / 2) + (pad & w & 1);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  },
  indent: (v, a) => indent(str(v), param(a, 0, 'width', 4), flag(param(a, 1, 'first', false)), flag(param(a, 2, 'blank', false))),
  wordcount: (v) => (str(v).match(/\w+/g) ?? []).length,
  urlencode: (v) => {
    if (isMapping(v)) return Object.entries(v).map(([k, x]) => `${urlencodePart(k, '', true)}=${urlencodePart(str(x), '', true)}`).join('&');
    if (Array.isArray(v)) return v.map((p) => `${urlencodePart(str((p as unknown[])[0]), '', true)}=${urlencodePart(str((p as unknown[])[1]), '', true)}`).join('&');
    return urlencodePart(str(v), '/');
  },
  quote: (v) => shellQuote(str(v)),
  regex_replace: (v, a) =>
    regexReplace(
      str(v),
      str(param(a, 0, 'pattern', '')),
      str(param(a, 1, 'replacement', '')),
      flag(param(a, 2, 'ignorecase', false)),
      flag(param(a, 3, 'multiline', false)),
      Number(param(a, 4, 'count', 0)),
    ),
  regex_findall: (v, a) =>
    regexFindall(str(v), str(param(a, 0, 'regex', '')), flag(a.kw.ignorecase), flag(a.kw.multiline)),
  regex_search: (v, a) => {
    const re = pyRegex(str(a.pos[0] ?? a.kw.regex ?? ''), { ignorecase: flag(a.kw.ignorecase), multiline: flag(a.kw.multiline) });
    const m = re.exec(str(v));
    if (!m) return null;
    const groups = a.pos.slice(1).map(str);
    if (groups.length === 0) return m[0];
    return groups.map((g) => {
      const gm = /^\\(?:g<(\w+)>|(\d+))$/.exec(g);
      if (!gm) throw new TemplateError(`Unknown argument: ${g}`);
      return gm[2] !== undefined ? (m[Number(gm[2])] ?? null) : (m.groups?.[gm[1] ?? ''] ?? null);
    });
  },
  regex_escape: (v, a) => {
    const type = str(param(a, 0, 're_type', 'python'));
    if (type === 'posix_basic') return str(v).replace(/[\\.^$*[\]]/g, (c) => `\\${c}`);
    if (type !== 'python') throw new TemplateError('Invalid regex type (python, posix_basic)');
    return reEscape(str(v));
  },
  b64encode: (v) => Buffer.from(str(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(str(v), 'base64').toString('utf8'),
  hash: (v, a) => {
    const algo = str(param(a, 0, 'hashtype', 'sha1'));
    try {
      return createHash(algo).update(str(v), 'utf8').digest('hex');
    } catch {
      return null;
    }
  },
  md5: (v) => createHash('md5').update(str(v), 'utf8').digest('hex'),
  sha1: (v) => createHash('sha1').update(str(v), 'utf8').digest('hex'),
  checksum: (v) => createHash('sha1').update(str(v), 'utf8').digest('hex'),
  basename: (v) => str(v).slice(str(v).lastIndexOf('/') + 1),
  dirname: (v) => {
    const s = str(v);
    const i = s.lastIndexOf('/');
    if (i < 0) return '';
    const head = s.slice(0, i + 1);
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
  },
  splitext: (v) => splitext(str(v)),
  expanduser: (v) => expandUser(str(v)),
  realpath: (v) => {
    const p = path.resolve(str(v));
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  },
  relpath: (v, a) => path.relative(str(param(a, 0, 'start', process.cwd())), str(v)) || '.',
  comment: (v, a) => comment(str(v), str(param(a, 0, 'style', 'plain')), a.kw),
};

export { expandReplacement };

/** os.path.expanduser: `~` is $HOME, `~name` that user's home from the passwd file; an unknown user stays as written. */
function expandUser(p: string): string {
  const m = /^~([^/]*)/.exec(p);
  if (!m) return p;
  let home: string | undefined;
  if (m[1] === '') home = process.env.HOME ?? homedir();
  else {
    try {
      const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === m[1]);
      home = line?.split(':')[5];
    } catch {
      home = undefined;
    }
  }
  if (home === undefined) return p;
  return (home.replace(/\/+$/, '') || '/') + p.slice(m[0].length);
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: the text decorated line by line, framed by prefix/postfix lines and beginning/end. */
function comment(text: string, style: string, kw: Record<string, unknown>): string {
  const styleParams = COMMENT_STYLES[style];
  if (!styleParams) throw new PyException('KeyError', pyRepr(style));
  const around = ('decoration' in kw ? str(kw.decoration) : styleParams.decoration!).trimEnd();
  const p: Record<string, unknown> = {
    newline: '\n', beginning: '', prefix: around, prefix_count: 1, decoration: '', postfix: around, postfix_count: 1, end: '',
    ...styleParams, ...kw,
  };
  const [nl, deco] = [str(p.newline), str(p.decoration)];
  const beginning = p.beginning ? `${str(p.beginning)}${nl}` : '';
  const prefixCount = Math.max(0, Number(p.prefix_count));
  let prefix = '';
  if (p.prefix) prefix = (str(p.prefix) !== nl ? `${str(p.prefix)}${nl}` : nl).repeat(prefixCount);
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array.from({ length: Math.max(0, Number(p.postfix_count)) }, () => str(p.postfix))].join(nl);
  const end = p.end ? `${nl}${str(p.end)}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}
