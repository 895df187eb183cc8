// Where vault passwords come from, in Ansible's order: ANSIBLE_VAULT_IDENTITY_LIST,
// each --vault-id (label@source), each --vault-password-file then
// ANSIBLE_VAULT_PASSWORD_FILE (label `default`), then --ask-vault-pass. A source
// is `prompt`, a file (its text, trimmed) or an executable (what it prints).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, extname, resolve } from 'node:path';
import { TsplayError } from '../errors.js';
import { PromptError, promptSecret } from '../cli/prompt.js';
import { isVaultText } from './envelope.js';
import { openVault, type VaultSecret } from './secrets.js';

export interface VaultOptions {
  vaultIds?: string[];
  vaultPasswordFiles?: string[];
  askVaultPass?: boolean;
}

const ASK = 'prompt_ask_vault_pass';

function defaultLabel(env: NodeJS.ProcessEnv): string {
  return env.ANSIBLE_VAULT_IDENTITY || 'default';
}

/** The label@source slugs to read, in order. `autoPrompt`: ask when nothing else was given. */
export function vaultIdSlugs(opts: VaultOptions, env: NodeJS.ProcessEnv = process.env, autoPrompt = false): string[] {
  const fromEnv = (env.ANSIBLE_VAULT_IDENTITY_LIST ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const files = [...(opts.vaultPasswordFiles ?? []), ...(env.ANSIBLE_VAULT_PASSWORD_FILE ? [env.ANSIBLE_VAULT_PASSWORD_FILE] : [])];
  const slugs = [...fromEnv, ...(opts.vaultIds ?? []), ...files.map((f) => `${defaultLabel(env)}@${f}`)];
  if (opts.askVaultPass || (slugs.length === 0 && autoPrompt)) slugs.push(`${defaultLabel(env)}@${ASK}`);
  return slugs;
}

export function splitSlug(slug: string, env: NodeJS.ProcessEnv = process.env): { label: string; source: string } {
  const at = slug.indexOf('@');
  if (at < 0) return { label: defaultLabel(env), source: slug };
  return { label: slug.slice(0, at) || defaultLabel(env), source: slug.slice(at + 1) };
}

class VaultPasswordError extends TsplayError {}

async function ask(questions: string[]): Promise<Buffer> {
  const answers: string[] = [];
  for (const q of questions) {
    let answer: string;
    try {
      answer = await promptSecret(q);
    } catch (e) {
      throw e instanceof PromptError ? new VaultPasswordError(e.message) : e;
    }
    if (!answer) throw new VaultPasswordError('Invalid vault password was provided');
    answers.push(answer.trim());
  }
  if (answers.some((a) => a !== answers[0])) throw new VaultPasswordError('Passwords do not match');
  return Buffer.from(answers[0]!, 'utf8');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Strips the line ends around a password (all blanks for a file, as Ansible). */
function trimEnds(data: Buffer, chars: RegExp): Buffer {
  let start = 0;
  let end = data.length;
  while (start < end && chars.test(String.fromCharCode(data[start]!))) start++;
  while (end > start && chars.test(String.fromCharCode(data[end - 1]!))) end--;
  return data.subarray(start, end);
}

function readSource(source: string, label: string, known: VaultSecret[]): Buffer {
  const file = resolve(source);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new VaultPasswordError(`The vault password file ${file} was not found`);
  }
  if (stat.isFile() && isExecutable(file)) {
    // A `*-client` script is told which label is wanted.
    const client = basename(file, extname(file)).endsWith('-client');
    const run = spawnSync(file, client ? ['--vault-id', label] : [], { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'] });
    if (run.error) throw new VaultPasswordError(`Problem running vault password script ${file} (${run.error.message}). If this is not a script, remove the executable bit from the file.`);
    if (run.status !== 0) {
      const err = run.stderr ? run.stderr.toString().trim() : '';
      throw new VaultPasswordError(`Vault password script ${file} returned non-zero (${String(run.status)})${err ? `: ${err}` : ''}`);
    }
    const pass = trimEnds(run.stdout, /[\r\n]/);
    if (pass.length === 0) throw new VaultPasswordError(`Invalid vault password was provided from script (${file})`);
    return pass;
  }
  let data: Buffer;
  try {
    data = trimEnds(readFileSync(file), /\s/);
  } catch (e) {
    throw new VaultPasswordError(`Could not read vault password file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // A password file may itself be vaulted with a password given before it.
  if (isVaultText(data)) data = trimEnds(openVault(data.toString('latin1'), file, undefined, known).plaintext, /[\r\n]/);
  if (data.length === 0) throw new VaultPasswordError(`Invalid vault password was provided from file (${file})`);
  return data;
}

/**
 * Reads every password source. A source that fails is a warning while another
 * one works, as in Ansible; when none works, its error. `newPassword` asks twice
 * (create, encrypt, rekey's new password).
 */
export async function loadVaultSecrets(
  opts: VaultOptions,
  { env = process.env, autoPrompt = false, newPassword = false, warn = (m: string) => process.stderr.write(`[WARNING]: ${m}\n`) } = {},
): Promise<VaultSecret[]> {
  const found: VaultSecret[] = [];
  let failed: Error | undefined;
  for (const slug of vaultIdSlugs(opts, env, autoPrompt)) {
    const { label, source } = splitSlug(slug, env);
    if (source === 'prompt' || source === ASK) {
      const questions =
        source === ASK
          ? newPassword
            ? ['New Vault password: ', 'Confirm New Vault password: ']
            : ['Vault password: ']
          : newPassword
            ? [`New vault password (${label}): `, `Confirm new vault password (${label}): `]
            : [`Vault password (${label}): `];
      found.push({ id: label, password: await ask(questions) });
      continue;
    }
    try {
      found.push({ id: label, password: readSource(source, label, found) });
    } catch (e) {
      if (!(e instanceof TsplayError)) throw e;
      warn(`Error getting vault password file (${label}): ${e.message}`);
      failed = e;
    }
  }
  if (failed && found.length === 0) throw failed;
  return found;
}
