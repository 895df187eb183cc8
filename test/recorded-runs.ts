// Ansible-playbook's runs of a test file that compares tsplay with it run by
// run (terminal, wrapped warnings), recorded as the differential
// suite's are (see differential/recording.ts): `npm run record-ansible -- NAME`
// runs them and writes NAME.json, stamped with ansible-core's version and a hash
// of the run specs and texts that shape them. The test reads that file instead of
// running ansible-playbook, and fails when the runs changed after it was recorded;
// TSPLAY_DIFF_LIVE=1 runs ansible-playbook instead. No vitest here: record-ansible
// imports the runs outside vitest.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { it as vitestIt } from 'vitest';
import { installedAnsibleCore, readRecording, recordingHash, recordingProblem, versionProblem, writeRecording } from './differential/recording.js';

export const LIVE = process.env.TSPLAY_DIFF_LIVE === '1';

/** The runs' temporary directory as the recording writes it (it differs from run to run). */
const TMP = '/TSPLAY-TMP';

/** Ansible's side of a test file's comparisons: each run named, as the test asks for it. */
export interface AnsibleRuns<Spec, Result> {
  /** What `npm run record-ansible -- NAME` records it as. */
  name: string;
  /** Its recording, e.g. test/output/recorded/terminal.json. */
  file: string;
  /** The temporary directory the runs use (playbooks, inventory, output): TMP in the recording and the hash. */
  tmp: string;
  /** Texts that shape every run besides its spec: playbooks, inventory. */
  inputs: string[];
  runs: Record<string, Spec>;
  /** Runs ansible-playbook as `spec` says; what it returns is what is recorded. */
  live(spec: Spec): Result | Promise<Result>;
}

type AnyRuns = AnsibleRuns<unknown, unknown>;

/** The runs called `name`, recorded beside the tests in `here`/recorded/`name`.json. */
export function ansibleRuns<Spec, Result>(name: string, here: string, runs: Omit<AnsibleRuns<Spec, Result>, 'name' | 'file'>): AnsibleRuns<Spec, Result> {
  return { name, file: join(here, 'recorded', `${name}.json`), ...runs };
}

/** `text` with the runs' temporary directory written as TMP, or back (JSON text: the path as JSON writes it). */
const placeTmp = (set: AnyRuns, text: string): string => text.split(JSON.stringify(set.tmp).slice(1, -1)).join(TMP);
const unplaceTmp = (set: AnyRuns, text: string): string => text.split(TMP).join(JSON.stringify(set.tmp).slice(1, -1));

const hashOf = (set: AnyRuns): string => recordingHash([...set.inputs, JSON.stringify(set.runs)].map((t) => placeTmp(set, t)));

/** Runs every run of `set` with the installed ansible-playbook and writes its recording. */
export async function recordRuns(set: AnyRuns, ansibleCore: string): Promise<void> {
  const runs: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(set.runs)) runs[key] = JSON.parse(placeTmp(set, JSON.stringify(await set.live(spec))));
  writeRecording(set.file, { ansibleCore, hash: hashOf(set), runs });
}

/** Removes the runs' temporary directory. */
export const removeTmp = (set: AnyRuns): void => rmSync(set.tmp, { recursive: true, force: true });

/** Why the recording cannot be used, or undefined. */
const problemOf = (set: AnyRuns): string | undefined => recordingProblem(set.name, readRecording(set.file), hashOf(set));

/**
 * Ansible's result of the run named `key`: from the recording (the temporary
 * directory put back; a recording that is not current fails the test asking for it), or live.
 */
export function ansibleResults<Spec, Result>(set: AnsibleRuns<Spec, Result>): (key: string) => Promise<Result> {
  const done = new Map<string, Promise<Result>>();
  return (key) => {
    if (!(key in set.runs)) throw new Error(`${set.name}: no run named ${key}`);
    if (!done.has(key)) done.set(key, LIVE ? Promise.resolve(set.live(set.runs[key]!)) : Promise.resolve().then(() => recorded(set, key)));
    return done.get(key)!;
  };
}

function recorded<Result>(set: AnsibleRuns<unknown, Result>, key: string): Result {
  const problem = problemOf(set as AnyRuns);
  if (problem) throw new Error(problem);
  const recording = readRecording<Record<string, unknown>>(set.file)!;
  if (!(key in recording.runs)) throw new Error(`${set.name}: ${key} is not recorded`);
  return JSON.parse(unplaceTmp(set as AnyRuns, JSON.stringify(recording.runs[key]))) as Result;
}

/** The recording's own tests: made from these runs, and by the installed ansible-core (skipped without one, unless CI). */
export function recordingTests(set: AnyRuns, it: typeof vitestIt): void {
  if (LIVE) return;
  it(`ansible-playbook's runs recorded (${set.file.replace(/.*\/test\//, 'test/')}) for these runs`, () => {
    const problem = problemOf(set);
    if (problem) throw new Error(problem);
  });
  (installedAnsibleCore() || process.env.CI === 'true' ? it : it.skip)('the recording was made by the installed ansible-core', () => {
    const problem = versionProblem(new Map([[set.name, readRecording(set.file)?.ansibleCore ?? 'none']]));
    if (problem) throw new Error(problem);
  });
}
