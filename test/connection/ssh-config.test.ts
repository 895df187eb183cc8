import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSshConfig } from '../../src/connection/ssh-config.js';

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
