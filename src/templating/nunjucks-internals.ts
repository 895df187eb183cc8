// The parts of nunjucks' internals (parser, compiler, runtime) this layer
// builds on. They are not in nunjucks' public typings, hence the loose types.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyNode = any;
export type AnyClass = any;

export const lexer: AnyClass = require('nunjucks/src/lexer');
export const parser: AnyClass = require('nunjucks/src/parser');
export const compiler: AnyClass = require('nunjucks/src/compiler');
export const nodes: AnyClass = require('nunjucks/src/nodes');
export const baseRuntime: Record<string, any> = require('nunjucks/src/runtime');
