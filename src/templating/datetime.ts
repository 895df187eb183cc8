// Python's datetime.datetime and datetime.timedelta, as far as templates use them:
// to_datetime's result, `now()`, subtraction, comparison, attributes and strftime.
// Datetimes are naive (no zone): their fields are kept as UTC fields of a Date.
import { TemplateError } from './errors.js';
import { mkFloat } from './py-float.js';
import { PyObject } from './python-repr.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The broken-down time strftime formats (C's struct tm plus microseconds). */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  weekday: number; // 0 = Sunday, as C's tm_wday
  yday: number; // 1..366
}

export function fieldsOf(d: Date, micro = 0): Fields {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: micro,
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start) / 86_400_000) + 1,
  };
}

/** C/Python strftime in the C locale. */
export function strftime(format: string, f: Fields): string {
  const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const codes: Record<string, () => string> = {
    a: () => (DAYS[f.weekday] ?? '').slice(0, 3),
    A: () => DAYS[f.weekday] ?? '',
    b: () => (MONTHS[f.month - 1] ?? '').slice(0, 3),
    h: () => (MONTHS[f.month - 1] ?? '').slice(0, 3),
    B: () => MONTHS[f.month - 1] ?? '',
    d: () => pad(f.day),
    e: () => String(f.day).padStart(2, ' '),
    m: () => pad(f.month),
    y: () => pad(f.year % 100),
    Y: () => String(f.year),
    H: () => pad(f.hour),
    I: () => pad(h12),
    M: () => pad(f.minute),
    S: () => pad(f.second),
    f: () => pad(f.microsecond, 6),
    p: () => (f.hour < 12 ? 'AM' : 'PM'),
    j: () => pad(f.yday, 3),
    w: () => String(f.weekday),
    u: () => String(f.weekday === 0 ? 7 : f.weekday),
    D: () => `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`,
    F: () => `${f.year}-${pad(f.month)}-${pad(f.day)}`,
    T: () => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`,
    R: () => `${pad(f.hour)}:${pad(f.minute)}`,
    c: () => `${codes.a?.()} ${codes.b?.()} ${codes.e?.()} ${codes.T?.()} ${f.year}`,
    x: () => codes.D?.() ?? '',
    X: () => codes.T?.() ?? '',
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%([a-zA-Z%])/g, (m, c: string) => codes[c]?.() ?? m);
}

export class PyTimedelta extends PyObject {
  readonly pyTypeName = 'timedelta';
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(totalMicroseconds: number) {
    super();
    const day = 86_400_000_000;
    this.days = Math.floor(totalMicroseconds / day);
    const rest = totalMicroseconds - this.days * day;
    this.seconds = Math.floor(rest / 1_000_000);
    this.microseconds = rest - this.seconds * 1_000_000;
  }

  private get micros(): number {
    return this.days * 86_400_000_000 + this.seconds * 1_000_000 + this.microseconds;
  }

  total_seconds(): unknown {
    return mkFloat(this.micros / 1_000_000);
  }

  pyStr(): string {
    const h = Math.floor(this.seconds / 3600);
    const clock = `${h}:${pad(Math.floor(this.seconds / 60) % 60)}:${pad(this.seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    if (this.days === 0) return clock;
    return `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}`;
  }

  pyRepr(): string {
    const parts = [['days', this.days], ['seconds', this.seconds], ['microseconds', this.microseconds]].filter(([, v]) => v !== 0);
    return `datetime.timedelta(${parts.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  }

  override pyCompare(other: unknown): number | undefined {
    if (!(other instanceof PyTimedelta)) return undefined;
    return Math.sign(this.micros - other.micros);
  }
}

export class PyDateTime extends PyObject {
  readonly pyTypeName = 'datetime';
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;

  /** `utc` holds the naive fields as a UTC instant. */
  constructor(private readonly utc: Date, microsecond = 0) {
    super();
    const f = fieldsOf(utc);
    this.year = f.year;
    this.month = f.month;
    this.day = f.day;
    this.hour = f.hour;
    this.minute = f.minute;
    this.second = f.second;
    this.microsecond = microsecond;
  }

  private get micros(): number {
    return this.utc.getTime() * 1000 + this.microsecond;
  }

  strftime(format: unknown): string {
    return strftime(String(format), fieldsOf(this.utc, this.microsecond));
  }

  isoformat(sep: unknown = 'T'): string {
    return this.strftime(`%Y-%m-%d${String(sep)}%H:%M:%S${this.microsecond ? '.%f' : ''}`);
  }

  weekday(): number {
    return (this.utc.getUTCDay() + 6) % 7;
  }

  timestamp(): number {
    // a naive datetime is local time to Python
    const local = new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
    return local.getTime() / 1000 + this.microsecond / 1e6;
  }

  pyStr(): string {
    return this.isoformat(' ');
  }

  pyRepr(): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    while (fields.length > 5 && fields[fields.length - 1] === 0) fields.pop();
    return `datetime.datetime(${fields.join(', ')})`;
  }

  override pySub(other: unknown): unknown {
    if (other instanceof PyDateTime) return new PyTimedelta(this.micros - other.micros);
    if (other instanceof PyTimedelta) {
      const micros = this.micros - Math.round(Number(other.total_seconds()) * 1e6);
      const whole = Math.floor(micros / 1e6);
      return new PyDateTime(new Date(whole * 1000), micros - whole * 1e6);
    }
    throw new TemplateError(`unsupported operand type(s) for -: 'datetime.datetime' and '${typeof other}'`);
  }

  override pyCompare(other: unknown): number | undefined {
    if (!(other instanceof PyDateTime)) return undefined;
    return Math.sign(this.micros - other.micros);
  }
}

/** Python's datetime.strptime for the usual directives; fails as Python does. */
export function strptime(text: string, format: string): PyDateTime {
  const fields = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0, I: 0, p: '' } as Record<string, number | string>;
  const order: string[] = [];
  const patterns: Record<string, string> = {
    Y: '(\\d{4})', m: '(\\d{1,2})', d: '(\\d{1,2})', H: '(\\d{1,2})', M: '(\\d{1,2})', S: '(\\d{1,2})',
    y: '(\\d{2})', f: '(\\d{1,6})', I: '(\\d{1,2})', p: '(AM|PM|am|pm)', j: '(\\d{1,3})',
    b: `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`, B: `(${MONTHS.join('|')})`,
    a: `(?:${DAYS.map((d) => d.slice(0, 3)).join('|')})`, A: `(?:${DAYS.join('|')})`,
  };
  let source = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] ?? '';
    if (c === '%' && i + 1 < format.length) {
      const code = format[++i] ?? '';
      if (code === '%') source += '%';
      else if (patterns[code]) {
        source += patterns[code];
        if (!['a', 'A'].includes(code)) order.push(code);
      } else throw new TemplateError(`'${code}' is a bad directive in format '${format}'`);
    } else if (/\s/.test(c)) source += '\\s+';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^${source}`, 'i').exec(text);
  if (!m) throw new TemplateError(`time data '${text}' does not match format '${format}'`);
  if (m[0].length !== text.length) throw new TemplateError(`unconverted data remains: ${text.slice(m[0].length)}`);
  order.forEach((code, i) => {
    const v = m[i + 1] ?? '';
    if (code === 'b' || code === 'B') fields.m = MONTHS.findIndex((x) => x.toLowerCase().startsWith(v.toLowerCase())) + 1;
    else if (code === 'y') fields.Y = Number(v) + (Number(v) < 69 ? 2000 : 1900);
    else if (code === 'f') fields.f = Number(v.padEnd(6, '0'));
    else if (code === 'p') fields.p = v.toUpperCase();
    else fields[code] = Number(v);
  });
  let hour = Number(fields.H);
  if (order.includes('I')) hour = (Number(fields.I) % 12) + (fields.p === 'PM' ? 12 : 0);
  const [y, mo, d, mi, s] = [fields.Y, fields.m, fields.d, fields.M, fields.S].map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, hour, mi, s));
  date.setUTCFullYear(y);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || hour > 23 || mi > 59 || s > 61) {
    throw new TemplateError(`day is out of range for month`);
  }
  if (order.includes('j') && !order.includes('m') && !order.includes('d')) {
    date.setUTCDate(Number(fields.j));
  }
  return new PyDateTime(date, Number(fields.f));
}

/** Now as a naive datetime: local time, or UTC with utc=True. */
export function now(utc: boolean): PyDateTime {
  const t = new Date();
  const shifted = utc ? t.getTime() : t.getTime() - t.getTimezoneOffset() * 60_000;
  const ms = t.getMilliseconds();
  return new PyDateTime(new Date(shifted - ms), ms * 1000);
}
