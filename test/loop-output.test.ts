// Loops as the user sees them, against what ansible-playbook 2.14 prints.
// with_env: the items are the variables' values, '' for an unset one (checked
// by hand: the environment differs between the differential suite's runners;
// the other lookup loops are compared in test/differential/cases/49-with-lookups).
// debug in a loop: `msg` alone; `var=` with the loop's keys.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tsplay } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-with-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a one-play playbook on localhost with these tasks (YAML lines). */
function runTasks(name: string, tasks: string[], env: Record<string, string> = {}): ReturnType<typeof tsplay> {
  const playbook = join(dir, `${name}.yml`);
  writeFileSync(playbook, ['- hosts: localhost', '  gather_facts: false', '  tasks:', ...tasks, ''].join('\n'));
  return tsplay(['run', playbook], { env });
}

it('loops over environment variables with with_env', () => {
  const res = runTasks('env', ['    - debug: msg="[{{ item }}]"', '      with_env: [TSPLAY_TEST_ONE, TSPLAY_TEST_UNSET]'], { TSPLAY_TEST_ONE: 'one value' });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  // As ansible-playbook prints it: debug's msg alone, and "[]" read back as a list.
  expect(res.stdout).toContain('ok: [localhost] => (item=one value) => {\n    "msg": "[one value]"\n}\nok: [localhost] => (item=) => {\n    "msg": []\n}');
});

it('shows a debug msg alone in a loop, and a debug var with the loop keys, as ansible-playbook does', () => {
  const res = runTasks('debug-loop', ['    - debug: msg="x{{ item }}"', '      with_items: [1]', '    - debug: var=item', '      loop: [2]']);
  expect(res.code).toBe(0);
  // ansible-playbook 2.14's output of the same playbook:
  expect(res.stdout).toContain('ok: [localhost] => (item=1) => {\n    "msg": "x1"\n}\n');
  expect(res.stdout).toContain('ok: [localhost] => (item=2) => {\n    "ansible_loop_var": "item",\n    "item": 2\n}\n');
});
