// Run by `npm run build` after tsc: writes every module's option validator to
// dist/validators/<module>.cjs (see module-validators.ts for why).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findModule, moduleNames } from '../../modules/index.js';
import { VALIDATORS_DIR, standaloneSource } from '../module-validators.js';

rmSync(VALIDATORS_DIR, { recursive: true, force: true });
mkdirSync(VALIDATORS_DIR, { recursive: true });
for (const name of moduleNames()) {
  writeFileSync(join(VALIDATORS_DIR, `${name}.cjs`), standaloneSource(findModule(name)!));
}
