// Choosing and opening a host's connection from its (templated) variables and
// the command line: `local`, or SSH with the user's ssh config, keys, agent,
// password and host-key policy.
import { userInfo } from 'node:os';
import { UnreachableError, type Connection } from './connection.js';
import { LocalConnection } from './local.js';
import { openSsh, type HostKeyChecking } from './ssh.js';
import { readSshConfig } from './ssh-config.js';

export interface ConnectionSettings {
  connection?: string;
  user?: string;
  privateKey?: string;
  password?: string;
  passphrase?: string;
  timeoutSeconds: number;
  hostKeyChecking: HostKeyChecking;
  knownHostsFile?: string;
  sshConfigFile?: string;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Ansible's ANSIBLE_HOST_KEY_CHECKING=False maps to `off`. */
export function hostKeyCheckingFromEnv(env: NodeJS.ProcessEnv): HostKeyChecking | undefined {
  const v = env.ANSIBLE_HOST_KEY_CHECKING?.trim().toLowerCase();
  if (v === undefined) return undefined;
  return ['false', 'no', '0', 'off', 'n'].includes(v) ? 'off' : 'strict';
}

export async function openConnection(host: string, vars: Record<string, unknown>, s: ConnectionSettings): Promise<Connection> {
  const kind = str(s.connection) ?? str(vars.ansible_connection) ?? 'ssh';
  if (kind === 'local') return new LocalConnection(host);
  if (kind !== 'ssh' && kind !== 'paramiko' && kind !== 'smart') {
    throw new UnreachableError(`the connection type '${kind}' is not supported (use ssh or local)`);
  }
  const address = str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? host;
  const config = await readSshConfig(address, { file: s.sshConfigFile });
  const user = str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? s.user ?? config.user ?? userInfo().username;
  const port = Number(str(vars.ansible_port) ?? str(vars.ansible_ssh_port) ?? config.port ?? 22);
  const keyFile = str(vars.ansible_ssh_private_key_file) ?? s.privateKey ?? config.identityFiles[0];
  return openSsh({
    host,
    address: config.hostName ?? address,
    port,
    user,
    privateKeyFile: keyFile,
    passphrase: s.passphrase,
    password: str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? s.password,
    agent: process.env.SSH_AUTH_SOCK,
    knownHostsFile: s.knownHostsFile,
    hostKeyChecking: s.hostKeyChecking,
    connectTimeoutMs: s.timeoutSeconds * 1000,
  });
}
