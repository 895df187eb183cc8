// The parts of nunjucks' internals (parser, compiler, runtime) this layer
// builds on. They are not in nunjucks' public typings, hence the loose types
// (src/types/nunjucks-src.d.ts). Static imports, so that the bundle (see
// src/build-bundle.ts) carries them too.
import lexerModule from 'nunjucks/src/lexer.js';
import parserModule from 'nunjucks/src/parser.js';
import compilerModule from 'nunjucks/src/compiler.js';
import nodesModule from 'nunjucks/src/nodes.js';
import runtimeModule from 'nunjucks/src/runtime.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyNode = any;
export type AnyClass = any;

export const lexer: AnyClass = lexerModule;
export const parser: AnyClass = parserModule;
export const compiler: AnyClass = compilerModule;
export const nodes: AnyClass = nodesModule;
export const baseRuntime: Record<string, any> = runtimeModule;
