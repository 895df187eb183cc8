// A real OpenSSH server on loopback for the SSH connection tests: generated host
// and client keys, its own config, pid file and temp dir. Only the sshd (and
// ssh-agent) this fixture starts is ever killed, by pid.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** Why the SSH tests cannot run here, or undefined if they can. */
export function sshdUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'SSH tests need Linux';
  if (process.getuid?.() !== 0) return 'SSH tests start sshd and need root';
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install -y openssh-server)`;
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'ssh-keygen is missing';
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function keygen(file: string, passphrase = '', type = 'ed25519'): { privateKey: string; publicKey: string } {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'tsplay-test', '-f', file], { stdio: 'ignore' });
  return { privateKey: file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** `SHA256:...` as ssh-keygen prints it. */
export function sshKeygenFingerprint(pubFile: string): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' });
  return out.split(/\s+/)[1]!;
}

function waitForPort(port: number, timeoutMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`sshd exited (${child.exitCode}):\n${log()}`));
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}:\n${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface TestUser {
  name: string;
  password: string;
}

export class SshdFixture {
  dir = '';
  port = 0;
  hostKey = '';
  hostPublicKey = '';
  clientKey = '';
  passphraseKey = '';
  readonly passphrase = 'correct horse battery staple';
  wrongKey = '';
  otherHostPublicKey = '';
  /** known_hosts holding the server's real key. */
  knownHosts = '';
  user: TestUser | undefined;
  userError: string | undefined;
  private child: ChildProcess | undefined;
  private agentChild: ChildProcess | undefined;
  private stderr = '';

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'tsplay-sshd-'));
    chmodSync(this.dir, 0o755); // the password test user needs to reach its home
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    this.hostKey = path.join(this.dir, 'ssh_host_ed25519_key');
    this.hostPublicKey = keygen(this.hostKey).publicKey;
    this.otherHostPublicKey = keygen(path.join(this.dir, 'other_host_key')).publicKey;
    this.clientKey = path.join(this.dir, 'id_client');
    const client = keygen(this.clientKey);
    this.passphraseKey = path.join(this.dir, 'id_passphrase');
    const pass = keygen(this.passphraseKey, this.passphrase);
    this.wrongKey = path.join(this.dir, 'id_wrong');
    keygen(this.wrongKey);
    const authorized = path.join(this.dir, 'authorized_keys');
    writeFileSync(authorized, `${client.publicKey}\n${pass.publicKey}\n`, { mode: 0o644 });
    this.port = await freePort();
    const config = path.join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `HostKey ${this.hostKey}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'StrictModes no',
        'PermitRootLogin yes',
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'MaxStartups 100:30:200',
        'MaxSessions 50',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const [keyType, keyB64] = this.hostPublicKey.split(' ');
    this.knownHosts = path.join(this.dir, 'known_hosts');
    writeFileSync(this.knownHosts, `[127.0.0.1]:${this.port} ${keyType} ${keyB64}\n`);
    this.createUser();
    this.child = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(this.port), '-o', 'ListenAddress=127.0.0.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    await waitForPort(this.port, 60_000, this.child, () => this.stderr);
  }

  private createUser(): void {
    const name = `tsp${Math.random().toString(36).slice(2, 9)}`;
    const home = path.join(this.dir, 'home');
    try {
      execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', name], { stdio: 'pipe' });
    } catch (e) {
      this.userError = `useradd failed: ${(e as Error).message}`;
      return;
    }
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    this.user = { name, password };
    try {
      mkdirSync(home, { mode: 0o755 });
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      chownSync(home, uid, gid);
      execFileSync('chpasswd', [], { input: `${name}:${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e) {
      this.userError = `setting up ${name} failed: ${(e as Error).message}`;
    }
  }

  /** Start an ssh-agent holding the client key; returns its socket. */
  async startAgent(): Promise<string> {
    const sock = path.join(this.dir, 'agent.sock');
    this.agentChild = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (!existsSync(sock)) {
      if (Date.now() > deadline) throw new Error('ssh-agent did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
    execFileSync('ssh-add', [this.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    return sock;
  }

  /** Kill the per-connection sshd processes (children of our sshd): drops every open connection. */
  dropConnections(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    let out = '';
    try {
      out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    } catch {
      return; // none
    }
    for (const child of out.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(child), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  get log(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    if (this.agentChild?.pid && this.agentChild.exitCode === null) this.agentChild.kill('SIGTERM');
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    if (this.user) {
      try {
        execFileSync('userdel', [this.user.name], { stdio: 'ignore' });
      } catch {
        // best effort
      }
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
