#!/usr/bin/env node
// Entry point: runs the bundled CLI (npm ci builds it through `prepare`) from
// V8's code cache, which it refreshes when the run ends (src/bundle-loader.ts).
import { BUNDLE_FILE, codeCacheDir, loadBundle } from '../dist/src/bundle-loader.js';

const bundle = loadBundle(BUNDLE_FILE, codeCacheDir());
const { main, interrupt } = bundle.exports;
process.once('exit', () => bundle.saveCache());
// Ctrl-C closes every connection cleanly, then exits 99 as ansible-playbook does.
process.on('SIGINT', () => void interrupt());
main(process.argv).then((code) => process.exit(code));
