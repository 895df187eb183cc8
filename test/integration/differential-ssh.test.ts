// Acceptance 2: the differential check over SSH. The playbooks of
// differential-ssh-cases.ts, run by tsplay over SSH against 3 lab hosts, must
// leave the same files (content and mode, read back on the hosts) and report
// the same recap counts and exit code as ansible-playbook did, on a first and a
// second run. Ansible's side is its recorded results (`npm run record-ansible
// -- ssh-`), or a live run under TSPLAY_DIFF_LIVE=1.
// Leaves on its hosts: /srv/diff/tsplay/<case> (and /srv/diff/ansible/<case> live).
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { installedAnsibleCore, recordingProblem, versionProblem } from '../differential/recording.js';
import {
  CASES,
  closeAnsibleMasters,
  observeSsh,
  outDir,
  prepareSshHosts,
  readSshRecording,
  runAnsible,
  sshCaseHash,
  writeSshCaseFiles,
  type SshRun,
} from './differential-ssh-cases.js';
import { useLab } from './helpers.js';

const LIVE = process.env.TSPLAY_DIFF_LIVE === '1';
const inCI = process.env.CI === 'true';

describeLab('differential over SSH: tsplay against ansible-playbook on the same lab hosts', () => {
  const ctx = useLab(3, async (c) => {
    writeSshCaseFiles(c);
    await prepareSshHosts(c);
  });
  // Runs before useLab's afterAll (after-hooks run in reverse order).
  afterAll(async () => {
    if (LIVE && ctx.lab) await closeAnsibleMasters(ctx);
  });

  const tsplay = async (name: string): Promise<SshRun> =>
    observeSsh(
      ctx,
      await ctx.tsplay(['run', `${ctx.dir}/${name}.yml`, '-i', `${ctx.dir}/inventory.ini`, '-e', `out=${outDir('tsplay', name)}`], { cwd: ctx.dir }),
      outDir('tsplay', name),
    );
  const ansible = async (name: string): Promise<SshRun> =>
    observeSsh(ctx, await runAnsible(ctx, name), outDir('ansible', name));

  if (!LIVE) {
    (installedAnsibleCore() || inCI ? it : it.skip)('the recordings were made by the installed ansible-core', () => {
      const stamps = new Map<string, string>();
      for (const name of Object.keys(CASES)) {
        const r = readSshRecording(name);
        if (r) stamps.set(`ssh-${name}`, r.ansibleCore);
      }
      const problem = versionProblem(stamps);
      if (problem) throw new Error(problem);
    });
  }

  for (const name of Object.keys(CASES)) {
    it(`${name}: same files, recap and exit code (first and second run)`, { timeout: 180_000 }, async () => {
      const recording = LIVE ? undefined : readSshRecording(name);
      if (!LIVE) {
        const problem = recordingProblem(`ssh-${name}`, recording, sshCaseHash(name));
        if (problem) throw new Error(problem);
      }
      for (const round of ['first', 'second'] as const) {
        const a = LIVE ? await ansible(name) : recording!.runs[round];
        const t = await tsplay(name);
        const show = `${round} run\n--- ansible ---\n${a.stdout}\n--- tsplay ---\n${t.stdout}`;
        expect(a.stdout, show).toContain('PLAY RECAP');
        expect(t.code, show).toBe(a.code);
        expect(t.recap, show).toEqual(a.recap);
        expect(t.files, `${round} run, files on the hosts\n${show}`).toEqual(a.files);
      }
    });
  }
});
