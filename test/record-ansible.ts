// `npm run record-ansible [-- NAME...]`: runs the installed ansible-playbook on
// the cases the tests compare tsplay with, and records its results in the
// repository (see test/differential/recording.ts). Without names it records
// every case; a name records the cases whose name contains it. The SSH cases
// (named ssh-…) boot lab hosts, which needs root. The runs of test files that
// compare tsplay with ansible-playbook run by run are named after their file
// (terminal, …; see recorded-runs.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseHash, limiter, loadCases, recordingFile, runCaseFully, type CapturedRun } from './differential/harness.js';
import { installedAnsibleCore, writeRecording, type RecordedRun } from './differential/recording.js';
import { recordSshCases, sshCaseNames } from './integration/differential-ssh-cases.js';
import { terminalRuns } from './output/terminal-runs.js';
import { wrapRuns } from './output/wrap-runs.js';
import { recordRuns, removeTmp } from './recorded-runs.js';

const FILE_RUNS = [terminalRuns, wrapRuns];

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const matches = (name: string): boolean => wanted.length === 0 || wanted.some((w) => name.includes(w));

const version = installedAnsibleCore();
if (!version) {
  console.error('record-ansible: ansible-playbook is not installed (install ansible-core)');
  process.exit(1);
}

const strip = ({ ms: _ms, ...run }: CapturedRun): RecordedRun => run;

const localCases = loadCases().filter((c) => matches(c.name));
const sshCases = sshCaseNames().filter(matches);
const fileRuns = FILE_RUNS.filter((set) => matches(set.name));
if (!localCases.length && !sshCases.length && !fileRuns.length) {
  console.error(`record-ansible: no case matches ${wanted.join(', ')}`);
  process.exit(1);
}

const out = mkdtempSync(join(tmpdir(), 'tsplay-record-'));
try {
  const schedule = limiter(Math.max(1, Math.min(4, availableParallelism())));
  await Promise.all(
    localCases.map(async (kase) => {
      const runs = await runCaseFully(kase, 'ansible', out, schedule);
      writeRecording(recordingFile(kase), {
        ansibleCore: version,
        hash: caseHash(kase),
        runs: { run1: strip(runs.run1), run2: strip(runs.run2), check: strip(runs.check), ...(runs.diff ? { diff: strip(runs.diff) } : {}) },
      });
      console.log(`recorded ${kase.name} (exit codes ${runs.run1.code}/${runs.run2.code}/${runs.check.code}${runs.diff ? `/${runs.diff.code}` : ''})`);
    }),
  );
  if (sshCases.length) await recordSshCases(sshCases, version, (line) => console.log(line));
  for (const set of fileRuns) {
    await recordRuns(set, version);
    console.log(`recorded ${set.name} (${Object.keys(set.runs).length} runs)`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
  for (const set of FILE_RUNS) removeTmp(set);
}
