// Vault data on standard input with the password asked for: the password comes
// from the controlling terminal (as ansible-vault's getpass does), so that the
// whole of stdin stays data. Run on a pseudo-terminal, side by side with
// ansible-vault given the same answers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cliCommand, hasScript, runOnTerminal } from '../cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const passwordFile = join(dir, 'password');
writeFileSync(passwordFile, 'pw\n');
const DATA = 'first line of the data\nsecond line\n';
const dataFile = join(dir, 'data.txt');
writeFileSync(dataFile, DATA);

const hasAnsibleVault = spawnSync('ansible-vault', ['--version']).status === 0;
const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
const vaultCommand = (tool: 'tsplay' | 'ansible', args: string[]) => (tool === 'tsplay' ? cliCommand(['vault', ...args]) : ['ansible-vault', ...args].map(quote).join(' '));

/** The plain text of a vaulted file, opened with the password file by ansible-vault or tsplay. */
function decrypted(file: string): string {
  const view = ['view', '--vault-password-file', passwordFile, file];
  const r = hasAnsibleVault ? spawnSync('ansible-vault', view, { encoding: 'utf8' }) : spawnSync(process.execPath, [CLI, 'vault', ...view], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const tools = (hasAnsibleVault || process.env.CI === 'true' ? ['tsplay', 'ansible'] : ['tsplay']) as Array<'tsplay' | 'ansible'>;

describe.skipIf(!hasScript && process.env.CI !== 'true')('vault: data on stdin, password from the terminal', () => {
  for (const tool of tools) {
    it(`${tool}: encrypt then decrypt through pipes, asking on the terminal`, async () => {
      const vaulted = join(dir, `${tool}.vault`);
      const encryptOut = await runOnTerminal(`cat ${quote(dataFile)} | ${vaultCommand(tool, ['encrypt', '--ask-vault-pass', '--output', vaulted])}`, [
        ['New Vault password: ', 'pw\r'],
        ['Confirm New Vault password: ', 'pw\r'],
      ]);
      expect(encryptOut).toContain('Encryption successful');
      expect(readFileSync(vaulted, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
      expect(decrypted(vaulted)).toBe(DATA);

      const plain = join(dir, `${tool}.plain`);
      const decryptOut = await runOnTerminal(`cat ${quote(vaulted)} | ${vaultCommand(tool, ['decrypt', '--ask-vault-pass', '--output', plain])}`, [['Vault password: ', 'pw\r']]);
      expect(decryptOut).toContain('Decryption successful');
      expect(readFileSync(plain, 'utf8')).toBe(DATA);
    });
  }
});
