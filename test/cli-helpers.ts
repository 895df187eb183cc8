// Running the built CLI (dist/) as a user would, for end-to-end tests.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
export const CLI = join(ROOT, 'bin', 'tsplay.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tsplay(args: string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
