// Running the built CLI (dist/) as a user would, for end-to-end tests.
import { spawn, spawnSync } from 'node:child_process';
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

/** util-linux `script` gives a command a pseudo-terminal (the terminal tests need it). */
export const hasScript = spawnSync('script', ['--version']).status === 0;

/** Quoted for sh: the CLI run with these arguments. */
export function cliCommand(args: string[]): string {
  return [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

/**
 * Runs a shell command on a pseudo-terminal (its controlling terminal), typing
 * each answer once the text before it has shown; resolves the terminal's output.
 */
export function runOnTerminal(command: string, script: [string, string][]): Promise<string> {
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let seen = 0;
  const steps = [...script];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    while (steps.length > 0) {
      const at = out.indexOf(steps[0]![0], seen);
      if (at < 0) break;
      seen = at + steps[0]![0].length;
      child.stdin.write(steps.shift()![1]);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; output so far:\n${out}`));
    }, 90_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out.replace(/\r/g, ''));
    });
  });
}
