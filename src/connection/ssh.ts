// The `ssh` connection: one ssh2 connection per host, and on it one long-lived
// `/bin/sh` channel that runs every command of the host through the framed
// protocol in ssh-session.ts (about 1 ms a command instead of 130-170 ms for a
// new channel per command; see PERF.md).
//
// - Commands are serialised per connection (a promise queue).
// - Host keys are verified against known_hosts before anything else happens
//   (strict / accept-new / off); see known-hosts.ts.
// - Auth: `none` first (to learn what the server allows), then the agent, the
//   private key (given, or the default ~/.ssh/id_* ones that need no
//   passphrase), then password and keyboard-interactive with the password.
// - If the shell channel dies while the TCP connection lives (e.g. a command
//   killed its own shell), the command that was running fails with
//   UnreachableError and the next command opens a fresh shell channel. If the
//   TCP connection is gone, the running and every later command fail with
//   UnreachableError; there is no reconnect.
// - ProxyJump (`jump`): the first hop is reached directly, each later hop and
//   the target through a direct-tcpip channel (forwardOut) of the hop before.
//   Every hop's host key is verified like the target's; close() closes all.
import { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client as ClientType, ParsedKey } from 'ssh2';
import { UnreachableError, type Connection, type ExecOptions, type ExecResult } from './connection.js';
import { readParsed, secretKind } from './file-cache.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintSha256,
  keyTypeOf,
  knownHostName,
  loadKnownHosts,
  preferredHostKeyAlgorithms,
  type KnownHostEntry,
} from './known-hosts.js';
import { handshakeGate } from './handshake-gate.js';
import { ShellSession } from './ssh-session.js';
import { agentWanted, HostAgent } from './host-agent.js';
import { agentCommand } from './host-agent-program.js';

const { Client, utils } = ssh2;

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export interface SshOptions {
  /** Inventory name of the host (used in messages). */
  host: string;
  /** Address to connect to (ansible_host). */
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  passphrase?: string;
  password?: string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  /** Defaults to ~/.ssh/known_hosts (then /etc/ssh/ssh_known_hosts is also read). */
  knownHostsFile?: string;
  hostKeyChecking: HostKeyChecking;
  /** TCP connect + handshake + auth + shell start; default 10000. */
  connectTimeoutMs: number;
  /** SSH-level keepalive; default 15000 ms, 0 disables. Three missed ones drop the host. */
  keepaliveIntervalMs?: number;
  /** Without privateKeyFile, try ~/.ssh/id_{ed25519,ecdsa,rsa} (default true). */
  defaultIdentities?: boolean;
  /** Cap on one command's stdout (and stderr); default 256 MiB. */
  maxOutputBytes?: number;
  /** ProxyJump hops, in order (the first is reached directly). */
  jump?: SshJumpHop[];
  /** ansible_python_interpreter: the Python for the host agent (default: found on the host). */
  pythonInterpreter?: string;
  /**
   * When the host agent starts: with the connection (default: ready by the
   * first file task), or at the first file operation (nothing starts on hosts
   * a playbook never writes to).
   */
  startAgent?: 'at-connect' | 'on-demand';
}

/**
 * One ProxyJump hop. It is authenticated with the agent and its own key or
 * else the target's, never with the target's password.
 */
export interface SshJumpHop {
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

const PREFIX = 'Failed to connect to the host via ssh: ';

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key found')) : parsed;
}

/**
 * Parse a private key file, once per file and passphrase while the file is
 * unchanged (file-cache.ts): parallel hosts share one parsed key (an encrypted
 * key's KDF runs once, not once per host). The result is shared: read-only.
 */
export function parsedKeyFile(file: string, passphrase?: string): Promise<ParsedKey | Error> {
  return readParsed(expandHome(file), secretKind('private-key', passphrase), (data) => firstKey(utils.parseKey(data, passphrase)));
}

async function loadPrivateKey(file: string, passphrase: string | undefined): Promise<ParsedKey> {
  let key: ParsedKey | Error;
  try {
    key = await parsedKeyFile(file, passphrase);
  } catch (e) {
    throw new UnreachableError(`${PREFIX}cannot read private key ${file}: ${(e as Error).message}`);
  }
  if (key instanceof Error) {
    const hint = /passphrase/i.test(key.message)
      ? passphrase === undefined
        ? ' (the key is encrypted: give its passphrase)'
        : ' (wrong passphrase?)'
      : '';
    throw new UnreachableError(`${PREFIX}cannot load private key ${file}: ${key.message}${hint}`);
  }
  if (!key.isPrivateKey()) throw new UnreachableError(`${PREFIX}${file} is not a private key`);
  return key;
}

async function defaultKeys(): Promise<ParsedKey[]> {
  const keys: ParsedKey[] = [];
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    let key: ParsedKey | Error;
    try {
      key = await parsedKeyFile(path.join(os.homedir(), '.ssh', name));
    } catch {
      continue;
    }
    if (!(key instanceof Error) && key.isPrivateKey()) keys.push(key); // encrypted ones are skipped
  }
  return keys;
}

async function authMethods(o: SshOptions): Promise<AnyAuthMethod[]> {
  const username = o.user;
  const methods: AnyAuthMethod[] = [{ type: 'none', username }];
  if (o.agent) methods.push({ type: 'agent', username, agent: o.agent });
  if (o.privateKeyFile) {
    methods.push({ type: 'publickey', username, key: await loadPrivateKey(o.privateKeyFile, o.passphrase) });
  } else if (o.defaultIdentities !== false) {
    for (const key of await defaultKeys()) methods.push({ type: 'publickey', username, key });
  }
  if (o.password !== undefined) {
    const password = o.password;
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return methods;
}

/** What the server's auth method names are for a method we try. */
function serverMethodName(m: AnyAuthMethod): AuthenticationType {
  return m.type === 'agent' ? 'publickey' : m.type;
}

/** The least time a host that answered gets to log in and start its shell (see connectNow). */
const LOGIN_LIMIT_MS = 120_000;

function describeNetworkError(e: Error & { code?: string; level?: string }, o: SshOptions): string {
  const where = `connect to host ${o.address} port ${o.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${where}: Connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not resolve hostname ${o.address}: Name or service not known`;
    case 'EHOSTUNREACH':
      return `${where}: No route to host`;
    case 'ENETUNREACH':
      return `${where}: Network is unreachable`;
    case 'ETIMEDOUT':
      return `${where}: Connection timed out`;
    case 'ECONNRESET':
      return `${where}: Connection reset by peer`;
  }
  if (e.level === 'client-timeout') return `${where}: Connection timed out (no SSH handshake within ${o.connectTimeoutMs} ms)`;
  return `${where}: ${e.message}`;
}

export class SshConnection implements Connection {
  readonly host: string;
  private client: ClientType | undefined;
  private readonly jumpClients: ClientType[] = [];
  private session: ShellSession | undefined;
  private tcpAlive = false;
  private lostReason = 'the connection is closed';
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly label: string;
  /** Undefined until started (at connect, or on the first agent() call). */
  private hostAgent: Promise<HostAgent | undefined> | undefined;

  constructor(private readonly options: SshOptions) {
    this.host = options.host;
    this.label = `${options.user}@${options.address}:${options.port}`;
  }

  /** Connect (through the jump hops, if any), verify the host keys, authenticate and start the shell. */
  async connect(): Promise<void> {
    const leave = await handshakeGate().enter();
    try {
      await this.connectNow();
    } finally {
      leave();
    }
  }

  /**
   * connect() once this connection's turn has come: the timeouts count from
   * here. As OpenSSH's ConnectTimeout (what Ansible's timeout sets), the
   * connect timeout covers reaching the server, up to the end of its key
   * exchange (each handshake() has its own). Logging in and starting the
   * shell only need CPU on a host that has answered: a busy machine may make
   * them slow, which is no sign that the host is down, so they get a longer
   * limit that only a host that hangs reaches.
   */
  private async connectNow(): Promise<void> {
    const o = this.options;
    const deadline = Date.now() + Math.max(LOGIN_LIMIT_MS, 6 * o.connectTimeoutMs);

    // Host key policy, decided before the handshakes from known_hosts.
    let knownHostsFile = '';
    let entries: KnownHostEntry[] = [];
    if (o.hostKeyChecking !== 'off') {
      knownHostsFile = expandHome(o.knownHostsFile ?? '~/.ssh/known_hosts');
      const files = o.knownHostsFile ? [knownHostsFile] : [knownHostsFile, '/etc/ssh/ssh_known_hosts'];
      try {
        entries = await loadKnownHosts(files);
      } catch (e) {
        throw new UnreachableError(`${PREFIX}cannot read ${knownHostsFile}: ${(e as Error).message}`);
      }
    }
    const known = { file: knownHostsFile, entries };

    let sock: Duplex | undefined;
    let client: ClientType;
    try {
      const hops = o.jump ?? [];
      for (const [i, hop] of hops.entries()) {
        const hopOptions: SshOptions = {
          ...o,
          ...hop,
          host: `${o.host} (jump host ${hop.address})`,
          privateKeyFile: hop.privateKeyFile ?? o.privateKeyFile,
          password: undefined,
        };
        const hopClient = await this.handshake(hopOptions, known, deadline, sock);
        this.jumpClients.push(hopClient);
        const next = hops[i + 1] ?? o;
        sock = await new Promise<Duplex>((resolve, reject) =>
          hopClient.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) =>
            err
              ? reject(new UnreachableError(`${PREFIX}jump host ${hop.address}: cannot open a channel to ${next.address} port ${next.port}: ${err.message}`))
              : resolve(stream),
          ),
        );
      }
      client = await this.handshake(o, known, deadline, sock);
    } catch (e) {
      this.closeJumps();
      throw e;
    }
    this.client = client;
    this.tcpAlive = true;
    this.lostReason = 'the connection was closed by the remote host';
    client.on('error', (e: Error) => {
      this.lostReason = e.message;
    });
    client.on('close', () => {
      this.tcpAlive = false;
    });
    if (!sock) client.setNoDelay(true);
    // The agent's channel opens alongside the shell's; nothing waits for it
    // until the first file operation.
    if (o.startAgent !== 'on-demand') this.hostAgent = this.startAgent(Math.max(1000, deadline - Date.now()));
    try {
      this.session = await ShellSession.open(
        client,
        { label: this.label, maxOutputBytes: o.maxOutputBytes },
        Math.max(1000, deadline - Date.now()),
      );
    } catch (e) {
      client.end();
      this.closeJumps();
      throw e;
    }
  }

  /** The host's agent, if it has one running (see host-agent.ts); started now if it was not yet. */
  agent(): Promise<HostAgent | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    this.hostAgent ??= this.startAgent(this.options.connectTimeoutMs);
    // One promise a call (every file task asks): not an async function.
    return this.hostAgent.then((agent) => (agent?.alive && !this.closed ? agent : undefined));
  }

  private startAgent(timeoutMs: number): Promise<HostAgent | undefined> {
    if (!agentWanted() || !this.client || !this.tcpAlive) return Promise.resolve(undefined);
    return startAgentChannel(this.client, this.options.pythonInterpreter, timeoutMs);
  }

  private closeJumps(): void {
    for (const c of this.jumpClients.splice(0).reverse()) c.end();
  }

  /**
   * One SSH handshake and authentication with `o.address` (directly, or over
   * `sock`, a channel of the previous hop); resolves with the ready client.
   * A new host key (accept-new) is recorded once the server proved it holds it.
   */
  private async handshake(
    o: SshOptions,
    known: { file: string; entries: KnownHostEntry[] },
    deadline: number,
    sock: Duplex | undefined,
  ): Promise<ClientType> {
    const methods = await authMethods(o);
    const { file: knownHostsFile, entries } = known;
    const name = knownHostName(o.address, o.port);
    let hostKeyError: string | undefined;
    let newKey: Buffer | undefined;
    const verify = (blob: Buffer): boolean => {
      if (o.hostKeyChecking === 'off') return true;
      const check = checkHostKey(entries, name, blob);
      const type = keyTypeOf(blob);
      const fp = fingerprintSha256(blob);
      const who = `${o.host} (${name})`;
      switch (check.status) {
        case 'known':
          return true;
        case 'revoked':
          hostKeyError = `Host key verification failed for ${who}: the ${type} key ${fp} is marked @revoked in ${check.entry.file} line ${check.entry.line}. Refusing to connect.`;
          return false;
        case 'changed':
          hostKeyError =
            `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${who}! The server presented the ${type} key ${fp}, ` +
            `but ${check.entry.file} line ${check.entry.line} holds a different ${check.entry.keyType} key ` +
            `(${fingerprintSha256(check.entry.key)}). Someone could be eavesdropping on you (man-in-the-middle), or the host key ` +
            `has just been changed. Refusing to connect, whatever --host-key-checking says. If the change is expected, ` +
            `remove the old key with: ssh-keygen -f ${check.entry.file} -R '${name}'`;
          return false;
        case 'unknown':
          if (o.hostKeyChecking === 'accept-new') {
            newKey = blob;
            return true;
          }
          hostKeyError =
            `Host key verification failed for ${who}: the server presented the ${type} key ${fp}, ` +
            `which is not in ${knownHostsFile}` +
            (check.otherTypes.length > 0 ? ` (keys of other types are known: ${check.otherTypes.join(', ')})` : '') +
            `. Check the fingerprint, then either add the key to ${knownHostsFile} ` +
            `(e.g. ssh-keyscan -p ${o.port} ${o.address} >> ${knownHostsFile}) or run with --host-key-checking=accept-new to record it on first connection.`;
          return false;
      }
    };

    let allowed: string[] | undefined;
    let next = 0;
    const client = new Client();
    let recording: Promise<void> | undefined;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (message: string): void => {
        if (settled) return;
        settled = true;
        client.end();
        client.destroy();
        reject(new UnreachableError(PREFIX + message));
      };
      // Reaching the server: TCP, its identification and the key exchange.
      const reaching = setTimeout(
        () => fail(`connect to host ${o.address} port ${o.port}: Connection timed out (no SSH handshake within ${o.connectTimeoutMs} ms)`),
        o.connectTimeoutMs,
      );
      client.on('close', () => clearTimeout(reaching));
      client.on('handshake', () => {
        clearTimeout(reaching);
        // The server proved it holds the key; only now is a new one recorded.
        if (newKey && !recording) recording = appendKnownHost(knownHostsFile, name, newKey);
      });
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        resolve();
      });
      client.on('error', (e: Error & { code?: string; level?: string }) => {
        if (settled) return;
        if (hostKeyError) return fail(hostKeyError);
        if (e.level === 'client-authentication') {
          return fail(`${o.user}@${o.address}: Permission denied (${(allowed ?? ['publickey']).join(',')}).`);
        }
        return fail(describeNetworkError(e, o));
      });
      client.on('close', () => {
        if (!settled) fail(hostKeyError ?? `connection to ${o.address} port ${o.port} closed by remote host`);
      });
      try {
        client.connect({
          ...(sock ? { sock } : { host: o.address, port: o.port }),
          username: o.user,
          readyTimeout: Math.max(1000, deadline - Date.now()),
          keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: 3,
          algorithms: { serverHostKey: preferredHostKeyAlgorithms(entries, name) as never },
          hostVerifier: verify,
          authHandler: (methodsLeft, _partial, nextAuth) => {
            if (methodsLeft) allowed = methodsLeft;
            while (next < methods.length) {
              const m = methods[next++]!;
              if (!methodsLeft || m.type === 'none' || methodsLeft.includes(serverMethodName(m))) return nextAuth(m);
            }
            return nextAuth(false as never);
          },
        });
      } catch (e) {
        fail((e as Error).message);
      }
    });

    if (recording) {
      try {
        await recording;
      } catch (e) {
        client.end();
        throw new UnreachableError(`${PREFIX}cannot record the host key in ${knownHostsFile}: ${(e as Error).message}`);
      }
    }
    return client;
  }

  private async shell(): Promise<ShellSession> {
    if (this.closed) throw new UnreachableError(`${this.label}: the connection is closed`);
    if (this.session?.alive) return this.session;
    if (!this.tcpAlive || !this.client) throw new UnreachableError(`SSH connection to ${this.label} lost: ${this.lostReason}`);
    // The shell died but the connection lives: start a new shell.
    this.session = await ShellSession.open(
      this.client,
      { label: this.label, maxOutputBytes: this.options.maxOutputBytes },
      this.options.connectTimeoutMs,
    );
    return this.session;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = options.stdin === undefined ? undefined : Buffer.isBuffer(options.stdin) ? options.stdin : Buffer.from(options.stdin);
    const run = async (): Promise<ExecResult> => {
      const session = await this.shell();
      try {
        return await session.run(command, stdin);
      } catch (e) {
        if (e instanceof UnreachableError && !this.closed) {
          // When the host drops, the channel usually closes just before the
          // TCP connection does: give that a moment to tell the two apart.
          await new Promise((r) => setTimeout(r, 25));
          if (!this.tcpAlive) throw new UnreachableError(`SSH connection to ${this.label} lost: ${this.lostReason}`);
        }
        throw e;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  tcpSocket(): Socket | undefined {
    // ssh2 keeps the socket it made as _sock; through jump hosts, the first hop's.
    const sock = ((this.jumpClients[0] ?? this.client) as unknown as { _sock?: unknown } | undefined)?._sock;
    return !this.closed && this.tcpAlive && sock instanceof Socket ? sock : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The disconnect below closes every channel: theirs need no packets of their own.
    const client = this.client;
    const disconnecting = client !== undefined && this.tcpAlive;
    this.session?.close(!disconnecting);
    void this.hostAgent?.then((a) => a?.close(undefined, !disconnecting));
    if (!client || !this.tcpAlive) {
      client?.destroy();
      this.closeJumps();
      return;
    }
    // Direct connections: the disconnect is sent and the socket half-closed at
    // once; the server's close is not awaited (a run would spend a round trip
    // and the host's teardown per host on it). Through jump hosts, the target
    // closes before the hops that carry it.
    const direct = this.jumpClients.length === 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2000);
      timer.unref();
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
      if (direct) resolve();
    });
    this.closeJumps();
  }
}

/** Start the host agent on its own exec channel; undefined when the host has no usable Python. */
function startAgentChannel(client: ClientType, interpreter: string | undefined, timeoutMs: number): Promise<HostAgent | undefined> {
  return new Promise((resolve) => {
    try {
      client.exec(agentCommand(interpreter), (err, channel) => {
        if (err) return resolve(undefined);
        channel.stderr.resume(); // a traceback is of no use here; keep the channel flowing
        const started = HostAgent.start({ input: channel, output: channel, ended: channel }, timeoutMs);
        resolve(started);
      });
    } catch {
      resolve(undefined);
    }
  });
}

/** Open an SSH connection to one host; throws UnreachableError on failure. */
export async function openSsh(options: SshOptions): Promise<Connection> {
  const conn = new SshConnection({ ...options, connectTimeoutMs: options.connectTimeoutMs || 10_000 });
  await conn.connect();
  return conn;
}
