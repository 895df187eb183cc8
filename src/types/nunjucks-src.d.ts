// nunjucks' internal modules (lexer, parser, compiler, nodes, runtime), which
// its public typings leave out. Each is a CommonJS module object.
declare module 'nunjucks/src/lexer.js' {
  const lexer: any;
  export default lexer;
}
declare module 'nunjucks/src/parser.js' {
  const parser: any;
  export default parser;
}
declare module 'nunjucks/src/compiler.js' {
  const compiler: any;
  export default compiler;
}
declare module 'nunjucks/src/nodes.js' {
  const nodes: any;
  export default nodes;
}
declare module 'nunjucks/src/runtime.js' {
  const runtime: Record<string, any>;
  export default runtime;
}
