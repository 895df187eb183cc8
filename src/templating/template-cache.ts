// Compiled templates by text: a template string is parsed and turned into
// code once per run (and, through code-store.ts, once across runs).
import { templateFailure } from './errors.js';
import { compileTemplate, type CompiledTemplate } from './jinja-compiler.js';
import { prepareSource } from './source.js';

const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledTemplate>();

/** The compiled template of `text` (escapeBackslashes: as Ansible's templating of strings in YAML). */
export function compiled(text: string, escapeBackslashes: boolean): CompiledTemplate {
  const key = (escapeBackslashes ? 'e' : 't') + text;
  let c = cache.get(key);
  if (!c) {
    // Jinja2 drops a single trailing newline of the source (keep_trailing_newline=False)
    const src = prepareSource(text.replace(/(\r\n|\n|\r)$/, ''), escapeBackslashes);
    try {
      c = compileTemplate(src, 'template');
    } catch (err) {
      throw templateFailure(err, text);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, c);
  }
  return c;
}
