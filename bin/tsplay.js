#!/usr/bin/env node
// Entry point: runs the bundled CLI (npm ci builds it through `prepare`) from
// V8's code cache, which it refreshes when the run ends (src/build/bundle-loader.ts),
// and keeps the code made of templates for the next run (src/templating/code-store.ts).
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { BUNDLE_FILE, codeCacheDir, loadBundle } from '../dist/src/build/bundle-loader.js';

if (!existsSync(BUNDLE_FILE)) {
  process.stderr.write(`ERROR! tsplay is not built (${BUNDLE_FILE} is missing): run \`npm run build\`\n`);
  process.exit(1);
}
// V8 optimises a function after a budget of work in it; at the default, its
// background compiles of a run's many warm functions took ~20% of tsplay's CPU,
// on cores the hosts' sshds share. A larger budget optimises only what is hot.
setFlagsFromString('--interrupt-budget=600000');
const bundle = loadBundle(BUNDLE_FILE, codeCacheDir());
const { main, interrupt, useTemplateCodeStore, saveTemplateCodeStore, modulesUsed } = bundle.exports;
useTemplateCodeStore(bundle.cacheFileFor('templates.json'));
process.once('exit', () => {
  saveTemplateCodeStore();
  bundle.saveCache(modulesUsed());
});
// Ctrl-C closes every connection cleanly, then exits 99 as ansible-playbook does.
process.on('SIGINT', () => void interrupt());
// Standard output and error into a pipe are written asynchronously: exiting at
// once would drop whatever the pipe has not taken yet (at 1,000 hosts, all but
// the first 64 KiB of a run's output when the reader is slower than the run).
// A reader that has gone (EPIPE, `| head`) leaves nothing to wait for.
const drained = (stream) =>
  new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
main(process.argv).then(async (code) => {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
});
