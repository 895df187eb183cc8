// Ansible's results, recorded: `npm run record-ansible [CASE...]` runs the
// installed ansible-core once and keeps what it did (exit code, output and the
// files it produced, with the output and case directories written as OUT and
// CASE) in JSON files in the repository, stamped with ansible-core's version and
// a hash of what was run. The tests compare tsplay with these files instead of
// running ansible-playbook every time; a test fails when the installed
// ansible-core is another version, or a case changed after it was recorded.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Entry } from './harness.js';

/** One run as recorded: paths already written as OUT (output dir) and CASE (case dir). */
export interface RecordedRun {
  code: number;
  stdout: string;
  stderr: string;
  files: Entry[];
}

export interface Recording<Runs> {
  /** ansible-core's version that made it, e.g. "2.14.18". */
  ansibleCore: string;
  /** Hash of what was run (recordingHash); a changed case must be recorded again. */
  hash: string;
  runs: Runs;
}

/** The command that records `name` again, for failure messages. */
export const recordCommand = (name?: string): string => `npm run record-ansible${name ? ` -- ${name}` : ''}`;

let installed: string | null | undefined;

/** The installed ansible-core's version ("2.14.18"), or undefined when ansible-playbook is not installed. */
export function installedAnsibleCore(): string | undefined {
  if (installed === undefined) {
    const r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
    installed = r.status === 0 ? (/\[core ([^\]]+)\]/.exec(r.stdout)?.[1] ?? null) : null;
  }
  return installed ?? undefined;
}

/**
 * A hash of everything that decides what a recorded run does: the given texts
 * (settings, playbooks written by the test) and every file under `dirs`
 * (relative path, content, and whether it is executable: the one mode bit git keeps). Bump RECORDING_FORMAT when what is recorded
 * changes shape.
 */
const RECORDING_FORMAT = 'v1';
export function recordingHash(texts: string[], dirs: string[] = []): string {
  const h = createHash('sha256').update(`${RECORDING_FORMAT}\0`);
  for (const t of texts) h.update(t).update('\0');
  for (const root of dirs) {
    const walk = (d: string): void => {
      for (const name of readdirSync(d).sort()) {
        const p = join(d, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else h.update(`${relative(root, p)}\0${st.mode & 0o111 ? 'x' : '-'}\0`).update(readFileSync(p)).update('\0');
      }
    };
    walk(root);
  }
  return h.digest('hex').slice(0, 20);
}

export function readRecording<Runs>(file: string): Recording<Runs> | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recording<Runs>) : undefined;
}

export function writeRecording<Runs>(file: string, recording: Recording<Runs>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(recording, null, 1) + '\n');
}

/**
 * Why a recording cannot be used as it is, or undefined when it can: missing,
 * made from other inputs, or made by another ansible-core than the installed one
 * (checked only where ansible-core is installed).
 */
export function recordingProblem(name: string, recording: Recording<unknown> | undefined, hash: string): string | undefined {
  if (!recording) return `no recorded ansible-playbook results for ${name}: run \`${recordCommand(name)}\``;
  if (recording.hash !== hash) {
    return `${name} changed after ansible-playbook's results were recorded: run \`${recordCommand(name)}\``;
  }
  return undefined;
}

/** The version problem, if any: recordings stamped with another ansible-core than the installed one. */
export function versionProblem(stamps: Map<string, string>): string | undefined {
  const have = installedAnsibleCore();
  if (!have) return 'ansible-playbook is not installed: cannot check that the recordings match the reference (install ansible-core)';
  const stale = [...stamps].filter(([, v]) => v !== have);
  if (!stale.length) return undefined;
  return (
    `the installed ansible-core is ${have}, but ${stale.length} recording(s) were made with another version ` +
    `(${stale.slice(0, 5).map(([n, v]) => `${n}: ${v}`).join(', ')}${stale.length > 5 ? ', …' : ''}): ` +
    `record them again with \`${recordCommand()}\` and review the changes`
  );
}
