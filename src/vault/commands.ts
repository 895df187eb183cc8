// `tsplay vault ACTION`: ansible-vault's create, edit, view, encrypt, decrypt,
// rekey and encrypt_string, with its messages. Plaintext reaches the disk only
// where the user asks: `decrypt`, and the file `create`/`edit` hand to $EDITOR,
// kept in a private 0700 directory and removed afterwards.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { OptionsError, TsplayError } from '../errors.js';
import { splitArgs } from '../host/shell.js';
import { encryptVault, isVaultText, parseEnvelope } from './envelope.js';
import { openVault, type VaultSecret } from './secrets.js';

export interface VaultIo {
  stdout: (data: Buffer | string) => void;
  stderr: (text: string) => void;
  readStdin: () => Buffer;
  stdoutIsTty: boolean;
  stdinIsTty: boolean;
  env: NodeJS.ProcessEnv;
}

/** The secret to encrypt with, as ansible-vault picks it (--encrypt-vault-id, else the only one). */
export function encryptSecret(secrets: readonly VaultSecret[], encryptVaultId?: string): VaultSecret {
  if (secrets.length === 0) throw new OptionsError("A vault password is required to use Ansible's Vault");
  if (encryptVaultId) {
    const found = secrets.find((s) => s.id === encryptVaultId);
    if (!found) {
      throw new TsplayError(
        `Did not find a match for --encrypt-vault-id=${encryptVaultId} in the known vault-ids [${secrets.map((s) => `'${s.id}'`).join(', ')}]`,
      );
    }
    return found;
  }
  if (secrets.length > 1) {
    throw new OptionsError(
      `The vault-ids ${secrets.map((s) => s.id).join(',')} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`,
    );
  }
  return secrets[0]!;
}

function readInput(file: string, io: VaultIo): Buffer {
  try {
    return file === '-' ? io.readStdin() : readFileSync(file);
  } catch (e) {
    throw new TsplayError(`Unable to read source file (${file}): ${(e as Error).message}`);
  }
}

/** Writes a vault's output: stdout for `-`, else a fresh 0600 file put in place by rename. */
function writeOutput(data: Buffer | string, file: string, io: VaultIo, keepModeOf?: string): void {
  if (file === '-') {
    io.stdout(data);
    return;
  }
  const mode = keepModeOf ? statSync(keepModeOf).mode & 0o7777 : 0o600;
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tsplay-vault`);
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TsplayError(`Unable to write ${file}: ${(e as Error).message}`);
  }
}

function decryptFile(file: string, data: Buffer, secrets: readonly VaultSecret[]) {
  const text = data.toString('latin1');
  if (!isVaultText(text)) throw new TsplayError(`input is not vault encrypted data. ${file} is not a vault encrypted file for ${file}`);
  try {
    return { ...openVault(text, file, undefined, secrets), label: parseEnvelope(text).vaultId };
  } catch (e) {
    throw e instanceof TsplayError ? new TsplayError(`${e.message} for ${file}`) : e;
  }
}

const real = (f: string) => (f === '-' ? f : resolve(f));

export function encryptFiles(files: string[], secret: VaultSecret, output: string | undefined, io: VaultIo): void {
  if (files.length === 0 && io.stdinIsTty) io.stderr('Reading plaintext input from stdin\n');
  for (const f of files.length ? files.map(real) : ['-']) {
    const plain = readInput(f, io);
    if (isVaultText(plain)) throw new TsplayError('input is already encrypted');
    writeOutput(encryptVault(plain, secret.password, secret.id), output ?? f, io);
  }
  if (io.stdoutIsTty) io.stderr('Encryption successful\n');
}

export function decryptFiles(files: string[], secrets: readonly VaultSecret[], output: string | undefined, io: VaultIo): void {
  if (files.length === 0 && io.stdinIsTty) io.stderr('Reading ciphertext input from stdin\n');
  for (const f of files.length ? files.map(real) : ['-']) {
    writeOutput(decryptFile(f, readInput(f, io), secrets).plaintext, output ?? f, io);
  }
  if (io.stdoutIsTty) io.stderr('Decryption successful\n');
}

export function viewFiles(files: string[], secrets: readonly VaultSecret[], io: VaultIo): void {
  for (const f of files) {
    const text = decryptFile(f, readInput(f, io), secrets).plaintext.toString('utf8');
    if (io.stdoutIsTty) {
      // A pager reads it from its stdin, never from a file.
      const [cmd, ...args] = splitArgs(io.env.PAGER || 'less');
      const run = spawnSync(cmd!, args, { input: text, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...io.env } });
      if (!run.error) continue;
    }
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }
}

export function rekeyFiles(files: string[], secrets: readonly VaultSecret[], secret: VaultSecret, io: VaultIo): void {
  for (const f of files.map(real)) {
    const opened = decryptFile(f, readInput(f, io), secrets);
    writeOutput(encryptVault(opened.plaintext, secret.password, secret.id), f, io, f);
  }
  io.stderr('Rekey successful\n');
}

/** Runs $EDITOR on `initial` in a private directory; the text it left there, then nothing on disk. */
function editText(initial: Buffer | undefined, file: string, io: VaultIo): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-')); // 0700
  const tmp = join(dir, `edit${extname(file)}`);
  try {
    writeFileSync(tmp, initial ?? '', { mode: 0o600 });
    const [cmd, ...args] = splitArgs(io.env.EDITOR || 'vi');
    const run = spawnSync(cmd!, [...args, tmp], { stdio: 'inherit', env: io.env });
    if (run.error) throw new TsplayError(`Unable to execute the command "${[cmd, ...args, tmp].join(' ')}": ${run.error.message}`);
    return readFileSync(tmp);
  } finally {
    // overwrite before unlinking, as ansible-vault shreds its copy
    try {
      if (existsSync(tmp)) writeFileSync(tmp, randomBytes(statSync(tmp).size));
    } catch {
      /* removed below anyway */
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function createFile(file: string, secret: VaultSecret, io: VaultIo): void {
  const dir = dirname(file);
  if (dir && !existsSync(dir)) {
    io.stderr(`[WARNING]: ${dir} does not exist, creating...\n`);
    mkdirSync(dir, { recursive: true });
  }
  if (existsSync(file) && statSync(file).isFile()) throw new TsplayError(`${file} exists, please use 'edit' instead`);
  const text = editText(undefined, file, io);
  writeOutput(encryptVault(text, secret.password, secret.id), file, io);
}

export function editFile(file: string, secrets: readonly VaultSecret[], io: VaultIo): void {
  const path = real(file);
  const opened = decryptFile(path, readInput(path, io), secrets);
  const text = editText(opened.plaintext, path, io);
  if (text.equals(opened.plaintext)) return;
  // Saved with the secret that opened it, under the file's own label.
  writeOutput(encryptVault(text, opened.password, opened.label), path, io, path);
}

export interface StringInput {
  text: string;
  name?: string;
  from: 'the command line args' | 'stdin' | 'the interactive prompt';
}

/** encrypt_string's YAML: `name: !vault |` and the vault text indented by 10. */
export function vaultYaml(vaultText: string, name?: string): string {
  const lines = vaultText.split('\n').filter((l) => l !== '');
  return [`${name ? `${name}: ` : ''}!vault |`, ...lines.map((l) => `${' '.repeat(10)}${l}`)].join('\n');
}

export function encryptStrings(inputs: StringInput[], secret: VaultSecret, output: string | undefined, io: VaultIo): void {
  const outs = inputs.map((input, i) => {
    if (inputs.length > 1) {
      io.stderr(
        input.name
          ? `# The encrypted version of variable ("${input.name}", the string #${i + 1} from ${input.from}).\n`
          : `# The encrypted version of the string #${i + 1} from ${input.from}.)\n`,
      );
    }
    return vaultYaml(encryptVault(input.text, secret.password, secret.id), input.name);
  });
  writeOutput(outs.join('\n'), output ?? '-', io);
  if (io.stdoutIsTty) io.stderr('Encryption successful\n');
}
