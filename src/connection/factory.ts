// Choosing and opening a host's connection from its (templated) variables and
// the command line: `local`, or SSH with the user's ssh config, keys, agent,
// password and host-key policy, and ProxyJump hops (from `-o ProxyJump=` / `-J`
// in ansible_ssh_common_args or ansible_ssh_extra_args, else the ssh config).
import { userInfo } from 'node:os';
import { shlexSplit } from '../inventory/shlex.js';
import { UnreachableError, type Connection } from './connection.js';
import { LocalConnection } from './local.js';
// ssh.js pulls in ssh2: loaded only when a host needs SSH, so local runs start faster.
import type { HostKeyChecking, SshJumpHop } from './ssh.js';
import { readSshConfig } from './ssh-config.js';

export interface ConnectionSettings {
  connection?: string;
  user?: string;
  privateKey?: string;
  password?: string;
  passphrase?: string;
  /** Asked for the passphrase of an encrypted key file when `passphrase` is not given. */
  askPassphrase?: (keyFile: string) => Promise<string>;
  timeoutSeconds: number;
  hostKeyChecking: HostKeyChecking;
  knownHostsFile?: string;
  sshConfigFile?: string;
  /** Start the host agent with each connection (the playbooks have file tasks), else on first use. */
  agentAtConnect?: boolean;
  /** From ansible.cfg's ssh_args: below the host's variables, above ~/.ssh/config. */
  port?: number;
  proxyJump?: string;
  keepaliveSeconds?: number;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Ansible's ANSIBLE_HOST_KEY_CHECKING=False maps to `off`. */
export function hostKeyCheckingFromEnv(env: NodeJS.ProcessEnv): HostKeyChecking | undefined {
  const v = env.ANSIBLE_HOST_KEY_CHECKING?.trim().toLowerCase();
  if (v === undefined) return undefined;
  return ['false', 'no', '0', 'off', 'n'].includes(v) ? 'off' : 'strict';
}

/**
 * The ProxyJump value in ssh arguments (`-o ProxyJump=X`, `-oProxyJump=X`,
 * `-o "ProxyJump X"`, `-J X`); as in OpenSSH, the first one given wins.
 */
export function proxyJumpFromArgs(args: string): string | undefined {
  let words: string[];
  try {
    words = shlexSplit(args);
  } catch {
    throw new UnreachableError(`cannot parse the ssh arguments: ${args}`);
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let value: string | undefined;
    if (w === '-J') value = words[++i];
    else if (w.startsWith('-J')) value = w.slice(2);
    else {
      const option = w === '-o' ? words[++i] : w.startsWith('-o') ? w.slice(2) : undefined;
      const m = option?.match(/^\s*proxyjump\s*(?:=\s*|\s+)(.*)$/i);
      if (m) value = m[1]!.trim();
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]` hops, comma-separated; each host looked up in the ssh config. */
async function jumpHops(spec: string, sshConfigFile: string | undefined): Promise<SshJumpHop[] | undefined> {
  if (spec.toLowerCase() === 'none') return undefined;
  const hops: SshJumpHop[] = [];
  for (const part of spec.split(',')) {
    const m = part.trim().match(/^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/);
    if (!m) throw new UnreachableError(`invalid ProxyJump host '${part}' in '${spec}'`);
    const name = m[2]!.replace(/^\[|\]$/g, '');
    const config = await readSshConfig(name, { file: sshConfigFile });
    hops.push({
      address: config.hostName ?? name,
      port: Number(m[3] ?? config.port ?? 22),
      user: m[1] ?? config.user ?? userInfo().username,
      ...(config.identityFiles[0] !== undefined ? { privateKeyFile: config.identityFiles[0] } : {}),
    });
  }
  return hops;
}

/** Whether a private key file is encrypted (needs a passphrase); unreadable or unknown files say no (openSsh reports them). */
async function keyIsEncrypted(file: string): Promise<boolean> {
  const { parsedKeyFile } = await import('./ssh.js');
  let parsed: Awaited<ReturnType<typeof parsedKeyFile>>;
  try {
    parsed = await parsedKeyFile(file);
  } catch {
    return false;
  }
  return parsed instanceof Error && /passphrase/i.test(parsed.message);
}

/** ansible_python_interpreter, unless it asks for discovery ("auto", "auto_silent", ...). */
function pythonInterpreter(vars: Record<string, unknown>): string | undefined {
  const v = str(vars.ansible_python_interpreter);
  return v === undefined || /^auto/.test(v) ? undefined : v;
}

export async function openConnection(host: string, vars: Record<string, unknown>, s: ConnectionSettings): Promise<Connection> {
  const kind = str(s.connection) ?? str(vars.ansible_connection) ?? 'ssh';
  const python = pythonInterpreter(vars);
  if (kind === 'local') return new LocalConnection(host, python);
  if (kind !== 'ssh' && kind !== 'paramiko' && kind !== 'smart') {
    throw new UnreachableError(`the connection type '${kind}' is not supported (use ssh or local)`);
  }
  const address = str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? host;
  const config = await readSshConfig(address, { file: s.sshConfigFile });
  const user = str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? s.user ?? config.user ?? userInfo().username;
  const port = Number(str(vars.ansible_port) ?? str(vars.ansible_ssh_port) ?? s.port ?? config.port ?? 22);
  const keyFile = str(vars.ansible_ssh_private_key_file) ?? s.privateKey ?? config.identityFiles[0];
  const jumpSpec =
    proxyJumpFromArgs(`${str(vars.ansible_ssh_common_args) ?? ''} ${str(vars.ansible_ssh_extra_args) ?? ''}`) ?? s.proxyJump ?? config.proxyJump;
  const jump = jumpSpec === undefined ? undefined : await jumpHops(jumpSpec, s.sshConfigFile);
  let passphrase = s.passphrase;
  if (passphrase === undefined && keyFile !== undefined && s.askPassphrase && (await keyIsEncrypted(keyFile))) {
    try {
      passphrase = await s.askPassphrase(keyFile);
    } catch (e) {
      throw new UnreachableError(`Failed to connect to the host via ssh: the key ${keyFile} is encrypted: ${(e as Error).message}`);
    }
  }
  const { openSsh } = await import('./ssh.js');
  return openSsh({
    host,
    address: config.hostName ?? address,
    port,
    user,
    privateKeyFile: keyFile,
    passphrase,
    password: str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? s.password,
    agent: process.env.SSH_AUTH_SOCK,
    knownHostsFile: s.knownHostsFile,
    hostKeyChecking: s.hostKeyChecking,
    connectTimeoutMs: s.timeoutSeconds * 1000,
    ...(s.keepaliveSeconds !== undefined ? { keepaliveIntervalMs: s.keepaliveSeconds * 1000 } : {}),
    ...(jump ? { jump } : {}),
    ...(python ? { pythonInterpreter: python } : {}),
    startAgent: s.agentAtConnect === false ? 'on-demand' : 'at-connect',
  });
}
