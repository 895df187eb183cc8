// A role param written in the playbook that breaks the role's argument spec
// stops the run at load: file:line:col, exit 4, and no host touched.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { stackTraceIn } from '../differential/harness.js';
import { tsplay } from '../cli-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it.each([
  ['a literal param of the wrong type', '      app_port: eighty\n', /argument 'app_port' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int/, 'site.yml:6:7'],
  ['an unknown param', '      app_port: 1\n      app_colour: red\n', /app_colour. Supported parameters include: app_port/, 'site.yml:7:7'],
])('%s', (_name, params, message, at) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bad-argspec-'));
  dirs.push(dir);
  const canary = join(dir, 'canary');
  const files: Record<string, string> = {
    'site.yml': `- hosts: all\n  pre_tasks:\n    - file: path=${canary} state=touch\n  roles:\n    - role: app\n${params}`,
    'roles/app/tasks/main.yml': '- debug: msg=hi\n',
    'roles/app/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      app_port: { type: int, required: true }\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const res = tsplay(['run', 'site.yml', '-c', 'local', '-i', 'localhost,'], { cwd: dir });
  expect(res.stderr).toMatch(message);
  expect(res.stderr).toContain(`Validation of arguments failed for role 'app' against arg spec 'main'`);
  expect(res.code).toBe(4);
  expect(res.stderr).toContain(join(dir, at));
  expect(stackTraceIn(res.stdout + res.stderr)).toBeUndefined();
  expect(existsSync(canary)).toBe(false);
});
