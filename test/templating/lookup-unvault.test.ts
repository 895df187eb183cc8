// The unvault lookup on a vaulted file: decrypted with the run's vault secrets
// (the recorded cases cover a plain file and a missing one; a recording has no
// vault password).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encryptVault } from '../../src/vault/envelope.js';
import { setVaultSecrets } from '../../src/vault/secrets.js';
import { Templar } from '../../src/templating/templar.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-unvault-'));
afterAll(() => {
  setVaultSecrets([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('lookup unvault', () => {
  const t = new Templar();
  writeFileSync(join(dir, 'secret.txt'), encryptVault('db-password\n', Buffer.from('pw')));
  const render = (s: string) => t.render(s, {}, { searchPaths: [dir] });

  it('reads a vaulted file decrypted, keeping its newline', () => {
    setVaultSecrets([{ id: 'default', password: Buffer.from('pw') }]);
    expect(render("{{ lookup('unvault', 'secret.txt') }}")).toBe('db-password\n');
  });
  it('fails without the right vault secret', () => {
    setVaultSecrets([{ id: 'default', password: Buffer.from('wrong') }]);
    expect(() => render("{{ lookup('unvault', 'secret.txt') }}")).toThrow(/Decryption failed/);
  });
});
