// Most task options are text with plain `{{ name }}` placeholders, e.g.
// "{{ bench_dir }}/{{ inventory_hostname }}/app.conf". Each is compiled once per
// run, but nunjucks' lexer, parser and code generator cost ~1 ms per template
// while they are still cold, which was the largest controller cost of a short
// run after ajv. For such text this writes the very code the compiler
// (nunjucks + jinja-compiler.ts) would generate, without running it;
// test/templating/simple-template.test.ts checks the two are identical.

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

/** The compiled code of `src` (preprocessed Jinja text) if it is simple enough, else undefined. */
export function simpleTemplateCode(src: string): string | undefined {
  let body = '';
  let last = 0;
  let placeholders = 0;
  const text = (t: string): boolean => {
    if (!PLAIN_TEXT.test(t)) return false;
    if (t) body += `output += runtime.emitData(${literal(t)});\n`;
    return true;
  };
  for (const m of src.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (NOT_A_VARIABLE.has(name) || !text(src.slice(last, m.index))) return undefined;
    body += `output += runtime.emit(runtime.contextOrFrameLookup(context, frame, "${name}"));\n`;
    last = m.index + m[0].length;
    placeholders++;
  }
  if (placeholders === 0 || !text(src.slice(last))) return undefined;
  return (
    'function root(env, context, frame, runtime, cb) {\nvar lineno = 0;\nvar colno = 0;\nvar output = "";\ntry {\n' +
    'var parentTemplate = null;\n' +
    body +
    'if(parentTemplate) {\nparentTemplate.rootRenderFunc(env, context, frame, runtime, cb);\n} else {\ncb(null, output);\n}\n' +
    ';\n} catch (e) {\n  cb(runtime.handleError(e, lineno, colno));\n}\n}\nreturn {\nroot: root\n};\n'
  );
}
