// Table tests of the account plumbing (src/accounts/): the useradd/usermod/
// userdel and group words Ansible's modules would run, the databases parsed,
// getent's facts, known_hosts decisions, and the user module's probe and
// apply against a scripted host (the hash only ever on stdin).
import { describe, expect, it } from 'vitest';
import { findGroup, parseGroups, parsePasswd, parseShadow, splitSections } from '../../src/accounts/databases.js';
import { expiryWord, passwordWarning, userChange, userdelArgv, useraddArgv, type UserWanted } from '../../src/accounts/user-commands.js';
import { chageArgv } from '../../src/accounts/user-commands.js';
import { groupaddArgv, groupmodArgv } from '../../src/accounts/group-commands.js';
import { getentFacts } from '../../src/accounts/getent-parse.js';
import { contentAfter, normalizeKey, pathInfo, searchHostKey } from '../../src/accounts/known-hosts-file.js';
import { hostnameFacts } from '../../src/accounts/hostname-strategy.js';
import { keygenScript, makeHomeScript } from '../../src/accounts/home-and-keys.js';
import { runSecretSteps } from '../../src/accounts/secret-steps.js';
import { ScriptedConnection } from '../host/scripted-connection.js';

const GROUPS = parseGroups('root:x:0:\nadm:x:4:syslog,bob\nstaff:x:50:\nbob:x:1000:\ndev ops:x:1001:bob\n');
const want = (over: Partial<UserWanted>): UserWanted => ({
  name: 'bob', non_unique: false, update_password: 'always', create_home: true, system: false, move_home: false, append: false, force: false, remove: false, ...over,
});
const BOB = { passwd: parsePasswd('bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash')!, password: '$6$a$b', expire: -1, groups: GROUPS };

describe('account databases', () => {
  it('parses passwd, group and shadow lines', () => {
    expect(parsePasswd('u:x:5:6:A b:/h:/bin/sh')).toEqual({ name: 'u', password: 'x', uid: 5, gid: 6, gecos: 'A b', home: '/h', shell: '/bin/sh' });
    expect(GROUPS[1]).toEqual({ name: 'adm', password: 'x', gid: 4, members: ['syslog', 'bob'] });
    expect(parseShadow('u:!:19000:0:99999:7:::')!.expire).toBe(-1);
    expect(parseShadow('u:!:19000:0:99999:7::19500:')!.expire).toBe(19500);
    expect(parseShadow('u:!:19000:1:90:7:::')).toMatchObject({ min: 1, max: 90 });
    expect(parseShadow('u:!:19000::::::')).toMatchObject({ min: -1, max: -1 });
    expect(parsePasswd('short:x')).toBeUndefined();
  });
  it('finds a group by gid first, then by name', () => {
    expect(findGroup(GROUPS, '50')!.name).toBe('staff');
    expect(findGroup(GROUPS, 4)!.name).toBe('adm');
    expect(findGroup(GROUPS, 'nope')).toBeUndefined();
  });
  it('splits a probe into its sections with their exit codes', () => {
    const out = 'a:1\n\n@@tsplay-accounts@@ pw 0\n\n@@tsplay-accounts@@ sh 2\nx\n@@tsplay-accounts@@ gr 0\n';
    expect(splitSections(out)).toEqual({ pw: { rc: 0, out: 'a:1\n' }, sh: { rc: 2, out: '' }, gr: { rc: 0, out: 'x' } });
  });
});

describe('useradd / usermod / userdel words', () => {
  it.each([
    [{}, ['useradd', '-m', 'carol']],
    [{ uid: 1500, non_unique: true, group: 'staff', comment: 'Bob; rm -rf /', shell: '/bin/sh', system: true }, ['useradd', '-u', '1500', '-o', '-g', 'staff', '-c', 'Bob; rm -rf /', '-s', '/bin/sh', '-m', '-r', 'carol']],
    [{ create_home: false, home: '/srv/b', groups: ['adm', 'adm', 'staff'] }, ['useradd', '-G', 'adm,staff', '-d', '/srv/b', '-M', 'carol']],
    [{ skeleton: '/etc/sk', umask: '077', expires: 1700000000 }, ['useradd', '-e', '2023-11-14', '-m', '-k', '/etc/sk', '-K', 'UMASK=077', 'carol']],
    [{ name: 'staff' }, ['useradd', '-N', '-m', 'staff']],
    [{ groups: [] }, ['useradd', '-m', 'carol']],
    [{ name: 'bob' }, ['useradd', '-N', '-m', 'bob']],
  ] as [Partial<UserWanted>, string[]][])('useradd %j', (over, argv) => {
    expect(useraddArgv(want({ name: 'carol', ...over }), GROUPS)).toEqual(argv);
  });
  it('refuses a group that does not exist, as Ansible', () => {
    expect(() => useraddArgv(want({ group: 'ghosts' }), GROUPS)).toThrow('Group ghosts does not exist');
    expect(() => userChange(want({ groups: ['adm', 'ghosts'] }), BOB)).toThrow('Group ghosts does not exist');
  });
  it.each([
    [{}, undefined],
    [{ uid: 1000, group: 'bob', shell: '/bin/bash', comment: 'Bob,,,', home: '/home/bob' }, undefined],
    [{ uid: 1001, group: '50', comment: 'B', home: '/h', move_home: true, shell: '/bin/sh' }, ['usermod', '-u', '1001', '-g', '50', '-c', 'B', '-d', '/h', '-m', '-s', '/bin/sh', 'bob']],
    [{ groups: ['adm', 'dev ops'] }, undefined],
    [{ groups: ['adm'] }, ['usermod', '-G', 'adm', 'bob']],
    [{ groups: ['adm'], append: true }, undefined],
    [{ groups: ['staff'], append: true }, ['usermod', '-a', '-G', 'staff', 'bob']],
    [{ groups: [] }, ['usermod', '-G', '', 'bob']],
    [{ groups: [], append: true }, undefined],
    [{ password_lock: true }, ['usermod', '-L', 'bob']],
    [{ password_lock: false }, undefined],
    [{ expires: -1 }, undefined],
    [{ expires: 1700000000 }, ['usermod', '-e', '2023-11-14', 'bob']],
  ] as [Partial<UserWanted>, string[] | undefined][])('usermod %j', (over, argv) => {
    expect(userChange(want(over), BOB).usermod).toEqual(argv);
  });
  it('sets a differing password apart from usermod, lock included, never for on_create', () => {
    expect(userChange(want({ password: '$6$a$b' }), BOB)).toEqual({ usermod: undefined, password: undefined });
    expect(userChange(want({ password: '$6$x$y' }), BOB)).toEqual({ usermod: undefined, password: '$6$x$y' });
    expect(userChange(want({ password: '$6$x$y', password_lock: true }), BOB)).toEqual({ usermod: undefined, password: '!$6$x$y' });
    expect(userChange(want({ password: '$6$x$y', update_password: 'on_create' }), BOB).password).toBeUndefined();
    expect(userChange(want({ password: '$6$a$b' }), { ...BOB, password: '!$6$a$b' }).password).toBeUndefined();
  });
  it('expires: a date compared by day, a negative value clears a set one', () => {
    expect(userChange(want({ expires: 1700000000 }), { ...BOB, expire: 19675 }).usermod).toBeUndefined();
    expect(userChange(want({ expires: -5 }), { ...BOB, expire: 19675 }).usermod).toEqual(['usermod', '-e', '', 'bob']);
    expect(expiryWord(0)).toBe('1970-01-01');
  });
  it('userdel and group words', () => {
    expect(userdelArgv(want({ force: true, remove: true }))).toEqual(['userdel', '-f', '-r', 'bob']);
    expect(groupaddArgv({ name: 'g', gid: 7, non_unique: true, system: true, local: false })).toEqual(['groupadd', '-g', '7', '-o', '-r', 'g']);
    expect(groupmodArgv({ name: 'g', gid: 7, non_unique: false, system: false, local: false }, GROUPS[0]!)).toEqual(['groupmod', '-g', '7', 'g']);
    expect(groupmodArgv({ name: 'root', gid: 0, non_unique: false, system: false, local: false }, GROUPS[0]!)).toBeUndefined();
  });
  it("warns of a password that is not a hash, as Ansible's check does", () => {
    expect(passwordWarning('secret')).toMatch(/appears not to have been hashed/);
    expect(passwordWarning('$6$abc$short')).toMatch(/appears not to have been hashed/);
    expect(passwordWarning('$6$abcdefgh$Z7KfoKnKTSZrzo5VZ0YubGLQOj9ov6sHo9TmE3zIU/LHKhpE30zCnZ0mcIXYf9r9rQ4DYaXoxAFSPFlcWdxjB.')).toBeUndefined();
    expect(passwordWarning('!')).toBeUndefined();
  });
  it('quotes every word of the home and key scripts', () => {
    const home = makeHomeScript("/home/o'neil $(x)", undefined, "o'neil");
    expect(home).toContain(`'/home/o'"'"'neil $(x)'`);
    const key = keygenScript({ user: 'u', file: '.ssh/id x', type: 'ed25519', bits: 0, comment: "it's; rm", passphrase: true, force: true });
    expect(key).toContain(`'it'"'"'s; rm'`);
    expect(key).toContain('-N "$TSPLAY_PP"');
    expect(key).toContain(`/'.ssh/id x'`);
  });
});

describe('secrets on stdin', () => {
  it('sends the password on stdin only, never in the command text', async () => {
    const hash = '$6$abcdefgh$Z7KfoKnKTSZrzo5VZ0Yub';
    const conn = new ScriptedConnection([{ match: 'chpasswd -e', reply: { stdout: '@@tsplay-step@@\n', stderr: '@@tsplay-step@@\n' } }]);
    let stdin = '';
    const exec = conn.exec.bind(conn);
    conn.exec = async (cmd, opts) => {
      stdin = String(opts?.stdin ?? '');
      return exec(cmd, opts);
    };
    await runSecretSteps(conn, [{ summary: 'pw', command: { text: `printf '%s:%s\\n' bob "$TSPLAY_PW" | chpasswd -e` } as never }], { password: hash });
    expect(conn.sent[0]).not.toContain(hash);
    expect(stdin).toBe(`${hash}\n\n`);
  });
});

describe('getent facts', () => {
  it('splits colon databases on colons, others on whitespace; repeated keys become lists', () => {
    expect(getentFacts('root:x:0:0:root:/root:/bin/bash\n', 'passwd')).toEqual({ root: ['x', '0', '0', 'root', '/root', '/bin/bash'] });
    expect(getentFacts('ssh    22/tcp\nssh 22/udp\nssh 22/sctp\n', 'services')).toEqual({ ssh: [['22/tcp'], ['22/udp'], ['22/sctp']] });
    expect(getentFacts('127.0.0.1       localhost a b\n', 'hosts')).toEqual({ '127.0.0.1': ['localhost', 'a', 'b'] });
    expect(getentFacts('a,b,c\n', 'x', ',')).toEqual({ a: ['b', 'c'] });
  });
});

describe('known_hosts decisions', () => {
  const K1 = 'ssh-ed25519 AAAA1';
  it('finds the same key, a key to replace, or another type', () => {
    const out = `# Host a found: line 2\na ${K1}\n`;
    expect(searchHostKey(out, `a ${K1}\n`)).toEqual({ found: true, replaceOrAdd: false, foundLine: 2 });
    expect(searchHostKey(out, 'a ssh-ed25519 BBBB\n')).toEqual({ found: true, replaceOrAdd: true, foundLine: 2 });
    expect(searchHostKey(out, 'a ssh-rsa CCCC\n')).toEqual({ found: true, replaceOrAdd: true });
    expect(searchHostKey(`# Host a found: line 1\n|1|s|h ${K1}\n`, `|1|t|u ${K1}\n`).replaceOrAdd).toBe(false);
    expect(normalizeKey('@cert-authority *.x ssh-rsa K c')).toEqual({ options: '@cert-authority', host: '*.x', type: 'ssh-rsa', key: 'K' });
  });
  it('computes the file after the change', () => {
    const before = `x ${K1}\na ${K1}\n`;
    expect(contentAfter(before, { found: true, replaceOrAdd: true, foundLine: 2 }, 'present', 'a ssh-ed25519 B\n')).toBe(`x ${K1}\na ssh-ed25519 B\n`);
    expect(contentAfter(before, { found: true, replaceOrAdd: false, foundLine: 2 }, 'absent', `a ${K1}\n`)).toBe(`x ${K1}\n`);
    expect(contentAfter('', { found: false, replaceOrAdd: false }, 'present', `a ${K1}\n`)).toBe(`a ${K1}\n`);
  });
  it("reports a path's info as Ansible's add_path_info", () => {
    expect(pathInfo('0 0 root root 644 120 1 regular file')).toEqual({ uid: 0, gid: 0, owner: 'root', group: 'root', mode: '0644', state: 'file', size: 120 });
    expect(pathInfo('')).toEqual({});
  });
});

describe('hostname facts', () => {
  it('short name, node name, fqdn and domain', () => {
    expect(hostnameFacts('web1.example.com', 'web1.example.com')).toEqual({
      ansible_hostname: 'web1', ansible_nodename: 'web1.example.com', ansible_fqdn: 'web1.example.com', ansible_domain: 'example.com',
    });
  });
});

describe('chage for password_expire_min / _max', () => {
  it('changes only the values that differ, all given ones for an account not read yet, nothing when equal', () => {
    expect(chageArgv('bob', { min: 1, max: 90 }, { min: 0, max: 99999 })).toEqual(['chage', '-m', '1', '-M', '90', 'bob']);
    expect(chageArgv('bob', { min: 0, max: 90 }, { min: 0, max: 99999 })).toEqual(['chage', '-M', '90', 'bob']);
    expect(chageArgv('bob', { max: 90 }, { min: 5, max: 90 })).toBeUndefined();
    expect(chageArgv('bob', {}, { min: 5, max: 90 })).toBeUndefined();
    expect(chageArgv('new', { min: 2 })).toEqual(['chage', '-m', '2', 'new']);
  });
});
