// Lookups that make values: sequence (also `with_sequence`) and password
// (a random password kept in a file on the controller), as in Ansible 2.14.
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseKeyValue } from '../playbook/kv.js';
import { TemplateError } from './errors.js';
import { cryptoFilters } from './filters-crypto.js';
import type { Lookup } from './lookup-support.js';
import { percentFormat } from './python-ops.js';
import { pyStr } from './python-repr.js';
import { type PyRandom, seededRandom } from './py-random.js';
import type { RenderContext } from './runtime.js';

/** Python's int(text, 0). */
function pyInt(name: string, text: string): number {
  const t = text.trim().toLowerCase();
  const m = /^([-+]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[1-9]\d*|0+)$/.exec(t);
  if (!m) throw new TemplateError(`can't parse ${name}=${text} as integer`);
  const body = m[2] ?? '';
  const n = /^0[xob]/.test(body) ? Number(body) : Number(body);
  return m[1] === '-' ? -n : n;
}

const SHORTCUT = /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/i;

interface Sequence {
  start: number;
  end: number | null;
  count: number | null;
  stride: number;
  format: string;
}

function parseSequence(term: string): Sequence {
  const seq: Sequence = { start: 1, end: null, count: null, stride: 1, format: '%d' };
  const m = SHORTCUT.exec(term);
  if (m) {
    if (m[2] !== undefined) seq.start = pyInt('start', m[2]);
    seq.end = pyInt('end', m[3] ?? '');
    if (m[5] !== undefined) seq.stride = pyInt('stride', m[5]);
    if (m[7] !== undefined) seq.format = m[7];
    return seq;
  }
  const args = parseKeyValue(term);
  for (const key of ['start', 'end', 'count', 'stride'] as const) {
    if (args[key] === undefined) continue;
    seq[key] = pyInt(key, pyStr(args[key]));
    delete args[key];
  }
  if (args.format !== undefined) seq.format = pyStr(args.format);
  delete args.format;
  const unknown = Object.keys(args);
  if (unknown.length > 0) throw new TemplateError(`unrecognized arguments to with_sequence: [${unknown.map((k) => `'${k}'`).join(', ')}]`);
  return seq;
}

function generateSequence(term: string): string[] {
  const seq = parseSequence(term);
  if (seq.count === null && seq.end === null) throw new TemplateError('must specify count or end in with_sequence');
  if (seq.count !== null && seq.end !== null) throw new TemplateError("can't specify both count and end in with_sequence");
  let { start, stride } = seq;
  let end = seq.end ?? 0;
  if (seq.count !== null) {
    if (seq.count !== 0) end = start + seq.count * stride - 1;
    else [start, end, stride] = [0, 0, 0];
  }
  if (stride > 0 && end < start) throw new TemplateError('to count backwards make stride negative');
  if (stride < 0 && end > start) throw new TemplateError("to count forward don't make stride negative");
  if ((seq.format.match(/%/g) ?? []).length !== 1) throw new TemplateError(`bad formatting string: ${seq.format}`);
  const out: string[] = [];
  if (stride === 0) return out;
  const stop = end + (stride > 0 ? 1 : -1);
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) out.push(percentFormat(seq.format, [i]));
  return out;
}

// Python's string module constants, the names `chars=` may use.
const CHAR_SETS: Record<string, string> = {
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};
const choiceOf = (r: PyRandom, chars: string[]) => () => r.choice(chars);

const PASSWORD_PARAMS = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);

function candidateChars(spec: string): string {
  const specs = spec.includes(',,') ? [','] : [];
  specs.push(...spec.replace(/,,/g, ',').split(',').filter(Boolean));
  return specs.map((s) => CHAR_SETS[s] ?? s).join('').replace(/["']/g, '');
}

/** The password of `path [length=N] [chars=...] [encrypt=...]`: read from the file, or made and saved there. */
function password(term: string, ctx: RenderContext, kw: Record<string, unknown>): string {
  const space = term.indexOf(' ');
  const relpath = space < 0 ? term : term.slice(0, space);
  const inline = space < 0 ? {} : parseKeyValue(term.slice(space + 1));
  const invalid = Object.keys(inline).filter((k) => !PASSWORD_PARAMS.has(k));
  // keyword options are the defaults the term's own key=value pairs override
  const params = { ...kw, ...inline };
  if (invalid.length > 0) throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  const base = ctx.extra.searchPaths[ctx.extra.searchPaths.length - 1] ?? process.cwd();
  const path = isAbsolute(relpath) ? relpath : join(base, relpath);
  const encrypt = params.encrypt === undefined ? null : pyStr(params.encrypt);

  let plaintext: string;
  let salt: string | null = null;
  const content = path !== '/dev/null' && existsSync(path) ? readFileSync(path, 'utf8').replace(/\n$/, '') : null;
  if (content === null) {
    const length = Number(params.length ?? 20);
    const chars = [...candidateChars(pyStr(params.chars ?? 'ascii_letters,digits,.,:-_'))];
    // seed= (a str option): Python's random.Random(seed).choice, so the same seed gives Ansible's password
    const pick = params.seed === undefined || params.seed === null ? () => chars[randomInt(chars.length)] : choiceOf(seededRandom(pyStr(params.seed)), chars);
    plaintext = Array.from({ length }, pick).join('');
  } else {
    const m = /^(.*?) salt=(\S+)/.exec(content);
    plaintext = m ? (m[1] ?? '') : content;
    salt = m ? (m[2] ?? null) : null;
  }
  if (encrypt !== null && salt === null) salt = Array.from({ length: encrypt === 'md5_crypt' ? 8 : 16 }, () => CHAR_SETS.ascii_letters![randomInt(52)]).join('');
  if (path !== '/dev/null' && (content === null || (encrypt !== null && !content.includes(' salt=')))) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${plaintext}${salt === null ? '' : ` salt=${salt}`}\n`, { mode: 0o600 });
  }
  if (encrypt === null) return plaintext;
  const hash = cryptoFilters.password_hash as (v: unknown, a: { pos: unknown[]; kw: Record<string, unknown> }, c: RenderContext) => unknown;
  return pyStr(hash(plaintext, { pos: [encrypt, salt], kw: {} }, ctx));
}

export const generateLookups: Record<string, Lookup> = {
  sequence: (terms) => terms.flatMap((t) => generateSequence(pyStr(t))),
  password: (terms, a, ctx) => terms.map((t) => password(pyStr(t), ctx, a.kw)),
};
