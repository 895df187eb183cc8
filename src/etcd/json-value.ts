// A key's value as the etcdctl module writes and compares it: text as given,
// anything else as compact JSON. A JSON object or array is compared parsed, so
// that key order or spacing in what is stored causes no change.

/** The text written to etcd for a task's `value`. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The value as a JSON object or array, or undefined when it is not one. */
function structured(value: unknown): unknown {
  if (typeof value !== 'string') return value !== null && typeof value === 'object' ? value : undefined;
  if (!/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Same JSON data: objects whatever their key order, arrays in order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const ob = b as Record<string, unknown>;
    return ka.length === Object.keys(ob).length && ka.every((k) => k in ob && jsonEqual((a as Record<string, unknown>)[k], ob[k]));
  }
  return a === b;
}

/** Does the stored text already hold the wanted value? */
export function sameValue(stored: string, wanted: unknown): boolean {
  if (stored === valueText(wanted)) return true;
  const want = structured(wanted);
  if (want === undefined) return false;
  const have = structured(stored);
  return have !== undefined && jsonEqual(have, want);
}
