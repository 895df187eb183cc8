// vars_prompt on a terminal: tsplay runs under `script` (util-linux), which
// gives it a pseudo-terminal; each answer is typed once its question shows.
// What ansible-playbook 2.14 printed and set for the same playbook and answers
// (checked by hand the same way) is what is expected. The path without a
// terminal is compared with Ansible in test/differential/cases/100-vars-prompt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cliCommand, hasScript, runOnTerminal } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-vars-prompt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  vars:
    who: world
  vars_prompt:
    - name: username
      prompt: "Name for {{ who }}"
      private: false
      default: bob
    - name: secret
      prompt: Password
      confirm: true
    - name: hashed
      prompt: Hash me
      encrypt: sha512_crypt
      salt: abcdefgh
    - name: raw
      prompt: Raw
      private: false
      unsafe: true
    - name: given
      prompt: Never asked
  tasks:
    - debug:
        msg: "{{ username }}|{{ secret }}|{{ hashed }}|{{ raw }}|{{ given }}"
`;

it.skipIf(!hasScript && process.env.CI !== 'true')('asks on a terminal: default, hidden answers confirmed until they agree, encrypt, unsafe, -e skips', async () => {
  const playbook = join(dir, 'prompt.yml');
  writeFileSync(playbook, PLAYBOOK);
  const out = await runOnTerminal(
    cliCommand(['run', playbook, '-e', 'given=cli']),
    [
      ['Name for world [bob]: ', '\r'],
      ['Password: ', 'pw1\r'],
      ['confirm Password: ', 'pw2\r'],
      ['***** VALUES ENTERED DO NOT MATCH ****', ''],
      ['Password: ', 'pw1\r'],
      ['confirm Password: ', 'pw1\r'],
      ['Hash me: ', 'x\r'],
      ['Raw: ', '{{ who }}\r'],
    ],
  );
  // The same answers given to ansible-playbook 2.14 print this message.
  expect(out).toContain(
    '"msg": "bob|pw1|$6$abcdefgh$D7W7qyozKBT.t6FD3DVYHvADbIO0eSyI4.p20LaEUjro8PqTGYYo/EQcuNjhFbzo9Yg5ir1KIEqFY/yJpgFph0|{{ who }}|cli"',
  );
  // Hidden answers are not echoed; -e's variable is never asked for.
  expect(out).not.toMatch(/Password: *pw/);
  expect(out).not.toContain('Never asked');
  // The questions come before the play starts.
  expect(out.indexOf('Raw: ')).toBeLessThan(out.indexOf('PLAY [localhost]'));
}, 120_000);
