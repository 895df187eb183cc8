// Most task options are text with plain `{{ name }}` placeholders, e.g.
// "{{ bench_dir }}/{{ inventory_hostname }}/app.conf". Each is compiled once per
// run, but nunjucks' lexer, parser and code generator cost ~1 ms per template
// while they are still cold, which was the largest controller cost of a short
// run after ajv. For such text one shared function renders what the compiler
// (nunjucks + jinja-compiler.ts) would generate, without running the compiler;
// test/templating/simple-template.test.ts checks that the code the parts stand
// for is the compiler's, and that the shared function renders as that code does.

/** `{{ name }}` with spaces only; other forms (`{{- x }}`, filters, ...) take the full compiler. */
const PLACEHOLDER = /\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;
/** Text between placeholders: no brace, so no other tag, comment end or stray delimiter in it. */
const PLAIN_TEXT = /^[^{}]*$/;
/** Names nunjucks or jinja-compiler.ts lex or compile as something other than a variable. */
const NOT_A_VARIABLE = new Set([
  'true', 'false', 'none', 'null', 'True', 'False', 'None', 'not', 'and', 'or', 'in', 'is', 'if', 'else',
]);

/** nunjucks' Compiler.compileLiteral for a string. */
function literal(text: string): string {
  const val = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\u2028/g, '\\u2028');
  return `"${val}"`;
}

/** Plain text, or the name of a variable to emit. */
export type SimplePart = { text: string } | { name: string };

/** The parts of `src` (preprocessed Jinja text) if it is simple enough, else undefined. */
export function simpleTemplateParts(src: string): SimplePart[] | undefined {
  const parts: SimplePart[] = [];
  let last = 0;
  const text = (t: string): boolean => {
    if (!PLAIN_TEXT.test(t)) return false;
    if (t) parts.push({ text: t });
    return true;
  };
  for (const m of src.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (NOT_A_VARIABLE.has(name) || !text(src.slice(last, m.index))) return undefined;
    parts.push({ name });
    last = m.index + m[0].length;
  }
  if (!parts.some((p) => 'name' in p) || !text(src.slice(last))) return undefined;
  return parts;
}

/** The code the compiler generates for these parts (what simpleRoot does, as source; compared in the tests). */
export function simpleTemplateCode(src: string): string | undefined {
  const parts = simpleTemplateParts(src);
  if (!parts) return undefined;
  const body = parts
    .map((p) =>
      'text' in p
        ? `output += runtime.emitData(${literal(p.text)});\n`
        : `output += runtime.emit(runtime.contextOrFrameLookup(context, frame, "${p.name}"));\n`,
    )
    .join('');
  return (
    'function root(env, context, frame, runtime, cb) {\nvar lineno = 0;\nvar colno = 0;\nvar output = "";\ntry {\n' +
    'var parentTemplate = null;\n' +
    body +
    'if(parentTemplate) {\nparentTemplate.rootRenderFunc(env, context, frame, runtime, cb);\n} else {\ncb(null, output);\n}\n' +
    ';\n} catch (e) {\n  cb(runtime.handleError(e, lineno, colno));\n}\n}\nreturn {\nroot: root\n};\n'
  );
}

interface Runtime {
  emitData(text: string): string;
  emit(value: unknown): string;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
  handleError(e: unknown, lineno: number, colno: number): unknown;
}

/**
 * The render function of simpleTemplateCode, as one shared function instead of
 * new code per text: new code starts cold (parsed, then interpreted) for every
 * distinct text, which cost ~50 us a text, more than rendering it three times.
 */
export function simpleRoot(parts: readonly SimplePart[]) {
  return {
    root(_env: unknown, context: unknown, frame: unknown, runtime: Runtime, cb: (err: unknown, res?: string) => void): void {
      let output = '';
      try {
        for (const p of parts) {
          output += 'text' in p ? runtime.emitData(p.text) : runtime.emit(runtime.contextOrFrameLookup(context, frame, p.name));
        }
        cb(null, output);
      } catch (e) {
        cb(runtime.handleError(e, 0, 0));
      }
    },
  };
}
