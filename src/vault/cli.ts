// The vault options of `tsplay run` and the `tsplay vault` command, named as
// ansible-playbook's and ansible-vault's are.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { OptionsError } from '../errors.js';
import { PromptError, promptSecret, stdinIsData } from '../cli/prompt.js';
import { loadVaultSecrets, type VaultOptions } from './password-sources.js';
import { setVaultSecrets, type VaultSecret } from './secrets.js';
import {
  createFile,
  decryptFiles,
  editFile,
  encryptFiles,
  encryptSecret,
  encryptStrings,
  rekeyFiles,
  viewFiles,
  type StringInput,
  type VaultIo,
} from './commands.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export interface VaultFlags {
  vaultId: string[];
  vaultPasswordFile: string[];
  vaultPassFile: string[];
  askVaultPass?: boolean;
  askVaultPassword?: boolean;
}

/** --vault-id, --vault-password-file (--vault-pass-file), --ask-vault-pass (--ask-vault-password). */
export function addVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-id <id>', 'the vault identity to use: label@source, source a file, a script or "prompt" (repeatable)', collect, [])
    .option('--vault-password-file <file>', 'vault password file or script (repeatable)', collect, [])
    .addOption(new Option('--vault-pass-file <file>').argParser(collect).default([]).hideHelp())
    .option('--ask-vault-pass', 'ask for the vault password')
    .addOption(new Option('--ask-vault-password').hideHelp());
}

export function vaultOptionsOf(flags: VaultFlags): VaultOptions {
  for (const id of flags.vaultId ?? []) {
    if (id.includes(';')) throw new OptionsError(`'${id}' is not a valid vault id. The character ';' is not allowed in vault ids`);
  }
  const files = [...(flags.vaultPasswordFile ?? []), ...(flags.vaultPassFile ?? [])];
  const askVaultPass = Boolean(flags.askVaultPass || flags.askVaultPassword);
  if (askVaultPass && files.length > 0) throw new OptionsError('--ask-vault-pass: not allowed with --vault-password-file');
  return {
    vaultIds: flags.vaultId ?? [],
    vaultPasswordFiles: files,
    askVaultPass,
  };
}

/** For `tsplay run`: the run's secrets, read (and asked for) before anything is loaded. */
export async function setupRunVault(flags: VaultFlags): Promise<void> {
  setVaultSecrets(await loadVaultSecrets(vaultOptionsOf(flags)));
}

function processIo(): VaultIo {
  return {
    stdout: (d) => process.stdout.write(d),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => readFileSync(0),
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stdinIsTty: Boolean(process.stdin.isTTY),
    env: process.env,
  };
}

type ActionFlags = VaultFlags & {
  output?: string;
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  name: string[];
  stdinName?: string;
  prompt?: boolean;
  showInput?: boolean;
};

/** Secrets to open vaults with; asked for when nothing else gives one. */
async function openSecrets(flags: ActionFlags): Promise<VaultSecret[]> {
  const secrets = await loadVaultSecrets(vaultOptionsOf(flags), { autoPrompt: true });
  if (secrets.length === 0) throw new OptionsError("A vault password is required to use Ansible's Vault");
  return secrets;
}

async function newSecret(flags: ActionFlags): Promise<VaultSecret> {
  const secrets = await loadVaultSecrets(vaultOptionsOf(flags), { autoPrompt: true, newPassword: true });
  return encryptSecret(secrets, flags.encryptVaultId || process.env.ANSIBLE_VAULT_ENCRYPT_IDENTITY || undefined);
}

/** rekey's new password: --new-vault-id / --new-vault-password-file, else asked. */
async function rekeySecret(flags: ActionFlags): Promise<VaultSecret> {
  const opts: VaultOptions = {
    vaultIds: flags.newVaultId ? [flags.newVaultId] : [],
    vaultPasswordFiles: flags.newVaultPasswordFile ? [flags.newVaultPasswordFile] : [],
    askVaultPass: Boolean(flags.askVaultPass || flags.askVaultPassword),
  };
  const env = { ...process.env, ANSIBLE_VAULT_IDENTITY_LIST: '' };
  const secrets = await loadVaultSecrets(opts, { env, autoPrompt: true, newPassword: true });
  if (secrets.length === 0) throw new OptionsError("A new vault password is required to use Ansible's Vault rekey");
  return encryptSecret(secrets, flags.encryptVaultId || process.env.ANSIBLE_VAULT_ENCRYPT_IDENTITY || undefined);
}

async function ask(question: string): Promise<string> {
  try {
    return await promptSecret(question);
  } catch (e) {
    throw e instanceof PromptError ? new OptionsError(e.message) : e;
  }
}

async function stringInputs(args: string[], flags: ActionFlags, io: VaultIo): Promise<StringInput[]> {
  const inputs: StringInput[] = [];
  const fromStdin = args.includes('-') || args.length === 0 || flags.stdinName !== undefined;
  if (flags.prompt) {
    if (fromStdin && !(args.length === 0 && flags.stdinName === undefined)) {
      throw new OptionsError('The --prompt option is not supported if also reading input from stdin');
    }
    const name = await ask('Variable name (enter for no name): ');
    const text = await ask(flags.showInput ? 'String to encrypt:' : 'String to encrypt (hidden): ');
    if (text === '') throw new OptionsError('The plaintext provided from the prompt was empty, not encrypting');
    inputs.push({ text, name: name || undefined, from: 'the interactive prompt' });
  } else if (fromStdin) {
    if (io.stdoutIsTty) io.stderr('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n');
    const text = io.readStdin().toString('utf8');
    if (text === '') throw new OptionsError('stdin was empty, not encrypting');
    inputs.push({ text, name: flags.stdinName, from: 'stdin' });
  }
  const texts = args.filter((a) => a !== '-');
  const names = flags.name ?? [];
  if (names.length > 0 && texts.length > names.length) {
    io.stderr('The number of --name options do not match the number of args.\n');
    io.stderr(`The last named variable will be "${names[names.length - 1]}". The rest will not have names.\n`);
  }
  texts.forEach((text, i) => {
    if (text === '') throw new OptionsError('The plaintext provided from the command line args was empty, not encrypting');
    inputs.push({ text, name: names[i], from: 'the command line args' });
  });
  return inputs;
}

/** No file, or `-`: the command's input is standard input. */
const readsStdin = (args: string[]): boolean => args.length === 0 || args.includes('-');

function action(parent: Command, name: string, description: string, args: string): Command {
  return addVaultOptions(parent.command(name).description(description).argument(args, 'files'));
}

/** `tsplay vault create|edit|view|encrypt|decrypt|rekey|encrypt_string`. */
export function addVaultCommand(program: Command): void {
  const vault = program.command('vault').description('encrypt and decrypt Ansible Vault files and strings (as ansible-vault)');
  const io = processIo;
  action(vault, 'create', 'create a vaulted file with $EDITOR', '<file>')
    .option('--encrypt-vault-id <id>', 'the vault id to encrypt with')
    .action(async (file: string, flags: ActionFlags) => createFile(file, await newSecret(flags), io()));
  action(vault, 'edit', 'edit a vaulted file with $EDITOR', '<file...>').action(async (files: string[], flags: ActionFlags) => {
    const secrets = await openSecrets(flags);
    for (const f of files) editFile(f, secrets, io());
  });
  action(vault, 'view', 'show a vaulted file', '<file...>').action(async (files: string[], flags: ActionFlags) =>
    viewFiles(files, await openSecrets(flags), io()),
  );
  action(vault, 'encrypt', 'encrypt files (stdin when none)', '[file...]')
    .option('--output <file>', 'write the result here ("-" for stdout)')
    .option('--encrypt-vault-id <id>', 'the vault id to encrypt with')
    .action(async (files: string[], flags: ActionFlags) => {
      if (flags.output && files.length > 1) throw new OptionsError('At most one input file may be used with the --output option');
      if (readsStdin(files)) stdinIsData();
      encryptFiles(files, await newSecret(flags), flags.output, io());
    });
  action(vault, 'decrypt', 'decrypt files (stdin when none)', '[file...]')
    .option('--output <file>', 'write the result here ("-" for stdout)')
    .action(async (files: string[], flags: ActionFlags) => {
      if (flags.output && files.length > 1) throw new OptionsError('At most one input file may be used with the --output option');
      if (readsStdin(files)) stdinIsData();
      decryptFiles(files, await openSecrets(flags), flags.output, io());
    });
  action(vault, 'rekey', 'encrypt vaulted files with a new password', '<file...>')
    .option('--new-vault-id <id>', 'the new vault identity: label@source')
    .option('--new-vault-password-file <file>', 'the new vault password file or script')
    .option('--encrypt-vault-id <id>', 'the vault id to encrypt with')
    .action(async (files: string[], flags: ActionFlags) => {
      const secrets = await openSecrets(flags);
      rekeyFiles(files, secrets, await rekeySecret(flags), io());
    });
  action(vault, 'encrypt_string', 'encrypt strings for YAML (`name: !vault |`)', '[string...]')
    .option('-n, --name <name>', 'the variable name of the next string (repeatable)', collect, [])
    .option('--stdin-name <name>', 'the variable name of the string read from stdin')
    .option('-p, --prompt', 'ask for the string to encrypt')
    .option('--show-input', 'do not hide the string typed at the prompt')
    .option('--output <file>', 'write the result here ("-" for stdout)')
    .option('--encrypt-vault-id <id>', 'the vault id to encrypt with')
    .action(async (args: string[], flags: ActionFlags) => {
      if (!flags.prompt && (readsStdin(args) || flags.stdinName !== undefined)) stdinIsData();
      const secret = await newSecret(flags);
      encryptStrings(await stringInputs(args, flags, io()), secret, flags.output, io());
    });
}

