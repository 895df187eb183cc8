// The runs of terminal.test.ts: one playbook on a pseudo-terminal (util-linux
// `script`) or into pipes, and interrupted; each run that tsplay is compared
// with ansible-playbook on is named in RUNS, and ansible's side of it is
// recorded (terminal.json, `npm run record-ansible -- terminal`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../cli-helpers.js';
import { ansibleRuns } from '../recorded-runs.js';
import { quote } from '../../src/host/shell.js';
import { envWith, inPipe as pipe, onTerminal as terminal, type Env, type Run } from './run-on.js';

export const dir = mkdtempSync(join(tmpdir(), 'tsplay-terminal-'));

export const PLAYBOOK = `- hosts: all,nomatch
  gather_facts: false
  tasks:
    - name: ok one
      debug: {msg: hello}
    - name: changed one
      command: "true"
    - name: skipped one
      command: "true"
      when: false
    - name: loop
      command: "echo {{ item }}"
      changed_when: item == 'b'
      loop: [a, b]
    - name: write
      lineinfile: {path: "{{ out }}/f.txt", line: "y", create: true}
    - name: retry
      command: "true"
      register: r
      until: r.rc == 1
      retries: 1
      delay: 0
      ignore_errors: true
    - name: fail ignored
      fail: {msg: boom}
      ignore_errors: true
    - name: rescue
      block:
        - fail: {msg: inner}
      rescue:
        - debug: {msg: rescued}
    - name: final fail
      fail: {msg: boom}
`;
const HOSTS = 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';
const SLOW_PLAYBOOK = '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: wait\n      command: sleep 60\n';
writeFileSync(join(dir, 'hosts'), HOSTS);
writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
writeFileSync(join(dir, 'slow.yml'), SLOW_PLAYBOOK);

export const TSPLAY = [process.execPath, CLI, 'run'];
const ANSIBLE = ['ansible-playbook'];
export const SITE = ['-i', join(dir, 'hosts'), join(dir, 'site.yml'), '--diff'];
export const SLOW = ['-i', join(dir, 'hosts'), join(dir, 'slow.yml')];

/** Times in a command's result change from run to run. */
const steady = (run: Run): Run => ({ ...run, stdout: run.stdout.replace(/"(delta|end|start)": "[^"]*"/g, '"$1": "T"') });

/** The command writing into a fresh out/. */
function withOut(command: string[]): string[] {
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  return [...command, '-e', `out=${join(dir, 'out')}`];
}

/** A run of `command` (with out/) on a pseudo-terminal `cols` wide. */
export const onTerminal = (command: string[], cols: number, env: Env = {}): Run => steady(terminal(withOut(command), cols, env));

/** A run of `command` (with out/) into pipes. */
export const inPipe = (command: string[], env: Env = {}): Run => steady(pipe(withOut(command), env));

/**
 * `child` to its end, interrupted by `interrupt` `delayMs` after its stdout
 * first shows `marker` (its task has started; with the spinner, it spins by then).
 */
export async function interruptedAfter(child: ChildProcess, marker: string, delayMs: number, interrupt: () => void): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!sent && stdout.includes(marker)) {
      sent = true;
      setTimeout(interrupt, delayMs);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** Ctrl-C typed on the terminal while the task runs (the terminal sends SIGINT to the program). */
export async function ctrlC(command: string[], env: Env): Promise<Run> {
  const line = `stty cols 100 rows 40; exec ${command.map(quote).join(' ')}`;
  const child = spawn('script', ['-qec', line, '/dev/null'], { env: envWith(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const run = await interruptedAfter(child, 'TASK [wait]', 2500, () => child.stdin.write('\x03'));
  return { ...run, stdout: run.stdout.replace(/\r\n/g, '\n') };
}

/** SIGINT to a run into pipes while the task runs. */
export function interruptedInPipe(command: string[]): Promise<Run> {
  const child = spawn(command[0]!, command.slice(1), { env: envWith({}), stdio: ['ignore', 'pipe', 'pipe'] });
  return interruptedAfter(child, 'TASK [wait]', 2500, () => child.kill('SIGINT'));
}

/** How a compared run is made; `args` follow the tool's command. */
export type Spec =
  | { on: 'terminal'; cols: number; env: Env; args: string[] }
  | { on: 'pipe'; env: Env; args: string[] }
  | { on: 'terminal, Ctrl-C'; env: Env; args: string[] }
  | { on: 'pipe, SIGINT'; args: string[] };

const onColumns = (cols: number, env: Env = {}): Spec => ({ on: 'terminal', cols, env, args: SITE });

/** The runs compared with ansible-playbook's, by name. */
export const RUNS: Record<string, Spec> = {
  '120 columns': onColumns(120),
  '60 columns': onColumns(60),
  'NO_COLOR=1': onColumns(100, { NO_COLOR: '1' }),
  'ANSIBLE_NOCOLOR=true': onColumns(100, { ANSIBLE_NOCOLOR: 'true' }),
  'TERM=dumb': onColumns(100, { TERM: 'dumb' }),
  'TERM=vt100 (terminfo: no colours)': onColumns(100, { TERM: 'vt100' }),
  'no TERM': onColumns(100, { TERM: null }),
  'ANSIBLE_FORCE_COLOR into a pipe': { on: 'pipe', env: { ANSIBLE_FORCE_COLOR: '1' }, args: SITE },
  'Ctrl-C': { on: 'terminal, Ctrl-C', env: {}, args: SLOW },
  'SIGINT into a pipe': { on: 'pipe, SIGINT', args: SLOW },
};

/** The run as `spec` says, by tsplay or by ansible-playbook. */
export function runAs(tool: 'tsplay' | 'ansible', spec: Spec): Run | Promise<Run> {
  const command = [...(tool === 'tsplay' ? TSPLAY : ANSIBLE), ...spec.args];
  switch (spec.on) {
    case 'terminal':
      return onTerminal(command, spec.cols, spec.env);
    case 'pipe':
      return inPipe(command, spec.env);
    case 'terminal, Ctrl-C':
      return ctrlC(command, spec.env);
    case 'pipe, SIGINT':
      return interruptedInPipe(command);
  }
}

export const terminalRuns = ansibleRuns<Spec, Run>('terminal', import.meta.dirname, {
  tmp: dir,
  inputs: [PLAYBOOK, HOSTS, SLOW_PLAYBOOK],
  runs: RUNS,
  live: (spec) => runAs('ansible', spec),
});
