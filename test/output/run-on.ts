// Running a command on a pseudo-terminal (util-linux `script`) or into pipes,
// with a colour terminal's environment: the output tests run tsplay and
// ansible-playbook alike through these.
import { spawnSync } from 'node:child_process';
import { quote } from '../../src/host/shell.js';

/** Settings of the environment; null unsets (JSON keeps null, so a recording's hash sees it). */
export type Env = Record<string, string | null>;

/** The environment of a run: a colour terminal's TERM, no spinner (CI), no colour setting unless given. */
export function envWith(extra: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', CI: '1' };
  for (const k of ['NO_COLOR', 'ANSIBLE_NOCOLOR', 'ANSIBLE_FORCE_COLOR', 'ANSIBLE_CONFIG']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** What a run did; on a terminal, stdout is all the terminal showed (stdout and stderr) and stderr is empty. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `command` run on a pseudo-terminal `cols` wide. */
export function onTerminal(command: string[], cols: number, env: Env = {}): Run {
  const line = `stty cols ${cols} rows 40; exec ${command.map(quote).join(' ')}`;
  const res = spawnSync('script', ['-qec', line, '/dev/null'], { env: envWith(env), encoding: 'utf8', timeout: 120_000, maxBuffer: 10_000_000 });
  return { code: res.status, stdout: res.stdout.replace(/\r\n/g, '\n'), stderr: '' };
}

/** `command` run with stdout and stderr into pipes. */
export function inPipe(command: string[], env: Env = {}): Run {
  const res = spawnSync(command[0]!, command.slice(1), { env: envWith(env), encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
