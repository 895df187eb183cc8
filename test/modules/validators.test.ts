// The precompiled option validators `npm run build` writes (ajv standalone code)
// must accept, coerce, default and reject exactly as the validators ajv
// compiles at run time do.
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { findModule, moduleNames } from '../../modules/index.js';
import { compileValidator, standaloneSource } from '../../src/module-validators.js';

function loadSource(source: string): { validate: ValidateFunction; fingerprint: string } {
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'module', source)(module.exports, module);
  return module.exports as { validate: ValidateFunction; fingerprint: string };
}

/** Options to try: every option with a right, a coercible and a wrong value, plus unknown and empty. */
function samples(properties: Record<string, Record<string, unknown>>): Record<string, unknown>[] {
  const values = [
    'x', '', 'yes', 'no', '5', '0644', 5, 0, 1.5, true, false, null, ['a'], [1, 2], { k: 'v' }, [],
  ];
  const out: Record<string, unknown>[] = [{}, { bogus_option: 1 }];
  for (const [name, prop] of Object.entries(properties)) {
    for (const v of values) out.push({ [name]: structuredClone(v) });
    if (Array.isArray(prop.enum)) for (const e of prop.enum) out.push({ [name]: e });
  }
  out.push(Object.fromEntries(Object.keys(properties).map((k) => [k, 'x'])));
  return out;
}

function run(validate: ValidateFunction, input: Record<string, unknown>) {
  const data = structuredClone(input);
  const ok = validate(data);
  const errors = (validate.errors ?? []).map((e) => ({ ...e }));
  return { ok, data, errors: ok ? [] : errors };
}

describe('precompiled option validators', () => {
  for (const name of moduleNames()) {
    it(`${name}: same results as ajv.compile`, () => {
      const module = findModule(name)!;
      const pre = loadSource(standaloneSource(module));
      const compiled = compileValidator(module);
      expect(typeof pre.fingerprint).toBe('string');
      for (const input of samples(module.schema.properties)) {
        expect(run(pre.validate, input), JSON.stringify(input)).toEqual(run(compiled, input));
      }
    });
  }
});
