// A booted lab as the acceptance tests use it: a HOME holding the lab's
// known_hosts, the built CLI run asynchronously (so a test can act while a play
// runs), commands on the hosts, and the recap parser. Free of vitest, so that
// scripts (test/record-ansible.ts) can use it too; helpers.ts ties it to a
// test file's hooks.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootLab, type BootOptions, type Lab } from '../lab/lab.js';
import { CLI } from '../cli-helpers.js';

export interface LabContext {
  lab: Lab;
  /** A temp directory for this file's playbooks and inventories (removed in afterAll). */
  dir: string;
  /** A HOME whose .ssh/known_hosts holds the lab's host keys. */
  home: string;
  /** Runs tsplay with HOME=home (and `env` on top). */
  tsplay(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Writes a file under `dir` and returns its path. */
  write(name: string, text: string): string;
  address(host: string): string;
  /** lab.exec that throws unless the command exits 0; returns stdout. */
  sh(host: string, command: string): Promise<string>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the stdout seen so far, on every chunk. */
  onStdout?: (soFar: string) => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; kills it (by its own pid) after the timeout. Nothing is inherited but the env given. */
export function runProgram(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(cmd, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      stderr += `\n[test] killed after ${options.timeoutMs ?? 90_000} ms\n`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 90_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * A `run` with a connect timeout (-T) of 60 s unless the test sets one: a
 * loaded 2-core machine, booting hosts beside it, can take longer than the
 * default 10 s to open a connection, and a test must not see a host that is up
 * as unreachable.
 */
export function withConnectTimeout(args: string[]): string[] {
  const set = args.some((a) => a === '-T' || a.startsWith('--timeout'));
  return args[0] === 'run' && !set ? [...args, '-T', '60'] : args;
}

/** Boots a lab of `hosts` hosts (with `boot`'s options) and wraps it; `close` destroys it and removes `dir` (also when boot failed half-way). */
export async function openLabContext(hosts: number, boot: Omit<BootOptions, 'hosts'> = {}): Promise<{ ctx: LabContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-it-'));
  let lab: Lab | undefined;
  const close = async (): Promise<void> => {
    try {
      await lab?.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    lab = await bootLab({ ...boot, hosts });
    const booted = lab;
    copyFileSync(booted.knownHostsFile, join(home, '.ssh', 'known_hosts'));
    const ctx: LabContext = {
      lab: booted,
      dir,
      home,
      tsplay: (args: string[], options: RunOptions = {}) =>
        runProgram(process.execPath, [CLI, ...withConnectTimeout(args)], {
          ...options,
          env: { HOME: home, SSH_AUTH_SOCK: undefined, ANSIBLE_HOST_KEY_CHECKING: undefined, ...options.env },
        }),
      write: (name: string, text: string) => {
        const file = join(dir, name);
        writeFileSync(file, text);
        return file;
      },
      address: (host: string) => {
        const h = booted.hosts.find((x) => x.name === host);
        if (!h) throw new Error(`no lab host ${host}`);
        return h.address;
      },
      sh: async (host: string, command: string) => {
        const r = await booted.exec(host, command);
        if (r.code !== 0) throw new Error(`on ${host}: ${command}: exit ${r.code}: ${r.stderr}`);
        return r.stdout;
      },
    };
    return { ctx, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export type Recap = Record<string, Record<string, number>>;

/** PLAY RECAP counts by host. */
export function recap(stdout: string): Recap {
  const out: Recap = {};
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return out;
  for (const m of stdout.slice(at).matchAll(/^(\S+)\s+: (ok=.*)$/gm)) {
    out[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return out;
}

/** The message shown to the user for a failed run. */
export const show = (r: RunResult): string => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
