// Development helper, not part of the benchmark: boots N lab hosts (or, with
// --lite, N lite hosts of bench/lite-hosts.ts), writes <dir>/hosts.ini and
// <dir>/home/.ssh/known_hosts, and keeps the hosts up until this process gets
// SIGINT/SIGTERM, then tears them down.
// Usage: vite-node bench/keep-lab.ts -- <dir> [hosts] [--lite]
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootLab } from '../test/lab/lab.js';
import { bootLiteHosts } from './lite-hosts.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const lite = args.includes('--lite');
const [dir, count] = args.filter((a) => a !== '--lite') as [string, string?];
const n = Number(count ?? 3);
const lab = lite ? await bootLiteHosts(n) : await bootLab({ hosts: n, bootTimeoutMs: 120_000 });
mkdirSync(join(dir, 'home', '.ssh'), { recursive: true, mode: 0o700 });
writeFileSync(join(dir, 'home', '.ssh', 'known_hosts'), readFileSync(lab.knownHostsFile));
writeFileSync(join(dir, 'hosts.ini'), lab.inventory);
writeFileSync(join(dir, 'lab.json'), JSON.stringify({ hosts: lab.hosts, keyFile: lab.keyFile, knownHostsFile: lab.knownHostsFile }));
console.log(`lab up: ${lab.hosts.length} hosts; inventory ${join(dir, 'hosts.ini')}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await lab.destroy();
  console.log('lab destroyed');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
