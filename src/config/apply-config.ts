// ansible.cfg and ANSIBLE_* applied to a command's flags as Ansible ranks
// them: what the command line gives wins, then the environment, then the file,
// then tsplay's defaults. Engine-wide settings (gathering, any_errors_fatal,
// roles_path) go to run-defaults.ts.
import type { Command } from 'commander';
import type { HostKeyChecking } from '../connection/ssh.js';
import { configFileLine, readAnsibleConfig, unhonouredWarning, type AnsibleConfig, type ReadOptions } from './ansible-config.js';
import { DEFAULT_ROLES_PATH, setRunDefaults } from './run-defaults.js';
import { parseSshArgs } from './ssh-args.js';

/** The flags of `run` and `exec` that settings can fill in. */
export interface ConfigurableFlags {
  inventory: string[];
  user?: string;
  privateKey?: string;
  forks: string;
  timeout: string;
  hostKeyChecking?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askBecomePass?: boolean;
  output: string;
  vaultPasswordFile: string[];
  askVaultPass?: boolean;
  askVaultPassword?: boolean;
  /** --color / --no-color. */
  color?: boolean;
}

/** Connection settings only ssh_args gives (no flag of their own). */
export interface SshExtras {
  port?: number;
  proxyJump?: string;
  keepaliveSeconds?: number;
  knownHostsFile?: string;
  sshConfigFile?: string;
}

export interface AppliedConfig {
  config: AnsibleConfig;
  ssh: SshExtras;
  /** Warnings for stderr: the skipped ./ansible.cfg, then the one naming what is not honoured. */
  warnings: string[];
}

const JSON_CALLBACKS = new Set(['json', 'ansible.posix.json']);
const DEFAULT_CALLBACKS = new Set(['default', 'ansible.builtin.default']);

/**
 * Fills in `flags` (only those the command line did not give) from the
 * settings; `adhoc` is `tsplay exec`, which, as `ansible`, ignores
 * stdout_callback (Ansible loads it for ad-hoc commands only with
 * bin_ansible_callbacks).
 */
export function applyAnsibleConfig(cmd: Command, flags: ConfigurableFlags, opts: ReadOptions & { adhoc?: boolean } = {}): AppliedConfig {
  const config = readAnsibleConfig(opts);
  const v = config.values;
  const fromCli = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const unhonoured = [...config.unhonoured];
  const ssh = v.sshArgs ? parseSshArgs(String(v.sshArgs.value)) : { ignored: [] };
  if (ssh.ignored.length > 0) unhonoured.push(`ssh_args ${ssh.ignored.join(' ')}`);

  if (flags.inventory.length === 0 && v.inventory) flags.inventory = (v.inventory.value as string[]).filter(Boolean);
  const fill = <K extends keyof ConfigurableFlags>(flag: K, value: ConfigurableFlags[K] | undefined) => {
    if (value !== undefined && !fromCli(flag)) flags[flag] = value;
  };
  fill('user', (v.remoteUser?.value as string | undefined) ?? ssh.user);
  fill('privateKey', (v.privateKeyFile?.value as string | undefined) ?? ssh.identityFile);
  fill('forks', v.forks === undefined ? undefined : String(v.forks.value));
  fill('timeout', v.timeout !== undefined ? String(v.timeout.value) : ssh.connectTimeout !== undefined ? String(ssh.connectTimeout) : undefined);
  const hostKey: HostKeyChecking | undefined = v.hostKeyChecking?.value === false ? 'off' : (ssh.hostKeyChecking ?? (v.hostKeyChecking ? 'strict' : undefined));
  fill('hostKeyChecking', hostKey);
  fill('become', v.become?.value as boolean | undefined);
  fill('becomeUser', v.becomeUser?.value as string | undefined);
  fill('becomeMethod', v.becomeMethod?.value as string | undefined);
  fill('askBecomePass', v.becomeAskPass?.value as boolean | undefined);
  // From the environment the vault code reads ANSIBLE_VAULT_PASSWORD_FILE itself.
  const vaultFile = v.vaultPasswordFile;
  if (vaultFile && !vaultFile.origin.startsWith('env: ') && !flags.askVaultPass && !flags.askVaultPassword) {
    flags.vaultPasswordFile = [...flags.vaultPasswordFile, vaultFile.value as string];
  }
  // force_color and nocolor (src/output/color.ts decides with them as Ansible does).
  if (flags.color === undefined) {
    if (v.forceColor?.value === true) flags.color = true;
    else if (v.nocolor?.value === true) flags.color = false;
  }
  const callback = v.stdoutCallback?.value as string | undefined;
  if (callback !== undefined && !opts.adhoc) {
    if (JSON_CALLBACKS.has(callback)) fill('output', 'json');
    else if (!DEFAULT_CALLBACKS.has(callback)) unhonoured.push(`stdout_callback=${callback}`);
  }
  setRunDefaults({
    gathering: (v.gathering?.value as 'implicit' | 'explicit' | 'smart' | undefined) ?? 'implicit',
    anyErrorsFatal: v.anyErrorsFatal?.value === true,
    rolesPath: (v.rolesPath?.value as string[] | undefined) ?? DEFAULT_ROLES_PATH(),
  });
  const warnings = [config.findWarning, unhonouredWarning({ ...config, unhonoured })].filter((w): w is string => w !== undefined);
  return {
    config,
    ssh: {
      ...(ssh.port !== undefined ? { port: ssh.port } : {}),
      ...(ssh.proxyJump !== undefined ? { proxyJump: ssh.proxyJump } : {}),
      ...(ssh.keepaliveSeconds !== undefined ? { keepaliveSeconds: ssh.keepaliveSeconds } : {}),
      ...(ssh.knownHostsFile !== undefined ? { knownHostsFile: ssh.knownHostsFile } : {}),
      ...(ssh.configFile !== undefined ? { sshConfigFile: ssh.configFile } : {}),
    },
    warnings,
  };
}

/**
 * applyAnsibleConfig for a command about to run: its warnings on stderr as
 * Ansible's `[WARNING]:` lines, and at -v ansible-playbook's first line
 * naming the config file (text output only).
 */
export function configureCommand(cmd: Command, flags: ConfigurableFlags & { verbose: number }, opts: ReadOptions & { adhoc?: boolean } = {}): SshExtras {
  const applied = applyAnsibleConfig(cmd, flags, opts);
  for (const w of applied.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  if (flags.verbose >= 1 && flags.output !== 'json') process.stdout.write(`${configFileLine(applied.config)}\n`);
  return applied.ssh;
}
