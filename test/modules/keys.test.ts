// apt_key and rpm_key: key ids read from gpg's and apt-key's listings (a key
// made by gpg here), apt_key's id rules, and what each module decides and
// sends (scripted connections; lab runs are in test/integration/ssh-cases).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import aptKey, { parseKeyId } from '../../modules/apt_key.js';
import rpmKey from '../../modules/rpm_key.js';
import { firstKey, keyIdsOfListing } from '../../src/keys/gpg-keys.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import type { Module } from '../../src/module-api/module-types.js';
import type { ExecOptions } from '../../src/connection/connection.js';
import { ScriptedConnection, type Expectation } from '../host/scripted-connection.js';
import { makeContext, tempDir } from './module-harness.js';

async function run(module: Module<any, any>, args: Record<string, unknown>, script: Expectation[], check = false) {
  const conn = new ScriptedConnection(script);
  const stdins: (string | undefined)[] = [];
  const exec = conn.exec.bind(conn);
  conn.exec = async (command: string, o?: ExecOptions) => {
    stdins.push(o?.stdin?.toString());
    return exec(command, o);
  };
  const checked = checkArgs(module, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const out = await planAndApply(module, { ...makeContext(checked.args as never), conn }, check);
  return { ...out, conn, stdins };
}

describe('a key made by gpg', () => {
  let home: { dir: string; cleanup: () => void };
  let listing = '';
  let keyid = '';
  let fpr = '';
  beforeAll(() => {
    home = tempDir('tsplay-gpg-');
    const env = { ...process.env, GNUPGHOME: home.dir };
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'tsplay unit <unit@example.invalid>', 'ed25519', 'sign', 'never'], { env, stdio: 'ignore' });
    const file = join(home.dir, 'key.asc');
    execFileSync('gpg', ['--batch', '--armor', '--output', file, '--export', 'unit@example.invalid'], { env });
    listing = execFileSync('gpg', ['--no-tty', '--batch', '--with-colons', '--fixed-list-mode', '--with-fingerprint', file], { env }).toString();
    const colons = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', 'unit@example.invalid'], { env }).toString();
    keyid = /^pub:[^:]*:[^:]*:[^:]*:([0-9A-F]{16}):/m.exec(colons)![1]!;
    fpr = /^fpr:(?::[^:]*){7}:([0-9A-F]{40}):/m.exec(colons)![1]!;
  }, 60_000);
  afterAll(() => home.cleanup());

  it("reads the key id and fingerprint from gpg's listing of the key file", () => {
    expect(firstKey(listing)).toEqual({ keyid, fingerprint: fpr });
    expect(keyIdsOfListing(listing)).toEqual([keyid]);
    expect(keyIdsOfListing(listing, true)).toEqual([keyid.slice(-8)]);
  });
});

describe('apt_key', () => {
  it("reads apt-key's long listing, leaving out expired keys", () => {
    const listing = [
      '/etc/apt/trusted.gpg.d/x.gpg',
      '----------------------------',
      'pub   ed25519/64D81CF5431CC749 2026-12-07 [SC]',
      '      ABCD',
      'uid                 [ unknown] x',
      'sub   cv25519/1111222233334444 2026-12-07 [E]',
      'pub   rsa2048/AAAABBBBCCCCDDDD 2010-01-01 [SC] [expired: 2012-01-01]',
    ].join('\n');
    expect(keyIdsOfListing(listing)).toEqual(['64D81CF5431CC749', '1111222233334444']);
  });

  it.each([
    ['deadbeef', ['DEADBEEF', 'DEADBEEF', 'DEADBEEF']],
    ['0x64d81cf5431cc749', ['431CC749', '64D81CF5431CC749', '64D81CF5431CC749']],
    ['0123456789ABCDEF0123', ['CDEF0123', '456789ABCDEF0123', '0123456789ABCDEF0123']],
    ['12345', undefined],
    ['xyz12345', undefined],
  ] as const)('key id %s', (id, parts) => {
    expect(parseKeyId(id)).toEqual(parts);
  });

  it('adds inline data with apt-key add - (the key on stdin), then checks the listing', async () => {
    const data = '-----BEGIN PGP PUBLIC KEY BLOCK-----\nxyz\n-----END PGP PUBLIC KEY BLOCK-----\n';
    const r = await run(aptKey, { data, keyring: '/etc/apt/trusted.gpg.d/x y.gpg' }, [
      { match: 'gpg --with-colons -', reply: { stdout: '@@key\npub:-:255:22:64D81CF5431CC749:1:::-:::scSC::::::23::0:\n@@list\n' } },
      { match: /apt-key --keyring .*x y\.gpg.* add -/, reply: { stdout: '@@list\npub   ed25519/64D81CF5431CC749 2026-12-07 [SC]\n' } },
    ]);
    expect(r.stdins).toEqual([data, data]);
    expect(r.applied!.result).toEqual({
      changed: true,
      id: '64D81CF5431CC749',
      short_id: '431CC749',
      fp: '64D81CF5431CC749',
      key_id: '64D81CF5431CC749',
      before: [],
      after: ['64D81CF5431CC749'],
    });
  });

  it('removes by the short id when the listing has the key; fails when it stays', async () => {
    const listed = '@@list\npub   ed25519/64D81CF5431CC749 2026-12-07 [SC]\n';
    const check = await run(aptKey, { id: '64D81CF5431CC749', state: 'absent' }, [{ match: 'apt-key adv --list-public-keys', reply: { stdout: listed } }], true);
    expect(check.plan.changed).toBe(true);
    await expect(
      run(aptKey, { id: '64D81CF5431CC749', state: 'absent' }, [
        { match: 'apt-key adv --list-public-keys', reply: { stdout: listed } },
        { match: 'apt-key del 431CC749', reply: { stdout: listed } },
      ]),
    ).rejects.toThrow('apt-key did not return an error, but the key was not removed');
    await expect(run(aptKey, { id: '12345' }, [{ match: 'apt-key', reply: { stdout: '@@list\n' } }])).rejects.toThrow('Invalid key_id');
    expect(checkArgs(aptKey, { data: 'x', url: 'http://127.0.0.1/k' }).ok).toBe(false);
  });
});

describe('rpm_key', () => {
  const imported = '@@rpm\npub:-:255:22:64D81CF5431CC749:1:::-:::scSC::::::23::0:\n';
  const file = '@@file\npub:-:255:22:64D81CF5431CC749:1:::-:::scSC::::::23::0:\nfpr:::::::::0B2C834BDCE1975E87A0B56364D81CF5431CC749:\n';

  it('imports a key file that is not imported yet; ok when it is', async () => {
    const r = await run(rpmKey, { key: '/tmp/k y.asc' }, [
      { match: /f=.*\/tmp\/k y\.asc/, reply: { stdout: `${file}@@rpm\n` } },
      { match: /rpm --import .*\/tmp\/k y\.asc/, reply: {} },
    ]);
    expect(r.applied ? r.applied.result : r.plan.result).toEqual({ changed: true });
    const ok = await run(rpmKey, { key: '/tmp/k.asc' }, [{ match: 'gpg', reply: { stdout: `${file}${imported}` } }]);
    expect(ok.plan.changed).toBe(false);
  });

  it('checks the fingerprint before importing, erases by the last 8 digits of an id', async () => {
    await expect(run(rpmKey, { key: '/tmp/k.asc', fingerprint: 'AAAA' }, [{ match: 'gpg', reply: { stdout: `${file}@@rpm\n` } }])).rejects.toThrow(
      "The specified fingerprint, 'AAAA', does not match the key fingerprint '0B2C834BDCE1975E87A0B56364D81CF5431CC749'",
    );
    const rm = await run(rpmKey, { key: '0x64d81cf5431cc749', state: 'absent' }, [{ match: 'rpm -q gpg-pubkey', reply: { stdout: imported } }], true);
    expect(rm.plan.steps!.map((s) => s.summary)).toEqual(['rpm --erase --allmatches gpg-pubkey-431cc749']);
    await expect(run(rpmKey, { key: 'deadbeef' }, [{ match: 'rpm -q', reply: { stdout: '@@rpm\n' } }])).rejects.toThrow('When importing a key, a valid file must be given');
    await expect(run(rpmKey, { key: '/nope.asc' }, [{ match: 'nope', reply: { rc: 3 } }])).rejects.toThrow('Not a valid key /nope.asc');
  });
});
