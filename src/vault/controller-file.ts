// A controller file a task sends (copy/template/script/assemble source): a
// vaulted one is decrypted here, in memory, unless the task says `decrypt: false`.
import { readFileSync } from 'node:fs';
import { ModuleFailure } from '../module-api/module-types.js';
import { isVaultText } from './envelope.js';
import { VaultError, openVault, vaultSecrets } from './secrets.js';

export function decryptIfVaulted(data: Buffer, path: string, decrypt = true): Buffer {
  if (!decrypt || !isVaultText(data)) return data;
  if (vaultSecrets().length === 0) throw new ModuleFailure(`A vault password or secret must be specified to decrypt ${path}`);
  try {
    return openVault(data.toString('latin1'), path).plaintext;
  } catch (e) {
    throw e instanceof VaultError ? new ModuleFailure(e.message) : e;
  }
}

export function readControllerFile(path: string, decrypt = true): Buffer {
  return decryptIfVaulted(readFileSync(path), path, decrypt);
}
