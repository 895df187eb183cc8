#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm ci builds it through `prepare`).
import { main } from '../dist/src/cli.js';

process.on('SIGINT', () => process.exit(99));
main(process.argv).then((code) => process.exit(code));
