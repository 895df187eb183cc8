// The vault passwords of this run, and opening vault text with them as Ansible
// does: the secrets labelled as the envelope says first, then all the others.
import { ExitCode, TsplayError, type SourceLocation } from '../errors.js';
import { VaultFormatError, VaultPasswordMismatch, decryptPayload, parseEnvelope } from './envelope.js';

export interface VaultSecret {
  /** The vault-id label (`default` when none was given). */
  id: string;
  password: Buffer;
}

let secrets: VaultSecret[] = [];

/** Set once by the CLI, before anything is loaded. */
export function setVaultSecrets(list: VaultSecret[]): void {
  secrets = list;
}

export function vaultSecrets(): readonly VaultSecret[] {
  return secrets;
}

/** A vault that cannot be opened: exit 1, as ansible-playbook's vault errors. */
export class VaultError extends TsplayError {
  constructor(message: string, location?: SourceLocation) {
    super(message, location, ExitCode.error);
    this.name = 'VaultError';
  }
}

export interface Opened {
  plaintext: Buffer;
  /** The label of the secret that opened it. */
  id: string;
  password: Buffer;
}

/**
 * Decrypts vault text; `source` names it in errors (a file, or a file and line),
 * `at` is where it was written, for the error's place.
 */
export function openVault(text: string, source: string, at?: SourceLocation, using: readonly VaultSecret[] = secrets): Opened {
  let envelope;
  try {
    envelope = parseEnvelope(text);
  } catch (e) {
    throw new VaultError(`Vault envelope format error in ${source}: ${(e as Error).message}`, at);
  }
  if (using.length === 0) {
    throw new VaultError(
      `Attempting to decrypt but no vault secrets found (${source}; give --ask-vault-pass, --vault-password-file or --vault-id)`,
      at,
    );
  }
  const label = envelope.vaultId ?? 'default';
  const ordered = [...using.filter((s) => s.id === label), ...using.filter((s) => s.id !== label)];
  for (const s of ordered) {
    try {
      return { plaintext: decryptPayload(envelope, s.password), id: s.id, password: s.password };
    } catch (e) {
      if (e instanceof VaultPasswordMismatch) continue;
      if (e instanceof VaultFormatError) throw new VaultError(`There was a vault format error in ${source}: ${e.message}`, at);
      throw e;
    }
  }
  throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt) on ${source}`, at);
}
