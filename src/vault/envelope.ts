// The Ansible Vault format (1.1, and 1.2 with a vault-id label), AES256 only:
// PBKDF2-SHA256 (10000 rounds) turns password + salt into an AES-256-CTR key,
// an HMAC-SHA256 key and the counter's start; the envelope is a header line
// and the hexlified `hex(salt)\nhex(hmac)\nhex(ciphertext)`, 80 columns a line.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';

export class VaultFormatError extends Error {}
/** The password does not open this vault (its HMAC does not match). */
export class VaultPasswordMismatch extends Error {}

export interface Envelope {
  version: string;
  cipher: string;
  /** The label of a 1.2 envelope. */
  vaultId?: string;
  /** The hexlified payload, lines joined. */
  payload: string;
}

/** Vault text starts with the header, as Ansible tells a vaulted file. */
export function isVaultText(data: string | Buffer): boolean {
  const text = typeof data === 'string' ? data : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return text.startsWith(VAULT_HEADER);
}

export function parseEnvelope(text: string): Envelope {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').trim().split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('Vault envelope format error: bad header');
  const [, version, cipher, vaultId] = header.map((p) => p.trim());
  return { version: version!, cipher: cipher!, vaultId: vaultId || undefined, payload: lines.slice(1).map((l) => l.trim()).join('') };
}

function unhex(text: string, what: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new VaultFormatError(`Vault format unhexlify error: ${what} is not hexadecimal`);
  return Buffer.from(text, 'hex');
}

function keys(password: Buffer, salt: Buffer): { aesKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  return { aesKey: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

/** PKCS#7 to whole 16-byte blocks, as Ansible pads before its (stream) CTR mode. */
function pad(data: Buffer): Buffer {
  const n = 16 - (data.length % 16);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > 16 || n > data.length || !data.subarray(data.length - n).every((b) => b === n)) {
    throw new VaultFormatError('Invalid padding bytes');
  }
  return data.subarray(0, data.length - n);
}

/** Opens an envelope's payload; a wrong password is a VaultPasswordMismatch. */
export function decryptPayload(envelope: Envelope, password: Buffer): Buffer {
  if (envelope.cipher !== 'AES256') throw new VaultFormatError(`${envelope.cipher} cipher could not be found`);
  const inner = unhex(envelope.payload, 'the payload').toString('latin1');
  const parts = inner.split('\n');
  if (parts.length < 3) throw new VaultFormatError('Vault vaulttext format error: not enough values');
  const salt = unhex(parts[0]!, 'the salt');
  const mac = unhex(parts[1]!, 'the HMAC');
  const ciphertext = unhex(parts.slice(2).join('\n'), 'the ciphertext');
  const k = keys(password, salt);
  const expected = createHmac('sha256', k.hmacKey).update(ciphertext).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new VaultPasswordMismatch('HMAC verification failed');
  const decipher = createDecipheriv('aes-256-ctr', k.aesKey, k.iv);
  return unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

/** Vault text for `plaintext`: 1.1, or 1.2 when a label other than `default` is given. */
export function encryptVault(plaintext: Buffer | string, password: Buffer, vaultId?: string, fixedSalt?: Buffer): string {
  // A given salt (the vault filter's salt=) makes the output repeatable.
  const salt = fixedSalt ?? randomBytes(32);
  const k = keys(password, salt);
  const cipher = createCipheriv('aes-256-ctr', k.aesKey, k.iv);
  const data = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  const ciphertext = Buffer.concat([cipher.update(pad(data)), cipher.final()]);
  const mac = createHmac('sha256', k.hmacKey).update(ciphertext).digest();
  const inner = [salt.toString('hex'), mac.toString('hex'), ciphertext.toString('hex')].join('\n');
  const payload = Buffer.from(inner, 'latin1').toString('hex');
  const labelled = vaultId !== undefined && vaultId !== '' && vaultId !== 'default';
  const header = labelled ? `${VAULT_HEADER};1.2;AES256;${vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < payload.length; i += 80) lines.push(payload.slice(i, i + 80));
  return lines.join('\n') + '\n';
}
