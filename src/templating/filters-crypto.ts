// password_hash (crypt(3) hashes, as Ansible 2.14 makes them with Python's crypt
// module when passlib is absent) and to_uuid (a UUID v5 in Ansible's namespace).
import { createHash, randomInt } from 'node:crypto';
import { param } from './args.js';
import { md5Crypt, shaCrypt } from './crypt.js';
import { TemplateError } from './errors.js';
import { pyStr } from './python-repr.js';
import { typeName } from './python-ops.js';
import { encryptVault, isVaultText } from '../vault/envelope.js';
import { openVault } from '../vault/secrets.js';
import type { FilterTable } from './registry.js';

/** The vault filters' secret: a string (Python's str or bytes). */
function vaultSecretArg(secret: unknown, why: string): Buffer {
  if (typeof secret !== 'string') throw new TemplateError(`${why}: <class '${typeName(secret)}'>`);
  return Buffer.from(secret, 'utf8');
}

const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';
const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

interface Scheme {
  saltSize: number;
  /** Ansible leaves `rounds=` out when it equals passlib's default. */
  implicitRounds: number | null;
  hash(password: string, salt: string, rounds: number | null): string;
}

const SCHEMES: Record<string, Scheme> = {
  md5_crypt: { saltSize: 8, implicitRounds: null, hash: (pw, salt) => md5Crypt(pw, salt) },
  sha256_crypt: { saltSize: 16, implicitRounds: 535000, hash: (pw, salt, r) => shaCrypt('sha256', pw, salt, r) },
  sha512_crypt: { saltSize: 16, implicitRounds: 656000, hash: (pw, salt, r) => shaCrypt('sha512', pw, salt, r) },
};
const ALIASES: Record<string, string> = { md5: 'md5_crypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt', blowfish: 'bcrypt' };

function randomSalt(size: number): string {
  return Array.from({ length: size }, () => SALT_CHARS[randomInt(SALT_CHARS.length)]).join('');
}

function passwordHash(password: string, hashtype: string, salt: string | null, saltSize: number | null, rounds: number | null): string {
  const name = ALIASES[hashtype] ?? hashtype;
  const scheme = SCHEMES[name];
  if (!scheme) throw new TemplateError(`crypt.crypt does not support '${name}' algorithm`);
  const s = salt || randomSalt(saltSize || scheme.saltSize);
  if (/[^./0-9A-Za-z]/.test(s)) throw new TemplateError('invalid characters in salt');
  if (s.length > scheme.saltSize) throw new TemplateError('invalid salt size');
  return scheme.hash(password, s, rounds === scheme.implicitRounds ? null : rounds);
}

/** uuid.uuid5(namespace, name). */
export function uuid5(namespace: string, name: string): string {
  const ns = namespace.replace(/^urn:uuid:|[{}-]/gi, '');
  if (!/^[0-9a-f]{32}$/i.test(ns)) throw new TemplateError(`Invalid value '${namespace}' for 'namespace': badly formed hexadecimal UUID string`);
  const digest = createHash('sha1').update(Buffer.from(ns, 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const optionalNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const cryptoFilters: FilterTable = {
  password_hash: (v, a) => {
    const salt = param<unknown>(a, 1, 'salt', null);
    return passwordHash(
      pyStr(v),
      pyStr(param(a, 0, 'hashtype', 'sha512')),
      salt === null ? null : pyStr(salt),
      optionalNumber(param(a, 2, 'salt_size', null)),
      optionalNumber(param(a, 3, 'rounds', null)),
    );
  },
  vault: (v, a) => {
    const secret = vaultSecretArg(param(a, 0, 'secret'), 'Secret passed is required to be a string, instead we got');
    if (typeof v !== 'string') throw new TemplateError(`Can only vault strings, instead we got: <class '${typeName(v)}'>`);
    const salt = param<unknown>(a, 1, 'salt', null);
    if (salt !== null && pyStr(salt) === '') throw new TemplateError('Unable to encrypt: Empty or invalid salt passed');
    const saltBytes = salt === null ? undefined : Buffer.from(pyStr(salt), 'utf8');
    return encryptVault(Buffer.from(v, 'utf8'), secret, pyStr(param(a, 2, 'vaultid', 'filter_default')), saltBytes);
  },
  unvault: (v, a) => {
    const secret = vaultSecretArg(param(a, 0, 'secret'), 'Secret passed is required to be as string, instead we got');
    if (typeof v !== 'string') throw new TemplateError(`Vault should be in the form of a string, instead we got: <class '${typeName(v)}'>`);
    if (!isVaultText(v)) return v;
    try {
      return openVault(v, '', undefined, [{ id: pyStr(param(a, 1, 'vaultid', 'filter_default')), password: secret }]).plaintext.toString('utf8');
    } catch (e) {
      // Ansible names no source for a string it cannot open
      throw new TemplateError(`Unable to decrypt: ${(e as Error).message.replace(/ (on|in) (?=:|$)/, '')}`);
    }
  },
  to_uuid: (v, a) => uuid5(pyStr(param(a, 0, 'namespace', ANSIBLE_UUID_NAMESPACE)), pyStr(v)),
};
