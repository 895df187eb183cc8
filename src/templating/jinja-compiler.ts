// Compiling Jinja2 text with nunjucks' parser and code generator, adjusted to
// behave like Jinja2 under Ansible. Everything that changes nunjucks lives in
// this file; nothing is patched globally (the subclasses are used only here),
// so other nunjucks users in the process are unaffected. Changes and why:
//  - conditions (`if`, `not`, `and`, `or`, inline if) use Python truthiness
//    ([] and {} are false) and `and`/`or` return an operand like Python;
//  - `==`, `<`, `+`, `*`, `%`, `/`, `//`, `~`, `in` follow Python semantics;
//  - True/False/None literals, tuples `(a, b)`, dict keys that are expressions,
//    slices `x[1:3]`, and `.attr` vs `[item]` lookups as Jinja2 does them;
//  - every `{{ }}` goes through runtime.emit so the templar can see the native
//    value of a lone expression (Ansible's type preservation);
//  - numbers are read as Jinja reads them (jinja-lexer.ts), so `item.0.name` is
//    two lookups and `1e3`, `1_000` are numbers;
//  - `for x in xs if cond` filters the items (loop.* counts the filtered ones),
//    loop.cycle/previtem/nextitem/depth/changed exist, and `recursive` loops
//    render loop(children) one level deeper;
//  - `{% filter a(x) | b %}` applies a chain of filters;
//  - `{% set %}` inside a loop body stays in that loop (Jinja's scoping), and
//    `{% set ns.attr = v %}` assigns to a namespace().
import { compiler, lexer, nodes, parser, type AnyClass, type AnyNode } from './nunjucks-internals.js';
import { simpleRoot, simpleTemplateParts } from './simple-template.js';
import { templateCodeStore } from './code-store.js';
import { jinjaTokens } from './jinja-lexer.js';
import { markFoldedNonFinite } from './const-fold.js';

const Parser: AnyClass = parser.Parser;
const Compiler: AnyClass = compiler.Compiler;

function noneLiteral(tok: { lineno: number; colno: number }): AnyNode {
  return new nodes.Literal(tok.lineno, tok.colno, null);
}

function special(name: string, tok: { lineno: number; colno: number }, args: AnyNode[]): AnyNode {
  return new nodes.FunCall(
    tok.lineno,
    tok.colno,
    new nodes.Symbol(tok.lineno, tok.colno, name),
    new nodes.NodeList(tok.lineno, tok.colno, args),
  );
}

/** A node type of our own, with its fields (nunjucks' Node.extend takes no field list). */
function nodeType(name: string, fields: string[]): AnyClass {
  const type: AnyClass = nodes.Node.extend(name);
  Object.defineProperty(type.prototype, 'fields', { get: () => fields });
  return type;
}

// `{% with a = x, b = y %}...{% endwith %}`: names bound for the body only.
const WithNode = nodeType('With', ['targets', 'values', 'body']);

const TEST_ARG_START = new Set([
  lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE,
  lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY,
]);
const NOT_TEST_ARG = new Set(['else', 'or', 'and', 'is', 'if', 'in', 'not']);

class JinjaParser extends Parser {
  // A float literal stays a float (1.0, 1e3): compileLiteral boxes whole ones.
  // An int literal past 2**53 is a bigint (Python ints are exact).
  parsePrimary(noPostfix?: boolean): AnyNode {
    const tok = this.peekToken();
    if (tok?.type === lexer.TOKEN_INT && !Number.isSafeInteger(Number(tok.value))) {
      this.nextToken();
      const node: AnyNode = new nodes.Literal(tok.lineno, tok.colno, BigInt(tok.value as string));
      return noPostfix ? node : this.parsePostfix(node);
    }
    if (tok?.type !== lexer.TOKEN_FLOAT) return super.parsePrimary(noPostfix);
    this.nextToken();
    let node: AnyNode = new nodes.Literal(tok.lineno, tok.colno, parseFloat(tok.value));
    node.pyFloat = true;
    if (!noPostfix) node = this.parsePostfix(node);
    return node;
  }

  // `x is name`, `x is name(args)`, and Jinja's one-argument form `x is divisibleby 3`
  parseIs(): AnyNode {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      const tok = this.nextToken();
      let name = tok.type === lexer.TOKEN_NONE ? 'none' : String(tok.value);
      while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += `.${String(this.nextToken().value)}`;
      const next = this.peekToken();
      let right: AnyNode = new nodes.Symbol(tok.lineno, tok.colno, name);
      if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
        right = new nodes.FunCall(tok.lineno, tok.colno, right, this.parseSignature());
      } else if (next && TEST_ARG_START.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_TEST_ARG.has(next.value))) {
        const arg = this.parsePrimary();
        right = new nodes.FunCall(tok.lineno, tok.colno, right, new nodes.NodeList(tok.lineno, tok.colno, [arg]));
      }
      node = new nodes.Is(node.lineno, node.colno, node, right);
      if (not) node = new nodes.Not(node.lineno, node.colno, node);
    }
    return node;
  }

  // nunjucks reads `{% endraw %}` by itself: trim_blocks drops the newline after it, as after any tag.
  parseRaw(tagName?: string): AnyNode {
    const node = super.parseRaw(tagName);
    const tokens = this.tokens as { trimBlocks: boolean; current(): string; forward(): void; str: string; index: number };
    if (tokens.trimBlocks) {
      if (tokens.current() === '\r' && tokens.str[tokens.index + 1] === '\n') tokens.forward();
      if (tokens.current() === '\n') tokens.forward();
    }
    return node;
  }

  // `{% block name scoped %}`, `required`: nunjucks' blocks see the loop's
  // variables anyway (a block is called with the current frame).
  parseBlock(): AnyNode {
    const tag = this.peekToken();
    if (!this.skipSymbol('block')) this.fail('parseBlock: expected block', tag.lineno, tag.colno);
    const node = new nodes.Block(tag.lineno, tag.colno);
    node.name = this.parsePrimary();
    if (!(node.name instanceof nodes.Symbol)) this.fail('parseBlock: variable name expected', tag.lineno, tag.colno);
    while (this.skipSymbol('scoped') || this.skipSymbol('required'));
    this.advanceAfterBlockEnd(tag.value);
    node.body = this.parseUntilBlocks('endblock');
    this.skipSymbol('endblock');
    this.skipSymbol(node.name.value);
    const tok = this.peekToken();
    if (!tok) this.fail('parseBlock: expected endblock, got end of file');
    this.advanceAfterBlockEnd(tok.value);
    return node;
  }

  // Statements nunjucks lacks: with, autoescape.
  parseStatement(): AnyNode {
    const tok = this.peekToken();
    const blocked = (this.breakOnBlocks as string[] | undefined)?.includes(tok?.value);
    if (tok?.type === lexer.TOKEN_SYMBOL && !blocked) {
      if (tok.value === 'with') return this.parseWith();
      if (tok.value === 'autoescape') return this.parseAutoescape();
    }
    return super.parseStatement();
  }

  parseWith(): AnyNode {
    const tag = this.nextToken();
    const node = new WithNode(tag.lineno, tag.colno, [], [], null);
    while (this.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (node.targets.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected comma between with assignments', tag.lineno, tag.colno);
      const target = this.parsePrimary();
      if (!(target instanceof nodes.Symbol)) this.fail('with: a name expected', tag.lineno, tag.colno);
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail('with: expected =', tag.lineno, tag.colno);
      node.targets.push(target);
      node.values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd(tag.value);
    node.body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return node;
  }

  // Ansible's templates never escape (what `{% autoescape true %}` renders
  // under ansible-playbook too): the block is its body.
  parseAutoescape(): AnyNode {
    const tag = this.nextToken();
    this.parseExpression();
    this.advanceAfterBlockEnd(tag.value);
    const body = this.parseUntilBlocks('endautoescape');
    this.advanceAfterBlockEnd();
    return body;
  }

  // Jinja's include: `ignore missing`, then `with context` / `without context`
  parseInclude(): AnyNode {
    const tag = this.peekToken();
    if (!this.skipSymbol('include')) this.fail('parseInclude: expected include');
    const node = new nodes.Include(tag.lineno, tag.colno);
    node.template = this.parseExpression();
    if (this.skipSymbol('ignore') && this.skipSymbol('missing')) node.ignoreMissing = true;
    if (this.skipSymbol('with')) {
      if (!this.skipSymbol('context')) this.fail('expected context after with', tag.lineno, tag.colno);
    } else if (this.skipSymbol('without')) {
      if (!this.skipSymbol('context')) this.fail('expected context after without', tag.lineno, tag.colno);
      node.withoutContext = true;
    }
    this.advanceAfterBlockEnd(tag.value);
    return node;
  }

  // dict keys may be any expression ({item.key: 1, 'k' ~ n: 2})
  parseAggregate(): AnyNode {
    const tok = this.peekToken();
    if (!tok || tok.type !== lexer.TOKEN_LEFT_CURLY) return super.parseAggregate();
    this.nextToken();
    const node = new nodes.Dict(tok.lineno, tok.colno);
    for (;;) {
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) break;
      if (node.children.length > 0 && !this.skip(lexer.TOKEN_COMMA)) {
        this.fail('expected comma between dict items', tok.lineno, tok.colno);
      }
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) break;
      const key = this.parseExpression();
      if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected colon after dict key', tok.lineno, tok.colno);
      const value = this.parseExpression();
      node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
    }
    return node;
  }

  // Jinja's for: the iterable is not an inline if, so `for x in xs if cond`
  // filters; `recursive` marks a loop whose body may call loop(items).
  parseFor(): AnyNode {
    const forTok = this.peekToken();
    if (!forTok || forTok.type !== lexer.TOKEN_SYMBOL || forTok.value !== 'for') return super.parseFor();
    this.nextToken();
    const node = new nodes.For(forTok.lineno, forTok.colno);
    node.name = this.parsePrimary();
    if (!(node.name instanceof nodes.Symbol)) this.fail('parseFor: variable name expected for loop', forTok.lineno, forTok.colno);
    if (this.peekToken().type === lexer.TOKEN_COMMA) {
      const first = node.name;
      node.name = new nodes.Array(first.lineno, first.colno);
      node.name.addChild(first);
      while (this.skip(lexer.TOKEN_COMMA)) node.name.addChild(this.parsePrimary());
    }
    if (!this.skipSymbol('in')) this.fail('parseFor: expected "in" keyword for loop', forTok.lineno, forTok.colno);
    node.arr = this.parseOr();
    if (this.skipSymbol('if')) node.loopFilter = this.parseExpression();
    if (this.skipSymbol('recursive')) node.recursive = true;
    this.advanceAfterBlockEnd(forTok.value);
    node.body = this.parseUntilBlocks('endfor', 'else');
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      node.else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return node;
  }

  // `name(args) | other ...` up to the block's end: the filters of a filter
  // block or a set block, applied in turn to what `body` captures.
  parseFilterChain(tag: { value: string }, body: () => AnyNode): AnyNode {
    const chain: { name: AnyNode; args: AnyNode[] }[] = [];
    do {
      const name = this.parseFilterName();
      chain.push({ name, args: this.parseFilterArgs(name) });
    } while (this.skip(lexer.TOKEN_PIPE));
    this.advanceAfterBlockEnd(tag.value);
    let node = body();
    for (const { name, args } of chain) node = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node, ...args]));
    return node;
  }

  // `{% filter name(args) | other %}`: Jinja allows a chain, nunjucks one filter.
  parseFilterStatement(): AnyNode {
    const tag = this.peekToken();
    if (!this.skipSymbol('filter')) this.fail('parseFilterStatement: expected filter');
    const node = this.parseFilterChain(tag, () => {
      const captured = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endfilter'));
      this.advanceAfterBlockEnd();
      return captured;
    });
    return new nodes.Output(tag.lineno, tag.colno, [node]);
  }

  // A set block may filter what it captures: `{% set x | trim %}...{% endset %}`.
  parseSet(): AnyNode {
    const tag = this.peekToken();
    if (!this.skipSymbol('set')) this.fail('parseSet: expected set', tag.lineno, tag.colno);
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    let target: AnyNode;
    while ((target = this.parsePrimary())) {
      node.targets.push(target);
      if (!this.skip(lexer.TOKEN_COMMA)) break;
    }
    const capture = (): AnyNode => {
      const captured = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
      this.advanceAfterBlockEnd();
      return captured;
    };
    if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      node.value = this.parseExpression();
      this.advanceAfterBlockEnd(tag.value);
    } else if (this.skip(lexer.TOKEN_PIPE)) {
      node.value = this.parseFilterChain(tag, capture);
    } else if (this.skip(lexer.TOKEN_BLOCK_END)) {
      node.body = capture();
      node.value = null;
    } else {
      this.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
    }
    return node;
  }

  parsePostfix(node: AnyNode): AnyNode {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        const part = (): AnyNode => {
          const t = this.peekToken();
          return t.type === lexer.TOKEN_COLON || t.type === lexer.TOKEN_RIGHT_BRACKET
            ? noneLiteral(t)
            : this.parseExpression();
        };
        const start = part();
        if (this.skip(lexer.TOKEN_COLON)) {
          const stop = part();
          const step = this.skip(lexer.TOKEN_COLON) ? part() : noneLiteral(tok);
          node = special('__tsplay_slice__', tok, [node, start, stop, step]);
        } else {
          const lookup = new nodes.LookupVal(tok.lineno, tok.colno, node, start);
          lookup.dot = false;
          node = lookup;
        }
        if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail('expected ]', tok.lineno, tok.colno);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        if (val.type !== lexer.TOKEN_SYMBOL && val.type !== lexer.TOKEN_INT) {
          this.fail(`expected name as lookup value, got ${String(val.value)}`, val.lineno, val.colno);
        }
        const key = val.type === lexer.TOKEN_INT ? Number(val.value) : val.value;
        const lookup = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, key));
        lookup.dot = true;
        node = lookup;
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }
}

// Ansible's STRING_TYPE_FILTERS: their result is a NativeJinjaText, which
// type_debug names (not str) when it is applied to it directly (by these short
// names only: Ansible does not wrap `ansible.builtin.to_json`).
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

function typeDebugOfNativeText(node: AnyNode): boolean {
  if (!(node instanceof nodes.Filter) || node.name?.value !== 'type_debug' || node.args?.children?.length !== 1) return false;
  const arg = node.args.children[0];
  return arg instanceof nodes.Filter && STRING_TYPE_FILTERS.has(arg.name?.value as string);
}

const PY_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };
const BINARY: Record<string, string> = {
  Add: 'pyAdd', Sub: 'pySub', Mul: 'pyMul', Div: 'pyDiv', FloorDiv: 'pyFloorDiv', Mod: 'pyMod', Pow: 'pyPow', Concat: 'pyConcat',
};

class JinjaCompiler extends Compiler {
  // A folded inf/nan Jinja would write into its code as a name (const-fold.ts).
  compile(node: AnyNode, frame: AnyNode): void {
    if (node?.pyNameError) this._emit(`runtime.pyNameError(${JSON.stringify(node.pyNameError)})`);
    else if (typeDebugOfNativeText(node)) {
      this._emit('runtime.nativeJinjaTextType(');
      this.compile(node.args.children[0], frame);
      this._emit(')');
    } else super.compile(node, frame);
  }

  truth(node: AnyNode): AnyNode {
    return special('__tsplay_truthy__', node, [node]);
  }

  compileLiteral(node: AnyNode, frame: AnyNode): void {
    if (node.pyFloat && Number.isSafeInteger(node.value)) this._emit(`runtime.pyFloat(${String(node.value)})`);
    else if (typeof node.value === 'bigint') this._emit(`${node.value.toString()}n`);
    else super.compileLiteral(node, frame);
  }

  compileSymbol(node: AnyNode, frame: AnyNode): void {
    const lit = PY_LITERALS[node.value as string];
    if (lit !== undefined && !frame.lookup(node.value)) this._emit(lit);
    else if (node.value === 'self' && !frame.lookup('self')) this._emit('runtime.selfBlocks(env, context, frame)');
    else super.compileSymbol(node, frame);
  }

  // The block being compiled, for `super()` in it.
  _emitFuncBegin(node: AnyNode, name: string): void {
    this.currentBlock = node instanceof nodes.Block ? node.name.value : undefined;
    super._emitFuncBegin(node, name);
  }

  compileFunCall(node: AnyNode, frame: AnyNode): void {
    const name = node.name instanceof nodes.Symbol ? (node.name.value as string) : '';
    if (name === 'super' && this.currentBlock && !frame.lookup('super')) {
      const block = String(this.currentBlock);
      this._emit(`runtime.superBlock(env, context, frame, ${JSON.stringify(block)}, b_${block})`);
      return;
    }
    if (name === '__tsplay_loop_filter__') {
      this.compileLoopFilter(node, frame);
      return;
    }
    if (name === '__tsplay_truthy__' || name === '__tsplay_slice__') {
      this._emit(name === '__tsplay_truthy__' ? 'runtime.truthy(' : 'runtime.pySlice(');
      node.args.children.forEach((c: AnyNode, i: number) => {
        if (i) this._emit(', ');
        this.compile(c, frame);
      });
      this._emit(')');
      return;
    }
    super.compileFunCall(node, frame);
  }

  // The items of `for NAME in ARR if COND`: ARR filtered by a function that
  // binds NAME (or each name of a tuple) to an item and tests COND.
  compileLoopFilter(node: AnyNode, frame: AnyNode): void {
    const { cond, name } = node.__loopFilter as { cond: AnyNode; name: AnyNode };
    const item = this._tmpid() as string;
    const inner = frame.push();
    this._emit('runtime.loopFilter(');
    this.compile(node.args.children[0], frame);
    this._emit(`, function(${item}) { `);
    if (name instanceof nodes.Array) {
      name.children.forEach((child: AnyNode, i: number) => {
        const id = this._tmpid() as string;
        this._emit(`var ${id} = ${item}[${i}]; `);
        inner.set(child.value, id);
      });
    } else {
      inner.set(name.value, item);
    }
    this._emit('return runtime.truthy(');
    this.compile(cond, inner);
    this._emit('); })');
  }

  compileFor(node: AnyNode, frame: AnyNode): void {
    if (node.recursive) {
      this.compileRecursiveFor(node, frame);
      return;
    }
    if (node.loopFilter) {
      const filtered = special('__tsplay_loop_filter__', node.arr, [node.arr]);
      filtered.__loopFilter = { cond: node.loopFilter, name: node.name };
      node.arr = filtered;
      node.loopFilter = undefined;
    }
    // loop.changed remembers its last values across the iterations of this loop.
    node.__changed = this._tmpid();
    this._emitLine(`var ${node.__changed as string} = runtime.loopChangedState();`);
    super.compileFor(node, frame);
  }

  // A `recursive` loop is a function of its items and depth that renders the
  // loop into a string; `loop(children)` calls it again one level deeper.
  compileRecursiveFor(node: AnyNode, frame: AnyNode): void {
    const fn = this._tmpid() as string;
    const items = this._tmpid() as string;
    const depth = this._tmpid() as string;
    const arr = node.arr;
    // The loop body reads its items through a name bound to the function's parameter.
    const itemsName = `__tsplay_items_${items}`;
    const inner = frame.push();
    inner.set(itemsName, items);
    node.arr = new nodes.Symbol(arr.lineno, arr.colno, itemsName);
    node.recursive = false;
    node.__depth = depth;
    node.__recurse = fn;
    const buffer = this.buffer as string;
    this._emitLine(`var ${fn} = function(${items}, ${depth}) {`);
    this.buffer = 'output';
    this._emitLine('var output = "";');
    this.compileFor(node, inner);
    this._emitLine('return output;');
    this._emitLine('};');
    this.buffer = buffer;
    this._emit(`${buffer} += ${fn}(`);
    this._compileExpression(arr, frame);
    this._emitLine(', 1);');
  }

  _emitLoopBindings(node: AnyNode, arr: string, i: string, len: string): void {
    // In a recursive loop, `loop` is callable; loop.* are set on it.
    if (node.__recurse) this._emitLine(`frame.set("loop", runtime.recursiveLoop(${node.__recurse as string}, ${node.__depth as string}));`);
    super._emitLoopBindings(node, arr, i, len);
    this._emitLine(`frame.set("loop.cycle", runtime.loopCycle(${i}));`);
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : runtime.noLoopItem("previtem"));`);
    this._emitLine(`frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${arr}[${i} + 1] : runtime.noLoopItem("nextitem"));`);
    if (node.__changed) this._emitLine(`frame.set("loop.changed", runtime.loopChanged(${node.__changed as string}));`);
    if (node.__depth) this._emitLine(`frame.set("loop.depth", ${node.__depth as string}); frame.set("loop.depth0", ${node.__depth as string} - 1);`);
    else this._emitLine('frame.set("loop.depth", 1); frame.set("loop.depth0", 0);');
  }

  // A macro's body also sees `varargs` and `kwargs` (the header is the first
  // lines nunjucks' _compileMacro emits; they hold the keyword object `kwargs`).
  _compileMacro(node: AnyNode, frame: AnyNode): string {
    const emitLines = this._emitLines as (...lines: string[]) => void;
    this._emitLines = (...lines: string[]): void => {
      this._emitLines = emitLines;
      emitLines.call(this, ...lines, 'frame.set("varargs", runtime.macroExtra(kwargs, "varargs")); frame.set("kwargs", runtime.macroExtra(kwargs, "kwargs"));');
    };
    try {
      return super._compileMacro(node, frame) as string;
    } finally {
      this._emitLines = emitLines;
    }
  }

  // with's values are read outside it; its names are bound in a new scope.
  compileWith(node: AnyNode, frame: AnyNode): void {
    const ids = (node.values as AnyNode[]).map((value) => {
      const id = this._tmpid() as string;
      this._emit(`var ${id} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
      return id;
    });
    const inner = frame.push();
    this._emitLine('frame = frame.push();');
    (node.targets as AnyNode[]).forEach((target, i) => {
      inner.set(target.value, ids[i]);
      this._emitLine(`frame.set(${JSON.stringify(String(target.value))}, ${ids[i]!});`);
    });
    this._withScopedSyntax(() => this.compile(node.body, inner));
    this._emitLine('frame = frame.pop();');
  }

  // `{% set ns.attr = v %}` sets a namespace's attribute; a plain set binds in
  // the current scope only (a loop body's set does not leak out, as in Jinja).
  compileSet(node: AnyNode, frame: AnyNode): void {
    const attr = node.targets.find((t: AnyNode) => t instanceof nodes.LookupVal);
    const assign = (): void => {
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
    };
    if (attr) {
      if (node.targets.length !== 1) this.fail('cannot assign to several targets with an attribute', node.lineno, node.colno);
      this._emit('runtime.setNamespaceAttr(');
      this._compileExpression(attr.target, frame);
      this._emit(', ');
      this._compileExpression(attr.val, frame);
      this._emit(', ');
      assign();
      this._emitLine(');');
      return;
    }
    const ids = node.targets.map((target: AnyNode) => {
      let id = frame.lookup(target.value) as string | undefined;
      if (!id) {
        id = this._tmpid() as string;
        this._emitLine(`var ${id};`);
      }
      return id;
    });
    this._emit(`${ids.join(' = ')} = `);
    assign();
    this._emitLine(';');
    node.targets.forEach((target: AnyNode, i: number) => {
      const name = String(target.value);
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${ids[i]});`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${ids[i]}); }`);
      if (!name.startsWith('_')) this._emitLine(`if(frame.topLevel) { context.addExport(${JSON.stringify(name)}, ${ids[i]}); }`);
    });
  }

  compileLookupVal(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.memberLookup((');
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    this._emit(node.dot ? ', true)' : ', false)');
  }

  compileOr(node: AnyNode, frame: AnyNode): void {
    this.lazyBinary('pyOr', node, frame);
  }

  compileAnd(node: AnyNode, frame: AnyNode): void {
    this.lazyBinary('pyAnd', node, frame);
  }

  lazyBinary(fn: string, node: AnyNode, frame: AnyNode): void {
    this._emit(`runtime.${fn}(`);
    this.compile(node.left, frame);
    this._emit(', () => (');
    this.compile(node.right, frame);
    this._emit('))');
  }

  compileNot(node: AnyNode, frame: AnyNode): void {
    this._emit('!runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compileNeg(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.pyNeg(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compileInlineIf(node: AnyNode, frame: AnyNode): void {
    this._emit('(runtime.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? (');
    this.compile(node.body, frame);
    this._emit(') : (');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit(`runtime.noElse(${String(node.lineno + 1)})`);
    this._emit('))');
  }

  compileIf(node: AnyNode, frame: AnyNode, async: boolean): void {
    if (!node.__pyTruth) {
      node.cond = this.truth(node.cond);
      node.__pyTruth = true;
    }
    super.compileIf(node, frame, async);
  }

  compileCompare(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.compareChain(');
    this.compile(node.expr, frame);
    this._emit(', [');
    node.ops.forEach((op: AnyNode) => {
      this._emit(`${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
      this._emit(', ');
    });
    this._emit('])');
  }

  compileGroup(node: AnyNode, frame: AnyNode): void {
    // (a, b) is a tuple in Jinja; nunjucks would emit JS's comma operator
    if (node.children.length > 1) this._compileAggregate(node, frame, 'runtime.tuple([', '])');
    else this._compileAggregate(node, frame, '(', ')');
  }

  compileIs(node: AnyNode, frame: AnyNode): void {
    const right = node.right;
    const name = right instanceof nodes.FunCall ? right.name.value : right.value;
    this._emit(`env.getTest(${JSON.stringify(String(name))}).call(context, `);
    this.compile(node.left, frame);
    if (right instanceof nodes.FunCall && right.args.children.length) this._compileAggregate(right.args, frame, ', ', '');
    this._emit(') === true');
  }

  compileDict(node: AnyNode, frame: AnyNode): void {
    if (node instanceof nodes.KeywordArgs) {
      super.compileDict(node, frame);
      return;
    }
    this._emit('runtime.makeDict([');
    node.children.forEach((pair: AnyNode) => {
      this.compile(pair.key, frame);
      this._emit(', ');
      this._compileExpression(pair.value, frame);
      this._emit(', ');
    });
    this._emit('])');
  }

  // Templates named by include/import/extends are found by the runtime in the
  // render's search path (template-loader.ts), not by a nunjucks loader.
  _compileGetTemplate(node: AnyNode, frame: AnyNode, _eager: boolean, ignoreMissing: boolean): string {
    const id = this._tmpid() as string;
    this._emit('runtime.getTemplate(context, ');
    this._compileExpression(node.template, frame);
    this._emitLine(`, ${ignoreMissing ? 'true' : 'false'}, ${this._makeCallback(id) as string}`);
    return id;
  }

  compileInclude(node: AnyNode, frame: AnyNode): void {
    const id = this._tmpid() as string;
    this._emit('runtime.includeTemplate(context, frame, ');
    this._compileExpression(node.template, frame);
    this._emitLine(`, ${node.ignoreMissing ? 'true' : 'false'}, ${node.withoutContext ? 'false' : 'true'}, ${this._makeCallback(id) as string}`);
    this._emitLine(`${this.buffer as string} += runtime.emitData(${id});`);
    this._addScopeLevel();
  }

  compileOutput(node: AnyNode, frame: AnyNode): void {
    for (const child of node.children as AnyNode[]) {
      if (child instanceof nodes.TemplateData) {
        if (child.value) {
          this._emit(`${this.buffer as string} += runtime.emitData(`);
          this.compileLiteral(child, frame);
          this._emitLine(');');
        }
      } else {
        this._emit(`${this.buffer as string} += runtime.emit(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }
}
for (const [type, fn] of Object.entries(BINARY)) {
  (JinjaCompiler.prototype as Record<string, unknown>)[`compile${type}`] = function (
    this: AnyNode,
    node: AnyNode,
    frame: AnyNode,
  ): void {
    this._emit(`runtime.${fn}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}

export interface CompiledTemplate {
  root: (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, res?: string) => void) => void;
  [block: string]: unknown;
}

const LEX_OPTS = { trimBlocks: true, lstripBlocks: false, autoescape: false };

/** The JS code nunjucks' parser and code generator (as changed here) make of Jinja text. */
export function templateCode(src: string, name: string): string {
  const p = new (JinjaParser as AnyClass)(jinjaTokens(src, LEX_OPTS));
  const ast = p.parseAsRoot();
  markFoldedNonFinite(ast);
  const c = new (JinjaCompiler as AnyClass)(name, false);
  c.compile(ast);
  return c.getCode() as string;
}

/** Compile Jinja text (already preprocessed) to nunjucks' root render function. */
export function compileTemplate(src: string, name: string): CompiledTemplate {
  try {
    // Plain `{{ name }}` placeholders: the same rendering, without the cold compiler or new code.
    const parts = simpleTemplateParts(src);
    if (parts) return simpleRoot(parts) as CompiledTemplate;
    const store = templateCodeStore();
    let code = store?.get(name, src);
    if (code === undefined) {
      code = templateCode(src, name);
      store?.set(name, src, code);
    }
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function(code)() as CompiledTemplate;
  } catch (err) {
    let msg = err instanceof Error ? err.message : String(err);
    msg = msg.replace(/^\([^)]*\)\s*(\[[^\]]*\])?\s*/, '').trim();
    throw new Error(msg);
  }
}
