// Run by `npm run build` after build-validators: bundles the CLI, its
// libraries and the precompiled option validators into one CommonJS script,
// dist/bundle/tsplay.cjs, which bin/tsplay.js runs from V8's code cache
// (src/bundle-loader.ts). Compiling ~400 modules' JavaScript was most of
// tsplay's start-up and, lazily, a fifth of its time during tasks.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { VALIDATORS_DIR } from './module-validators.js';
import { BUNDLE_FILE } from './bundle-loader.js';

const DIST = dirname(dirname(fileURLToPath(import.meta.url)));

const validators = readdirSync(VALIDATORS_DIR).filter((f) => f.endsWith('.cjs'));
const entry = [
  `export { main } from './src/cli.js';`,
  `export { interrupt } from './src/interrupt.js';`,
  `export { useTemplateCodeStore, saveTemplateCodeStore } from './src/templating/code-store.js';`,
  `import { useBundledValidators } from './src/module-validators.js';`,
  `useBundledValidators({`,
  ...validators.map((f) => `  ${JSON.stringify(f.replace(/\.cjs$/, ''))}: require(${JSON.stringify(`./validators/${f}`)}),`),
  `});`,
].join('\n');

rmSync(dirname(BUNDLE_FILE), { recursive: true, force: true });
await build({
  stdin: { contents: entry, resolveDir: DIST, sourcefile: 'bundle-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: BUNDLE_FILE,
  // ssh2 loads a native addon; it is required from node_modules at run time.
  external: ['ssh2', 'cpu-features'],
  // The sources find files next to themselves (validators, roles) through
  // import.meta.url; in the bundle that is the bundle's own location, which
  // sits at the same depth under dist/ as the sources.
  banner: { js: `const import_meta_url = require('node:url').pathToFileURL(__filename).href;` },
  define: { 'import.meta.url': 'import_meta_url' },
  logLevel: 'warning',
});
