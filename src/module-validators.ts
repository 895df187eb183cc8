// Where a module's option validator comes from. Compiling the schemas with ajv
// at run time cost ~60-70 ms (plus ~50 ms to load ajv), more than the rest of
// the engine's own work on a 40-task, 3-host playbook. So `npm run build` writes
// each module's validator as ajv standalone code (same schema, same options) to
// dist/validators/<module>.cjs, and the engine loads that file. ajv itself is
// loaded only when no up-to-date precompiled validator exists: running from the
// sources (tests), or a schema changed since the last build (the file records
// the schema and options it was made from, and is ignored if they differ).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import type { Module } from './module-api/module-types.js';

const require = createRequire(import.meta.url);

const AJV_OPTIONS = { allErrors: true, useDefaults: true, coerceTypes: 'array', strict: false } as const;

/** dist/validators when running the build; a directory that does not exist when running the sources. */
export const VALIDATORS_DIR = fileURLToPath(new URL('../validators/', import.meta.url));

/** What a module's options are checked against: its schema, no unknown options. */
function fullSchema(module: Module<any, any>): Record<string, unknown> {
  return { additionalProperties: false, ...module.schema };
}

/** What a precompiled validator was made from; it is used only if this still matches. */
function fingerprint(module: Module<any, any>): string {
  return JSON.stringify({ options: AJV_OPTIONS, schema: fullSchema(module) });
}

function newAjv(extra: Record<string, unknown> = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  return new AjvClass({ ...AJV_OPTIONS, ...extra });
}

let runtimeAjv: Ajv | undefined;

/** A precompiled validator file's exports. */
export interface PrecompiledValidator {
  validate?: ValidateFunction;
  fingerprint?: string;
}

/** The validators the bundle carries (src/build-bundle.ts), by module name. */
let bundled: Record<string, PrecompiledValidator> = {};

export function useBundledValidators(table: Record<string, PrecompiledValidator>): void {
  bundled = table;
}

/** The validator built by `npm run build`, if there is one for this very schema. */
function precompiled(module: Module<any, any>): ValidateFunction | undefined {
  const file = join(VALIDATORS_DIR, `${module.name}.cjs`);
  const loaded = bundled[module.name] ?? (existsSync(file) ? (require(file) as PrecompiledValidator) : undefined);
  if (!loaded) return undefined;
  if (typeof loaded.validate !== 'function' || loaded.fingerprint !== fingerprint(module)) return undefined;
  return loaded.validate;
}

/** The validator compiled now, with ajv. */
export function compileValidator(module: Module<any, any>): ValidateFunction {
  runtimeAjv ??= newAjv();
  return runtimeAjv.compile(fullSchema(module));
}

/** A validator for the module's options: precompiled when possible, else compiled now. */
export function loadValidator(module: Module<any, any>): ValidateFunction {
  return precompiled(module) ?? compileValidator(module);
}

/** The CommonJS source of the module's validator, as the build writes it. */
export function standaloneSource(module: Module<any, any>): string {
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = newAjv({ code: { source: true } });
  ajv.addSchema(fullSchema(module), 'options');
  return `${standaloneCode(ajv, { validate: 'options' })}\nexports.fingerprint = ${JSON.stringify(fingerprint(module))};\n`;
}
