#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm ci builds it through `prepare`).
import { main } from '../dist/src/cli.js';
import { interrupt } from '../dist/src/interrupt.js';

// Ctrl-C closes every connection cleanly, then exits 99 as ansible-playbook does.
process.on('SIGINT', () => void interrupt());
main(process.argv).then((code) => process.exit(code));
