// The runs of wrap.test.ts: a playbook whose warnings and deprecation are long,
// on pseudo-terminals of several widths and into a pipe; ansible-playbook's
// side of each is recorded (wrap.json, `npm run record-ansible -- wrap`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../cli-helpers.js';
import { ansibleRuns } from '../recorded-runs.js';
import { inPipe, onTerminal, type Env, type Run } from './run-on.js';

export const dir = mkdtempSync(join(tmpdir(), 'tsplay-wrap-'));
const HOSTS = 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';
const INCLUDED = '- debug: {msg: included}\n';
const PLAYBOOK = `- hosts: all,this-is-a-rather-long-host-pattern-that-matches-nothing-at-all,another_long_name_without_hyphens_in_it_really_long_more_and_more_and_more_and_more_and_more
  gather_facts: false
  tasks:
    - include: inc.yml
`;
writeFileSync(join(dir, 'hosts'), HOSTS);
writeFileSync(join(dir, 'inc.yml'), INCLUDED);
writeFileSync(join(dir, 'site.yml'), PLAYBOOK);

const ARGS = ['-i', join(dir, 'hosts'), join(dir, 'site.yml')];

/** On a terminal `cols` wide, or into a pipe with `env`. */
type Spec = { cols: number; args: string[] } | { env: Env; args: string[] };

export const COLUMNS = [60, 120, 200];
/** The runs compared with ansible-playbook's, by name. */
export const RUNS: Record<string, Spec> = {
  ...Object.fromEntries(COLUMNS.map((cols) => [`${cols} columns`, { cols, args: ARGS }])),
  'into a pipe': { env: { ANSIBLE_FORCE_COLOR: '1' }, args: ARGS },
};

/** The run as `spec` says, by tsplay or by ansible-playbook. */
export function runAs(tool: 'tsplay' | 'ansible', spec: Spec): Run {
  const command = [...(tool === 'tsplay' ? [process.execPath, CLI, 'run'] : ['ansible-playbook']), ...spec.args];
  return 'cols' in spec ? onTerminal(command, spec.cols) : inPipe(command, spec.env);
}

export const wrapRuns = ansibleRuns<Spec, Run>('wrap', import.meta.dirname, {
  tmp: dir,
  inputs: [HOSTS, INCLUDED, PLAYBOOK],
  runs: RUNS,
  live: (spec) => runAs('ansible', spec),
});
