// Reading OpenSSH client config (~/.ssh/config) for one host, with the
// `ssh-config` package: Host, HostName, User, Port, IdentityFile, ProxyJump.
//
// `Include` is followed (ssh-config-include.ts). Not supported: `Match exec`
// (never run: config text must not run commands on the controller). ProxyJump
// hops are resolved in factory.ts.
import * as os from 'node:os';
import * as path from 'node:path';
import SSHConfig from 'ssh-config';
import { readParsed } from './file-cache.js';
import { expandIncludes, loadConfigTree } from './ssh-config-include.js';

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  /** In file order, `~` and %d %h %u %r %% expanded. */
  identityFiles: string[];
  proxyJump?: string;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function expandTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%([%a-zA-Z])/g, (m, c: string) => (c === '%' ? '%' : (tokens[c] ?? m)));
}

function expandPath(value: string, tokens: Record<string, string>): string {
  const v = expandTokens(value, tokens);
  return v === '~' || v.startsWith('~/') ? path.join(os.homedir(), v.slice(1)) : v;
}

/** Resolve the settings for `host` from ssh config text. */
export function resolveSshConfig(text: string, host: string, options: { user?: string } = {}): SshHostConfig {
  return resolveParsed(SSHConfig.parse(text), host, options);
}

function resolveParsed(config: SSHConfig, host: string, options: { user?: string }): SshHostConfig {
  const c = config.compute(
    options.user ? { Host: host, User: options.user } : { Host: host },
    { ignoreCase: true, matchExec: false },
  );
  const hostNameRaw = one(c['hostname']);
  const hostName = hostNameRaw === undefined ? undefined : expandTokens(hostNameRaw, { h: host, '%': '%' });
  const user = one(c['user']);
  const portText = one(c['port']);
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const localUser = os.userInfo().username;
  const tokens: Record<string, string> = {
    d: os.homedir(),
    h: hostName ?? host,
    n: host,
    u: localUser,
    r: user ?? options.user ?? localUser,
  };
  const identityFiles = all(c['identityfile']).map((f) => expandPath(f, tokens));
  const proxyJump = one(c['proxyjump']);
  return {
    ...(hostName !== undefined ? { hostName } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
    identityFiles,
    ...(proxyJump !== undefined && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
  };
}

/**
 * Read `file` (default ~/.ssh/config; missing = empty) and resolve `host`. The
 * file is parsed once while it is unchanged (file-cache.ts), not once per host.
 */
export async function readSshConfig(host: string, options: { file?: string; user?: string; home?: string } = {}): Promise<SshHostConfig> {
  const home = options.home ?? os.homedir();
  const file = options.file ?? path.join(home, '.ssh', 'config');
  const read = (f: string) => readParsed(f, 'ssh_config', (data) => SSHConfig.parse(data.toString('utf8')));
  try {
    return resolveParsed(expandIncludes(await loadConfigTree(file, read, home), host), host, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return resolveParsed(SSHConfig.parse(''), host, options);
  }
}
