// `npm test`'s first step: runs `npm run build` unless dist/ is newer than
// everything the build reads. `npm ci` has just built it (prepare) on a fresh
// machine, and a second build was ~15 s of every test run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The build's last step writes the bundle's id (src/build/build-bundle.ts).
const BUILT = join(ROOT, 'dist', 'bundle', 'tsplay.cjs.id');
const INPUTS = ['src', 'modules', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
const changed = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
if (built > changed) {
  console.log('dist/ is newer than its sources: not rebuilt');
} else {
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
