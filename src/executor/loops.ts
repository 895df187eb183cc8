// Turning `loop:` and the `with_*` forms into the list of items to run.

function flattenOnce(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function flattenDeep(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? flattenDeep(v) : [v]));
}

function asList(value: unknown, kind: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (kind === 'loop') {
    throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${String(value)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`);
  }
  return [value];
}

function sequence(spec: unknown): unknown[] {
  const text = String(spec);
  const args: Record<string, string> = {};
  let shortForm: string | undefined;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq > 0) args[word.slice(0, eq)] = word.slice(eq + 1);
    else shortForm = word;
  }
  let start = Number(args.start ?? 1);
  let end = args.end !== undefined ? Number(args.end) : undefined;
  const stride = Number(args.stride ?? 1);
  const format = args.format ?? '%d';
  if (shortForm) {
    const m = /^(?:(\d+)-)?(\d+)(?:\/(\d+))?(?::(.+))?$/.exec(shortForm);
    if (m) {
      if (m[1]) start = Number(m[1]);
      end = Number(m[2]);
    }
  }
  if (args.count !== undefined) end = start + (Number(args.count) - 1) * stride;
  const out: string[] = [];
  if (end === undefined) return out;
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(format.replace(/%0?(\d*)d/, (_, w: string) => String(i).padStart(Number(w || 0), '0')));
  return out;
}

/** Items for a loop kind, from its already-templated value. */
export function loopItems(kind: string, value: unknown): unknown[] {
  switch (kind) {
    case 'loop':
    case 'with_list':
      return asList(value, kind);
    case 'with_items':
      return flattenOnce(asList(value, kind));
    case 'with_flattened':
      return flattenDeep(asList(value, kind));
    case 'with_indexed_items':
      return flattenOnce(asList(value, kind)).map((v, i) => [i, v]);
    case 'with_dict': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error('with_dict expects a dict');
      }
      return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    }
    case 'with_together': {
      const lists = asList(value, kind).map((l) => (Array.isArray(l) ? l : [l]));
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
    }
    case 'with_nested': {
      const lists = asList(value, kind).map((l) => (Array.isArray(l) ? l : [l]));
      return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => l.map((v) => [...prefix, v])), [[]]);
    }
    case 'with_sequence':
      return (Array.isArray(value) ? value : [value]).flatMap(sequence);
    case 'with_subelements': {
      const [list, key] = asList(value, kind) as [Record<string, unknown>[], string];
      return (list ?? []).flatMap((el) => ((el[key] as unknown[]) ?? []).map((sub) => [el, sub]));
    }
    default:
      throw new Error(`the loop '${kind}' is not supported`);
  }
}
