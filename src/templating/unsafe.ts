// Ansible's unsafe text: what a host sent back (module results, facts) and
// what YAML tags `!unsafe` is never templated again, so a command's output
// that holds `{{ ... }}` stays text (and cannot run a lookup on the controller).
// A rendered text that carries unsafe text is unsafe too.
//
// tsplay's values are plain strings, so unsafety is kept by content: a text is
// unsafe once such a value held it. Only texts that look like templates are
// kept; any other text renders to itself anyway.

const TEMPLATE = /\{[{%#]/;
const unsafeTexts = new Set<string>();

/** Mark every template-looking text in `value` (a module result, facts...) unsafe. */
export function markUnsafe(value: unknown): void {
  if (typeof value === 'string') {
    if (TEMPLATE.test(value)) unsafeTexts.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) markUnsafe(v);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) markUnsafe(v);
  }
}

export function isUnsafeText(text: string): boolean {
  return unsafeTexts.size > 0 && unsafeTexts.has(text);
}

/** A template's output that holds an unsafe text is unsafe in its turn. */
export function carryUnsafe(output: unknown): void {
  if (unsafeTexts.size === 0 || typeof output !== 'string' || !TEMPLATE.test(output) || unsafeTexts.has(output)) return;
  for (const text of unsafeTexts) {
    if (output.includes(text)) {
      unsafeTexts.add(output);
      return;
    }
  }
}
