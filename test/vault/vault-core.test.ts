// The vault format, opening it with the run's secrets, and `!vault` / vaulted
// files in the YAML loader (no CLI: see vault-cli.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VaultPasswordMismatch, decryptPayload, encryptVault, isVaultText, parseEnvelope } from '../../src/vault/envelope.js';
import { VaultError, openVault, setVaultSecrets } from '../../src/vault/secrets.js';
import { loadYamlFile, parseYaml } from '../../src/yaml-source.js';
import { decryptIfVaulted } from '../../src/vault/controller-file.js';
import { ModuleFailure } from '../../src/module-api/module-types.js';
import { ROOT } from '../cli-helpers.js';

const CASE = join(ROOT, 'test/differential/cases/106-vault');
const pw = (s: string) => Buffer.from(s);

afterEach(() => setVaultSecrets([]));

describe('vault envelope', () => {
  it('writes 1.1 without a label (or with `default`), 1.2 with one, 80 columns a line', () => {
    const plain = 'x'.repeat(300);
    for (const [id, header] of [
      [undefined, '$ANSIBLE_VAULT;1.1;AES256'],
      ['default', '$ANSIBLE_VAULT;1.1;AES256'],
      ['lab', '$ANSIBLE_VAULT;1.2;AES256;lab'],
    ] as const) {
      const text = encryptVault(plain, pw('p'), id);
      const lines = text.split('\n');
      expect(lines[0]).toBe(header);
      expect(text.endsWith('\n')).toBe(true);
      expect(lines.slice(1, -2).every((l) => l.length === 80)).toBe(true);
      expect(decryptPayload(parseEnvelope(text), pw('p')).toString()).toBe(plain);
    }
  });

  it('salts every encryption, and pads whole blocks (empty and 16-byte texts too)', () => {
    expect(encryptVault('same', pw('p'))).not.toBe(encryptVault('same', pw('p')));
    for (const plain of ['', 'a'.repeat(16), 'é ünïcode\n']) {
      expect(decryptPayload(parseEnvelope(encryptVault(plain, pw('p'))), pw('p')).toString()).toBe(plain);
    }
  });

  it('refuses a wrong password by the HMAC', () => {
    const text = encryptVault('secret', pw('right'));
    expect(() => decryptPayload(parseEnvelope(text), pw('wrong'))).toThrow(VaultPasswordMismatch);
  });

  it('opens what the real ansible-vault wrote (a recorded 1.1 file)', () => {
    const text = readFileSync(join(CASE, 'vars/secret.yml'), 'utf8');
    expect(isVaultText(text)).toBe(true);
    expect(decryptPayload(parseEnvelope(text), pw('default-pass')).toString()).toContain('db_password: "s3cr3t: with colon"');
  });

  it('reads a 1.2 header label', () => {
    const text = readFileSync(join(CASE, 'vars/included.yml'), 'utf8');
    expect(parseEnvelope(text)).toMatchObject({ version: '1.2', cipher: 'AES256', vaultId: 'lab' });
  });
});

describe('opening vault text with the secrets', () => {
  const text = encryptVault('hello', pw('p2'), 'two');

  it('tries the labelled secret first, then every other one', () => {
    const opened = openVault(text, 'f', undefined, [
      { id: 'one', password: pw('p1') },
      { id: 'two', password: pw('p2') },
    ]);
    expect(opened).toMatchObject({ id: 'two' });
    expect(opened.plaintext.toString()).toBe('hello');
    // a label nobody has: all secrets are tried
    expect(openVault(encryptVault('x', pw('p1'), 'zzz'), 'f', undefined, [{ id: 'one', password: pw('p1') }]).id).toBe('one');
  });

  it('says so without secrets, and when none fits, naming the source', () => {
    expect(() => openVault(text, 'vars/a.yml', undefined, [])).toThrow(/^Attempting to decrypt but no vault secrets found \(vars\/a\.yml/);
    expect(() => openVault(text, 'vars/a.yml', undefined, [{ id: 'two', password: pw('bad') }])).toThrow(
      'Decryption failed (no vault secrets were found that could decrypt) on vars/a.yml',
    );
  });

  it('reports a damaged envelope as a format error', () => {
    expect(() => openVault('$ANSIBLE_VAULT;1.1;AES256\nzz\n', 'f', undefined, [{ id: 'default', password: pw('p') }])).toThrow(
      /vault format error in f/,
    );
  });
});

describe('vault in the YAML loader', () => {
  const inline = (value: string, id?: string) =>
    `a: 1\nsecret: !vault |\n${encryptVault(value, pw('p'), id).trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\nafter: 2\n`;

  it('decrypts a `!vault` value to its text, never its ciphertext', () => {
    setVaultSecrets([{ id: 'default', password: pw('p') }]);
    expect(parseYaml(inline('the value'), 'v.yml')).toEqual({ a: 1, secret: 'the value', after: 2 });
    expect(parseYaml(`list:\n  - !vault |\n${encryptVault('in a list', pw('p')).trimEnd().split('\n').map((l) => `      ${l}`).join('\n')}\n`, 'l.yml')).toEqual({
      list: ['in a list'],
    });
  });

  it('a `!vault` value without a password is an error at its line, not text', () => {
    try {
      parseYaml(inline('the value'), 'v.yml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VaultError);
      expect((e as VaultError).message).toMatch(/^Attempting to decrypt but no vault secrets found \(v\.yml, line 2/);
      expect((e as VaultError).location).toMatchObject({ file: 'v.yml', line: 2 });
      expect((e as VaultError).exitCode).toBe(1);
    }
    setVaultSecrets([{ id: 'default', password: pw('wrong') }]);
    expect(() => parseYaml(inline('the value', 'lab'), 'v.yml')).toThrow('Decryption failed (no vault secrets were found that could decrypt) on v.yml, line 2');
  });

  it('loads a vaulted YAML file (1.1 and 1.2) as its decrypted YAML', () => {
    setVaultSecrets([
      { id: 'default', password: pw('default-pass') },
      { id: 'lab', password: pw('lab-pass') },
    ]);
    expect(loadYamlFile(join(CASE, 'vars/secret.yml'))).toEqual({ db_password: 's3cr3t: with colon', api_tokens: ['alpha', 'beta'] });
    expect(loadYamlFile(join(CASE, 'vars/included.yml'))).toEqual({ included_secret: 'came through include_vars' });
    expect(loadYamlFile(join(CASE, 'vars/inline.yml'))).toEqual({ inline_secret: 'inline value from a vars file', plain_in_inline: 'visible' });
  });

  it('a vaulted file without the right password names the file and where it was asked for', () => {
    const from = { file: 'playbook.yml', line: 7, col: 5 };
    setVaultSecrets([{ id: 'default', password: pw('nope') }]);
    try {
      loadYamlFile(join(CASE, 'vars/secret.yml'), from);
      expect.unreachable();
    } catch (e) {
      expect((e as VaultError).message).toBe(`Decryption failed (no vault secrets were found that could decrypt) on ${join(CASE, 'vars/secret.yml')}`);
      expect((e as VaultError).location).toEqual(from);
    }
  });

  it('controller files (copy/template sources) are decrypted unless decrypt is false; a failure is the task\'s', () => {
    const data = readFileSync(join(CASE, 'files/secret.conf'));
    expect(() => decryptIfVaulted(data, 'secret.conf')).toThrow(new ModuleFailure('A vault password or secret must be specified to decrypt secret.conf'));
    setVaultSecrets([{ id: 'default', password: pw('default-pass') }]);
    expect(decryptIfVaulted(data, 'secret.conf').toString()).toBe('line one of a secret file\npassword = hunter2\n');
    expect(decryptIfVaulted(data, 'secret.conf', false)).toBe(data);
    expect(decryptIfVaulted(Buffer.from('plain'), 'p')).toEqual(Buffer.from('plain'));
    setVaultSecrets([{ id: 'default', password: pw('wrong') }]);
    expect(() => decryptIfVaulted(data, 'secret.conf')).toThrow(ModuleFailure);
  });
});
