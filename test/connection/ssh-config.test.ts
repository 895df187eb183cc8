import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSshConfig, resolveSshConfig } from '../../src/connection/ssh-config.js';

describe('ssh config', () => {
  const text = `
Host web*
  HostName 10.0.0.%h
  User deploy
  IdentityFile ~/.ssh/deploy_%r
  ProxyJump bastion
Host db
  Port 2200
Host *
  IdentityFile %d/.ssh/id_ed25519
  User nobody
`;
  it('resolves Host, HostName, User, Port, IdentityFile, ProxyJump', () => {
    expect(resolveSshConfig(text, 'web1')).toEqual({
      hostName: '10.0.0.web1',
      user: 'deploy',
      identityFiles: [path.join(os.homedir(), '.ssh/deploy_deploy'), path.join(os.homedir(), '.ssh/id_ed25519')],
      proxyJump: 'bastion',
    });
    expect(resolveSshConfig(text, 'db')).toEqual({
      port: 2200,
      user: 'nobody',
      identityFiles: [path.join(os.homedir(), '.ssh/id_ed25519')],
    });
    expect(resolveSshConfig('', 'x')).toEqual({ identityFiles: [] });
  });
});

// Include, compared with OpenSSH itself: `ssh -G -F FILE HOST` prints the
// settings ssh would use (nothing is contacted).
describe('ssh config Include, as ssh -G resolves it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsplay-ssh-include-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
  const write = (rel: string, text: string) => writeFileSync(path.join(home, '.ssh', rel), text);
  write('conf.d/10-web', 'Host web*\n  HostName 10.0.0.1\n  Port 2201\n');
  write('conf.d/20-web', 'Host web1\n  HostName 10.0.0.2\n  User second\n');
  write('conf.d/notes.txt', 'Host web1\n  User never\n');
  write('db-settings', 'Port 2300\nUser dbadmin\nHost db-replica\n  HostName 10.0.1.2\n');
  write('off-settings', 'User off\n');
  write('loop', 'Include loop\n');
  write(
    'config',
    [
      'Include conf.d/*-web',
      `Include ${path.join(home, '.ssh', 'missing')}`,
      'Host db*',
      '  HostName 10.0.1.1',
      '  Include db-settings',
      '  IdentityFile ~/.ssh/db_key',
      '  User after-include',
      'Host off',
      '  Include off-settings',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'),
  );
  const file = path.join(home, '.ssh', 'config');
  const hasSsh = spawnSync('ssh', ['-V']).status === 0;

  /** What ssh -G says of the settings tsplay reads. */
  function openssh(host: string): { hostName: string; user: string; port: number } {
    const r = spawnSync('ssh', ['-G', '-F', file, host], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    const get = (k: string) => new RegExp(`^${k} (.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
    return { hostName: get('hostname'), user: get('user'), port: Number(get('port')) };
  }

  for (const host of ['web1', 'web2', 'db', 'db-replica', 'off', 'other']) {
    it.skipIf(!hasSsh && process.env.CI !== 'true')(`${host}`, async () => {
      const ours = await readSshConfig(host, { file, home });
      expect({ hostName: ours.hostName ?? host, user: ours.user ?? os.userInfo().username, port: ours.port ?? 22 }).toEqual(openssh(host));
    });
  }

  it('an Include that includes itself is refused, as ssh refuses it', async () => {
    const loop = path.join(home, '.ssh', 'loop');
    await expect(readSshConfig('x', { file: loop, home })).rejects.toThrow(/too many recursive configuration includes/);
    expect(spawnSync('ssh', ['-G', '-F', loop, 'x'], { encoding: 'utf8', env: { ...process.env, HOME: home } }).status).not.toBe(0);
  });
});
