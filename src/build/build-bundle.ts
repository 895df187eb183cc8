// Run by `npm run build` after build-validators: bundles the CLI, its
// libraries and the precompiled option validators into one CommonJS script,
// dist/bundle/tsplay.cjs, which bin/tsplay.js runs from V8's code cache
// (src/bundle-loader.ts). Compiling ~400 modules' JavaScript was most of
// tsplay's start-up and, lazily, a fifth of its time during tasks.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { VALIDATORS_DIR } from '../module-validators.js';
import { BUNDLE_FILE, writeBundleId } from './bundle-loader.js';

const DIST = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

const validators = readdirSync(VALIDATORS_DIR).filter((f) => f.endsWith('.cjs'));
const entry = [
  `export { main } from './src/cli/cli.js';`,
  `export { interrupt } from './src/cli/interrupt.js';`,
  `export { useTemplateCodeStore, saveTemplateCodeStore } from './src/templating/code-store.js';`,
  `export { modulesUsed } from './modules/index.js';`,
  `import { useBundledValidators } from './src/module-validators.js';`,
  `useBundledValidators({`,
  ...validators.map((f) => `  ${JSON.stringify(f.replace(/\.cjs$/, ''))}: require(${JSON.stringify(`./validators/${f}`)}),`),
  `});`,
].join('\n');

/**
 * ssh2 is bundled too (its code then comes from the code cache as well), but
 * its native addons are loaded from node_modules at run time, by package path,
 * wherever npm put ssh2. Its packet code gets node's crypto with a pooled
 * randomFillSync (src/connection/ssh2-crypto.ts).
 */
const ssh2Plugin: Plugin = {
  name: 'ssh2',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const absolute = join(args.resolveDir, args.path);
      const at = absolute.lastIndexOf('/node_modules/');
      if (at < 0) throw new Error(`native addon outside node_modules: ${absolute}`);
      return { path: absolute.slice(at + '/node_modules/'.length), external: true };
    });
    b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/.test(args.importer) ? { path: 'ssh2-crypto', namespace: 'ssh2-crypto' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'ssh2-crypto' }, () => ({
      contents: `module.exports = require('./src/connection/ssh2-crypto.js').ssh2Crypto;`,
      resolveDir: DIST,
      loader: 'js',
    }));
  },
};

rmSync(dirname(BUNDLE_FILE), { recursive: true, force: true });
await build({
  stdin: { contents: entry, resolveDir: DIST, sourcefile: 'bundle-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Code with non-ASCII characters written as escapes (see below).
  charset: 'ascii',
  outfile: BUNDLE_FILE,
  // cpu-features is a native addon (ssh2 asks it whether the CPU has AES).
  external: ['cpu-features'],
  plugins: [ssh2Plugin],
  // The sources find files next to themselves (validators, roles) through
  // import.meta.url; in the bundle that is the bundle's own location, which
  // sits at the same depth under dist/ as the sources.
  banner: { js: `const import_meta_url = require('node:url').pathToFileURL(__filename).href;` },
  define: { 'import.meta.url': 'import_meta_url' },
  logLevel: 'warning',
});
// esbuild writes code in ASCII (charset above) but keeps comments as they
// were: their few other characters become '?', so the file is all ASCII and
// the loader reads it as Latin-1 (src/build/bundle-loader.ts).
const text = readFileSync(BUNDLE_FILE, 'utf8');
const ascii = text.replace(/[^\x00-\x7f]/gu, '?');
if (ascii !== text) writeFileSync(BUNDLE_FILE, ascii);
writeBundleId(BUNDLE_FILE);
