// Jinja's own globals as Ansible's templates have them: range, dict, lipsum,
// cycler, joiner (namespace is in loop-support.ts).
import { PyTypeError, TemplateError } from './errors.js';
import { PyFloat } from './py-float.js';
import { PyObject } from './py-object.js';
import { PyRange, makeRange } from './py-range.js';
import { isMapping, truthy, typeName } from './python-ops.js';
import { pyStr } from './python-repr.js';

/** Keyword arguments as compiled templates pass them: a last object marked __keywords. */
function splitCall(args: unknown[]): { pos: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const kw = { ...last };
    delete kw.__keywords;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

function rangeInt(v: unknown): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  const type = v instanceof PyFloat ? 'float' : typeName(v);
  throw new PyTypeError(`'${type}' object cannot be interpreted as an integer`);
}

export function pyRange(...args: unknown[]): PyRange {
  if (args.length === 0) throw new PyTypeError('range expected at least 1 argument, got 0');
  if (args.length > 3) throw new TemplateError(`range expected at most 3 arguments, got ${args.length}`);
  const n = args.map(rangeInt);
  const [start, stop, step] = n.length === 1 ? [0, n[0] ?? 0, 1] : [n[0] ?? 0, n[1] ?? 0, n[2] ?? 1];
  if (step === 0) throw new TemplateError('range() arg 3 must not be zero');
  return makeRange(start, stop, step);
}

/** dict(mapping_or_pairs, **kw). */
export function pyDict(...args: unknown[]): Record<string, unknown> {
  const { pos, kw } = splitCall(args);
  if (pos.length > 1) throw new TemplateError(`dict expected at most 1 argument, got ${pos.length}`);
  const out: Record<string, unknown> = {};
  const first = pos[0];
  if (isMapping(first)) Object.assign(out, first);
  else if (first !== undefined) {
    if (!Array.isArray(first)) throw new TemplateError(`'${typeName(first)}' object is not iterable`);
    first.forEach((pair, i) => {
      const kv = typeof pair === 'string' ? Array.from(pair) : pair;
      if (!Array.isArray(kv) || kv.length !== 2) {
        throw new TemplateError(`dictionary update sequence element #${i} has length ${Array.isArray(kv) ? kv.length : 1}; 2 is required`);
      }
      out[pyStr(kv[0])] = kv[1];
    });
  }
  return Object.assign(out, kw);
}

/** cycler(a, b, ...): .next(), .current, .reset(). */
export class Cycler extends PyObject {
  readonly pyTypeName = 'Cycler';
  private pos = 0;
  constructor(private readonly items: unknown[]) {
    super();
    if (items.length === 0) throw new TemplateError('at least one item has to be provided');
  }
  get current(): unknown {
    return this.items[this.pos];
  }
  next(): unknown {
    const v = this.current;
    this.pos = (this.pos + 1) % this.items.length;
    return v;
  }
  reset(): null {
    this.pos = 0;
    return null;
  }
  pyStr(): string {
    return '<jinja2.utils.Cycler object>';
  }
  pyRepr(): string {
    return this.pyStr();
  }
}

/** joiner(sep=', '): '' the first call, then sep. */
export function joiner(...args: unknown[]): () => string {
  const { pos, kw } = splitCall(args);
  const sep = pyStr(pos[0] ?? kw.sep ?? ', ');
  let used = false;
  return () => {
    if (used) return sep;
    used = true;
    return '';
  };
}

// Jinja's word list for lipsum (jinja2.constants.LOREM_IPSUM_WORDS).
const LOREM_WORDS = `a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at
auctor augue bibendum blandit class commodo condimentum congue consectetuer
consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus
diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend
elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames
faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac
hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum
justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem
luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie
mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non
nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque
penatibus per pharetra phasellus placerat platea porta porttitor posuere
potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus
ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit
sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor
tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices
ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus
viverra volutpat vulputate`.split(/\s+/);

const randrange = (lo: number, hi: number): number => {
  if (hi <= lo) throw new TemplateError(`empty range for randrange() (${lo}, ${hi}, ${hi - lo})`);
  return lo + Math.floor(Math.random() * (hi - lo));
};

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** lipsum(n=5, html=True, min=20, max=100): random paragraphs, built as Jinja builds them. */
export function lipsum(...args: unknown[]): string {
  const { pos, kw } = splitCall(args);
  const arg = (i: number, name: string, dflt: unknown): unknown => (i < pos.length ? pos[i] : name in kw ? kw[name] : dflt);
  const n = Number(arg(0, 'n', 5));
  const html = truthy(arg(1, 'html', true));
  const min = Number(arg(2, 'min', 20));
  const max = Number(arg(3, 'max', 100));
  const paragraphs: string[] = [];
  for (let k = 0; k < n; k++) {
    let nextCapitalized = true;
    let lastComma = 0;
    let lastFullstop = 0;
    let last: string | undefined;
    const p: string[] = [];
    const count = randrange(min, max);
    for (let idx = 0; idx < count; idx++) {
      let word: string;
      do word = LOREM_WORDS[Math.floor(Math.random() * LOREM_WORDS.length)] ?? 'a';
      while (word === last);
      last = word;
      if (nextCapitalized) {
        word = word.charAt(0).toUpperCase() + word.slice(1);
        nextCapitalized = false;
      }
      if (idx - randrange(3, 8) > lastComma) {
        lastComma = idx;
        lastFullstop += 2;
        word += ',';
      }
      if (idx - randrange(10, 20) > lastFullstop) {
        lastComma = lastFullstop = idx;
        word += '.';
        nextCapitalized = true;
      }
      p.push(word);
    }
    let text = p.join(' ');
    if (text.endsWith(',')) text = `${text.slice(0, -1)}.`;
    else if (!text.endsWith('.')) text += '.';
    paragraphs.push(text);
  }
  return html ? paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n') : paragraphs.join('\n\n');
}

export const jinjaGlobals: Record<string, unknown> = {
  range: pyRange,
  dict: pyDict,
  lipsum,
  cycler: (...items: unknown[]) => new Cycler(items),
  joiner,
};
