// `tsplay vault ...` and the vault options of `tsplay run`, through the built
// CLI (npm run build first), side by side with the real ansible-vault where
// it is installed (required under CI=true).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';
import { parseYaml } from '../../src/yaml-source.js';
import { setVaultSecrets } from '../../src/vault/secrets.js';

let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd: dir,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const tsplay = (args: string[], opts?: { input?: string; env?: Record<string, string> }) => run(process.execPath, [CLI, ...args], opts);
const ansibleVault = (args: string[], opts?: { input?: string; env?: Record<string, string> }) => run('ansible-vault', args, opts);

const hasAnsible = spawnSync('ansible-vault', ['--version']).status === 0;
const withAnsible = hasAnsible || process.env.CI === 'true' ? it : it.skip;

const file = (name: string, text: string, mode = 0o644) => {
  writeFileSync(join(dir, name), text, { mode });
  chmodSync(join(dir, name), mode);
  return name;
};
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const modeOf = (name: string) => statSync(join(dir, name)).mode & 0o777;

/** Decrypts `!vault` YAML in-process with these passwords. */
function loadWith(yaml: string, secrets: Record<string, string>): unknown {
  setVaultSecrets(Object.entries(secrets).map(([id, p]) => ({ id, password: Buffer.from(p) })));
  try {
    return parseYaml(yaml, 'out.yml');
  } finally {
    setVaultSecrets([]);
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-test-'));
  file('p1', 'pass-one\n');
  file('p2', '  pass-two  \n');
  file('script.sh', '#!/bin/sh\necho pass-one\n', 0o755);
  file('vault-client.sh', '#!/bin/sh\n[ "$1" = --vault-id ] && [ "$2" = lab ] && echo pass-two && exit 0\necho "no $2" >&2; exit 2\n', 0o755);
  // An editor that records the file it was given and the mode of its directory.
  file('editor.sh', '#!/bin/sh\nf="$1"\necho "$f" > "$EDITLOG"\nstat -c %a "$(dirname "$f")" >> "$EDITLOG"\nprintf "%s\\n" "$ADD" >> "$f"\n', 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tsplay vault and the real ansible-vault read each other', () => {
  withAnsible('1.1: ansible-vault encrypts, tsplay views and decrypts', () => {
    file('a11.yml', 'a: 1\n');
    expect(ansibleVault(['encrypt', '--vault-password-file', 'p1', 'a11.yml']).code).toBe(0);
    expect(read('a11.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p1', 'a11.yml'])).toMatchObject({ code: 0, stdout: 'a: 1\n' });
    expect(tsplay(['vault', 'decrypt', '--vault-password-file', 'p1', 'a11.yml']).code).toBe(0);
    expect(read('a11.yml')).toBe('a: 1\n');
  });

  withAnsible('1.2: ansible-vault encrypts with a label, tsplay opens it with that label', () => {
    file('a12.yml', 'b: 2\n');
    expect(ansibleVault(['encrypt', '--vault-id', 'lab@p2', 'a12.yml']).code).toBe(0);
    expect(read('a12.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(tsplay(['vault', 'view', '--vault-id', 'other@p1', '--vault-id', 'lab@p2', 'a12.yml'])).toMatchObject({ code: 0, stdout: 'b: 2\n' });
  });

  withAnsible('ansible-vault encrypt_string values load in tsplay (1.1 and 1.2)', () => {
    const s11 = ansibleVault(['encrypt_string', '--vault-password-file', 'p1', '--name', 'x', 'value one']);
    const s12 = ansibleVault(['encrypt_string', '--vault-id', 'lab@p2', '--name', 'y', 'value two']);
    expect(loadWith(`${s11.stdout}\n${s12.stdout}\n`, { default: 'pass-one', lab: 'pass-two' })).toEqual({ x: 'value one', y: 'value two' });
  });

  withAnsible('tsplay encrypts (1.1 and 1.2), ansible-vault decrypts', () => {
    file('t11.yml', 'c: 3\n');
    file('t12.yml', 'd: 4\n');
    expect(tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 't11.yml']).code).toBe(0);
    expect(tsplay(['vault', 'encrypt', '--vault-id', 'lab@p2', 't12.yml']).code).toBe(0);
    expect(read('t12.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(ansibleVault(['view', '--vault-password-file', 'p1', 't11.yml'])).toMatchObject({ code: 0, stdout: 'c: 3\n' });
    expect(ansibleVault(['view', '--vault-id', 'lab@p2', 't12.yml'])).toMatchObject({ code: 0, stdout: 'd: 4\n' });
  });

  withAnsible('tsplay encrypt_string output is read by ansible (1.1 and 1.2)', () => {
    const s11 = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '--name', 'x', 'value one']);
    const s12 = tsplay(['vault', 'encrypt_string', '--vault-id', 'lab@p2', '--name', 'y', 'value two']);
    file('strings.yml', `${s11.stdout}\n${s12.stdout}\n`);
    const r = run('ansible', ['localhost', '-m', 'debug', '-a', 'msg="{{ x }}+{{ y }}"', '-e', '@strings.yml', '--vault-password-file', 'p1', '--vault-id', 'lab@p2']);
    expect(r.stdout).toContain('"msg": "value one+value two"');
  });
});

describe('tsplay vault commands', () => {
  it('encrypt_string prints `name: !vault |`, indented by 10, without a final newline', () => {
    const r = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '--name', 'pw', 'hush']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('pw: !vault |');
    expect(lines[1]).toBe('          $ANSIBLE_VAULT;1.1;AES256');
    expect(r.stdout.endsWith('\n')).toBe(false);
    expect(loadWith(r.stdout, { default: 'pass-one' })).toEqual({ pw: 'hush' });
  });

  it('encrypt_string: stdin with --stdin-name, several strings with delimiters on stderr, the names that are missing', () => {
    const stdin = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '--stdin-name', 'from_in'], { input: 'piped' });
    expect(loadWith(stdin.stdout, { default: 'pass-one' })).toEqual({ from_in: 'piped' });
    const many = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '-n', 'first', 'one', 'two']);
    expect(many.stderr).toContain('The number of --name options do not match the number of args.');
    expect(many.stderr).toContain('# The encrypted version of variable ("first", the string #1 from the command line args).');
    expect(many.stderr).toContain('# The encrypted version of the string #2 from the command line args.)');
    const [named, unnamed] = many.stdout.split(/\n(?=!vault)/);
    expect(loadWith(named!, { default: 'pass-one' })).toEqual({ first: 'one' });
    expect(loadWith(`second: ${unnamed}`, { default: 'pass-one' })).toEqual({ second: 'two' });
  });

  it('encrypt_string -p asks for the name and the string', () => {
    const r = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '-p'], { input: 'asked\nthe string\n' });
    expect(r.stderr).toContain('Variable name (enter for no name): ');
    expect(r.stderr).toContain('String to encrypt (hidden): ');
    expect(loadWith(r.stdout, { default: 'pass-one' })).toEqual({ asked: 'the string' });
  });

  it('encrypt and decrypt through stdin/stdout and --output; a vaulted file is not encrypted twice', () => {
    const enc = tsplay(['vault', 'encrypt', '--vault-password-file', 'p1'], { input: 'from stdin\n' });
    expect(enc.code).toBe(0);
    expect(enc.stdout.startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    const dec = tsplay(['vault', 'decrypt', '--vault-password-file', 'p1'], { input: enc.stdout });
    expect(dec).toMatchObject({ code: 0, stdout: 'from stdin\n' });
    file('plain.txt', 'to a file\n');
    expect(tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', '--output', 'out.vault', 'plain.txt']).code).toBe(0);
    expect(read('plain.txt')).toBe('to a file\n');
    expect(modeOf('out.vault')).toBe(0o600);
    expect(tsplay(['vault', 'decrypt', '--vault-password-file', 'p1', '--output', '-', 'out.vault']).stdout).toBe('to a file\n');
    const twice = tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 'out.vault']);
    expect(twice).toMatchObject({ code: 1, stderr: 'ERROR! input is already encrypted\n' });
  });

  it('decrypt in place leaves a 0600 file; a wrong password names the file', () => {
    file('inplace.txt', 'secret\n');
    tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 'inplace.txt']);
    const wrong = tsplay(['vault', 'decrypt', '--vault-password-file', 'p2', 'inplace.txt']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`Decryption failed (no vault secrets were found that could decrypt) on ${join(dir, 'inplace.txt')}`);
    expect(read('inplace.txt').startsWith('$ANSIBLE_VAULT')).toBe(true);
    expect(tsplay(['vault', 'decrypt', '--vault-password-file', 'p1', 'inplace.txt']).code).toBe(0);
    expect(read('inplace.txt')).toBe('secret\n');
    expect(modeOf('inplace.txt')).toBe(0o600);
  });

  it('several secrets: encryption needs --encrypt-vault-id, which picks the label', () => {
    file('two.txt', 'x\n');
    const both = ['--vault-id', 'a@p1', '--vault-id', 'b@p2'];
    const r = tsplay(['vault', 'encrypt', ...both, 'two.txt']);
    expect(r).toMatchObject({ code: 5, stderr: 'ERROR! The vault-ids a,b are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id\n' });
    expect(tsplay(['vault', 'encrypt', ...both, '--encrypt-vault-id', 'b', 'two.txt']).code).toBe(0);
    expect(read('two.txt').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;b');
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p2', 'two.txt']).stdout).toBe('x\n');
    expect(tsplay(['vault', 'encrypt', ...both, '--encrypt-vault-id', 'c', 'two.txt']).stderr).toContain(
      "Did not find a match for --encrypt-vault-id=c in the known vault-ids ['a', 'b']",
    );
  });

  it('passwords from a script, a client script (told the label), the environment and the prompt', () => {
    file('src.txt', 'y\n');
    tsplay(['vault', 'encrypt', '--vault-id', 'lab@p2', 'src.txt']);
    expect(tsplay(['vault', 'view', '--vault-id', 'lab@vault-client.sh', 'src.txt']).stdout).toBe('y\n');
    const other = tsplay(['vault', 'view', '--vault-id', 'nope@vault-client.sh', 'src.txt']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('[WARNING]: Error getting vault password file (nope)');
    file('one.txt', 'z\n');
    tsplay(['vault', 'encrypt', '--vault-password-file', 'script.sh', 'one.txt']);
    expect(tsplay(['vault', 'view', 'one.txt'], { env: { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'p1') } }).stdout).toBe('z\n');
    expect(tsplay(['vault', 'view', 'src.txt'], { env: { ANSIBLE_VAULT_IDENTITY_LIST: 'x@p1,lab@p2' } }).stdout).toBe('y\n');
    const asked = tsplay(['vault', 'view', '--ask-vault-pass', 'one.txt'], { input: 'pass-one\n' });
    expect(asked).toMatchObject({ code: 0, stdout: 'z\n' });
    expect(asked.stderr).toContain('Vault password: ');
    // nothing given: view asks
    expect(tsplay(['vault', 'view', 'one.txt'], { input: 'pass-one\n' }).stdout).toBe('z\n');
    const labelled = tsplay(['vault', 'view', '--vault-id', 'lab@prompt', 'src.txt'], { input: 'pass-two\n' });
    expect(labelled.stderr).toContain('Vault password (lab): ');
    expect(labelled.stdout).toBe('y\n');
    const missing = tsplay(['vault', 'view', '--vault-password-file', 'no-such-file', 'one.txt']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`ERROR! The vault password file ${join(dir, 'no-such-file')} was not found`);
  });

  it('encrypt asks for a new password twice, and refuses two different answers', () => {
    file('asked.txt', 'asked for\n');
    file('newpw', 'newpw\n');
    const ok = tsplay(['vault', 'encrypt', '--ask-vault-pass', 'asked.txt'], { input: 'newpw\nnewpw\n' });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('New Vault password: ');
    expect(ok.stderr).toContain('Confirm New Vault password: ');
    expect(tsplay(['vault', 'view', '--vault-password-file', 'newpw', 'asked.txt'])).toMatchObject({ code: 0, stdout: 'asked for\n' });
    const bad = tsplay(['vault', 'encrypt', '--ask-vault-pass'], { input: 'one\ntwo\n' });
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('ERROR! Passwords do not match');
  });

  it('create runs $EDITOR on a file in a private directory, removed afterwards, and saves it encrypted 0600', () => {
    const log = join(dir, 'edit.log');
    const r = tsplay(['vault', 'create', '--vault-password-file', 'p1', 'sub/created.yml'], {
      env: { EDITOR: join(dir, 'editor.sh'), EDITLOG: log, ADD: 'created: yes' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sub does not exist, creating...');
    const [tmpFile, dirMode] = readFileSync(log, 'utf8').trim().split('\n');
    expect(tmpFile!.startsWith(dir)).toBe(false);
    expect(tmpFile!.endsWith('.yml')).toBe(true);
    expect(dirMode).toBe('700');
    expect(existsSync(tmpFile!)).toBe(false);
    expect(read('sub/created.yml').startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    expect(modeOf('sub/created.yml')).toBe(0o600);
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p1', 'sub/created.yml']).stdout).toBe('created: yes\n');
    const again = tsplay(['vault', 'create', '--vault-password-file', 'p1', 'sub/created.yml'], { env: { EDITOR: 'true' } });
    expect(again).toMatchObject({ code: 1, stderr: "ERROR! sub/created.yml exists, please use 'edit' instead\n" });
  });

  it('edit re-encrypts with the secret and label that opened it; an unchanged file is left as it was', () => {
    const log = join(dir, 'edit2.log');
    file('labelled.yml', 'first: 1\n');
    tsplay(['vault', 'encrypt', '--vault-id', 'lab@p2', 'labelled.yml']);
    chmodSync(join(dir, 'labelled.yml'), 0o640);
    const r = tsplay(['vault', 'edit', '--vault-id', 'x@p1', '--vault-id', 'lab@p2', 'labelled.yml'], {
      env: { EDITOR: join(dir, 'editor.sh'), EDITLOG: log, ADD: 'second: 2' },
    });
    expect(r.code).toBe(0);
    expect(existsSync(readFileSync(log, 'utf8').split('\n')[0]!)).toBe(false);
    expect(read('labelled.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(modeOf('labelled.yml')).toBe(0o640);
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p2', 'labelled.yml']).stdout).toBe('first: 1\nsecond: 2\n');
    const before = read('labelled.yml');
    expect(tsplay(['vault', 'edit', '--vault-password-file', 'p2', 'labelled.yml'], { env: { EDITOR: 'true' } }).code).toBe(0);
    expect(read('labelled.yml')).toBe(before);
  });

  it('rekey: a new password file or a new vault id; the file keeps its mode', () => {
    file('rk.yml', 'k: v\n');
    tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 'rk.yml']);
    chmodSync(join(dir, 'rk.yml'), 0o644);
    const r = tsplay(['vault', 'rekey', '--vault-password-file', 'p1', '--new-vault-id', 'lab@p2', 'rk.yml']);
    expect(r).toMatchObject({ code: 0, stderr: 'Rekey successful\n' });
    expect(read('rk.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(modeOf('rk.yml')).toBe(0o644);
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p1', 'rk.yml']).code).toBe(1);
    expect(tsplay(['vault', 'rekey', '--vault-password-file', 'p2', '--new-vault-password-file', 'p1', 'rk.yml']).code).toBe(0);
    expect(read('rk.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
    expect(tsplay(['vault', 'view', '--vault-password-file', 'p1', 'rk.yml']).stdout).toBe('k: v\n');
  });
});

describe('tsplay run with vaulted data', () => {
  function playbook(vaultYaml: string): void {
    mkdirSync(join(dir, 'pb'), { recursive: true });
    file('pb/vars.yml', 'from_file: file value\n');
    tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 'pb/vars.yml']);
    file(
      'pb/play.yml',
      `- hosts: localhost\n  gather_facts: false\n  vars:\n${vaultYaml}\n  vars_files: [vars.yml]\n  tasks:\n    - include_vars: vars.yml\n    - debug:\n        msg: "{{ inline }} / {{ from_file }}"\n`,
    );
  }
  const inlineYaml = () => {
    const s = tsplay(['vault', 'encrypt_string', '--vault-password-file', 'p1', '--name', 'inline', 'inline value']).stdout;
    return s.split('\n').map((l) => `    ${l}`).join('\n');
  };

  it('uses the decrypted values; include_vars of a vaulted file is censored even at -vvv', () => {
    playbook(inlineYaml());
    const r = tsplay(['run', 'pb/play.yml', '-i', 'localhost,', '-c', 'local', '--vault-password-file', 'p1', '-vvv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"msg": "inline value / file value"');
    expect(r.stdout).toContain("the output has been hidden due to the fact that 'no_log: true' was specified for this result");
    expect(r.stdout.match(/file value/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('$ANSIBLE_VAULT');
  });

  it('--ask-vault-pass reads the password before loading', () => {
    playbook(inlineYaml());
    const r = tsplay(['run', 'pb/play.yml', '-i', 'localhost,', '-c', 'local', '--ask-vault-pass'], { input: 'pass-one\n' });
    expect(r.stderr).toContain('Vault password: ');
    expect(r.stdout).toContain('"msg": "inline value / file value"');
  });

  it('a `!vault` value without a password is a load error at its line, never its ciphertext', () => {
    playbook(inlineYaml());
    const r = tsplay(['run', 'pb/play.yml', '-i', 'localhost,', '-c', 'local']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERROR! Attempting to decrypt but no vault secrets found');
    expect(r.stderr).toContain(`at ${join(dir, 'pb/play.yml')}:4:`);
    expect(r.stdout).not.toContain('TASK');
  });

  it('a wrong password: the vaulted vars file is named, at the play line that asked for it', () => {
    playbook('    inline: plain');
    const r = tsplay(['run', 'pb/play.yml', '-i', 'localhost,', '-c', 'local', '--vault-password-file', 'p2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR! Decryption failed (no vault secrets were found that could decrypt) on ${join(dir, 'pb/vars.yml')}`);
    expect(r.stderr).toContain(`at ${join(dir, 'pb/play.yml')}:5:`);
  });

  it('a vaulted -e @file', () => {
    file('extra.yml', 'extra: from extra\n');
    tsplay(['vault', 'encrypt', '--vault-password-file', 'p1', 'extra.yml']);
    file('pb/extra.yml', '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: var=extra\n');
    const r = tsplay(['run', 'pb/extra.yml', '-i', 'localhost,', '-c', 'local', '-e', '@extra.yml', '--vault-password-file', 'p1']);
    expect(r.stdout).toContain('"extra": "from extra"');
    expect(tsplay(['run', 'pb/extra.yml', '-i', 'localhost,', '-c', 'local', '-e', '@extra.yml']).stderr).toContain(
      'Attempting to decrypt but no vault secrets found',
    );
  });
});
