// Encoding a request body as uri's body_format says: JSON as Python's
// json.dumps writes it (", " and ": " separators, non-ASCII escaped), and
// form-urlencoded as Python's urlencode(doseq=True) does.

/** Python's json.dumps(value) with its default separators and ensure_ascii. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(String(value));
}

/** Python's quote_plus: only letters, digits and _.-~ stay as they are. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

const scalar = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

/** uri's form_urlencoded(): a mapping or list of pairs; list values repeat the key; None values dropped. */
export function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body;
  let pairs: [unknown, unknown][];
  if (Array.isArray(body)) pairs = body.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p, undefined]) as [unknown, unknown]);
  else if (body && typeof body === 'object') pairs = Object.entries(body);
  else return String(body);
  const out: string[] = [];
  for (const [key, values] of pairs) {
    const list = Array.isArray(values) ? values : [values];
    for (const v of list) if (v !== null && v !== undefined) out.push(`${quotePlus(scalar(key))}=${quotePlus(scalar(v))}`);
  }
  return out.join('&');
}
