// The user module's `local` option: libuser's commands as Ansible's user
// module runs them (luseradd/lusermod/luserdel, lgroupmod for the groups,
// lchage for the expiry), and the options Ansible ignores on Linux.
import { describe, expect, it } from 'vitest';
import { parseGroups, parsePasswd } from '../../src/accounts/databases.js';
import { userChange, userdelArgv, useraddCommands, type UserWanted } from '../../src/accounts/user-commands.js';
import user from '../../modules/user.js';
import { checkArgs } from '../../src/module-api/module-args.js';

const GROUPS = parseGroups('root:x:0:\nadm:x:4:syslog,bob\nstaff:x:50:\nbob:x:1000:\ndev ops:x:1001:bob\n');
const want = (over: Partial<UserWanted>): UserWanted => ({
  name: 'carol', non_unique: false, update_password: 'always', create_home: true, system: false, move_home: false, append: false, force: false, remove: false, local: true, ...over,
});
const BOB = { passwd: parsePasswd('bob:x:1000:1000:Bob,,,:/home/bob:/bin/bash')!, password: '$6$a$b', expire: -1, groups: GROUPS };

describe('user local: libuser commands', () => {
  it.each([
    [{}, [['luseradd', 'carol']]],
    [{ create_home: false, uid: 1500, group: 'staff', shell: '/bin/sh' }, [['luseradd', '-u', '1500', '-g', 'staff', '-s', '/bin/sh', '-M', 'carol']]],
    [{ name: 'staff', skeleton: '/etc/sk' }, [['luseradd', '-n', '-k', '/etc/sk', 'staff']]],
    [
      { groups: ['adm', 'staff'], expires: 1700000000 },
      [['luseradd', 'carol'], ['lchage', '-E', '19675', 'carol'], ['lgroupmod', '-M', 'carol', 'adm'], ['lgroupmod', '-M', 'carol', 'staff']],
    ],
    [{ expires: -3 }, [['luseradd', 'carol'], ['lchage', '-E', '-1', 'carol']]],
  ] as [Partial<UserWanted>, string[][]][])('creates %j', (over, commands) => {
    expect(useraddCommands(want(over), GROUPS)).toEqual(commands);
  });
  it('modifies with lusermod, then lchage, then lgroupmod adds and removals', () => {
    const bob = (over: Partial<UserWanted>) => userChange(want({ name: 'bob', ...over }), BOB);
    expect(bob({ shell: '/bin/sh', password_lock: true })).toEqual({ usermod: ['lusermod', '-s', '/bin/sh', '-L', 'bob'], password: undefined });
    expect(bob({ groups: ['staff'] })).toEqual({
      usermod: undefined,
      password: undefined,
      local: [['lgroupmod', '-M', 'bob', 'staff'], ['lgroupmod', '-m', 'bob', 'adm'], ['lgroupmod', '-m', 'bob', 'dev ops']],
    });
    expect(bob({ groups: ['staff'], append: true }).local).toEqual([['lgroupmod', '-M', 'bob', 'staff']]);
    expect(bob({ groups: ['adm', 'dev ops'] }).local).toBeUndefined();
    expect(bob({ groups: [] }).local).toEqual([['lgroupmod', '-m', 'bob', 'adm'], ['lgroupmod', '-m', 'bob', 'dev ops']]);
    expect(bob({ expires: 1700000000 })).toEqual({ usermod: undefined, password: undefined, local: [['lchage', '-E', '19675', 'bob']] });
    expect(userChange(want({ name: 'bob', expires: -1 }), { ...BOB, expire: 19675 }).local).toEqual([['lchage', '-E', '-1', 'bob']]);
    expect(userChange(want({ name: 'bob', expires: 1700000000 }), { ...BOB, expire: 19675 }).local).toBeUndefined();
  });
  it('removes with luserdel (no -f)', () => {
    expect(userdelArgv(want({ force: true, remove: true }))).toEqual(['luserdel', '-r', 'carol']);
    expect(userdelArgv(want({ local: false, force: true }))).toEqual(['userdel', '-f', 'carol']);
  });
});

describe('user options of other systems', () => {
  it('accepts login_class, hidden, profile, authorization, role and local', () => {
    const res = checkArgs(user, { name: 'x', login_class: 'staff', hidden: 'yes', profile: 'p', authorization: 'a', role: 'r', local: true });
    expect(res.ok).toBe(true);
    expect(checkArgs(user, { name: 'x', hidden: 'maybe' }).ok).toBe(false);
  });
  it('has every option of Ansible 2.14', () => {
    const options = ['append', 'authorization', 'comment', 'create_home', 'expires', 'force', 'generate_ssh_key', 'group', 'groups', 'hidden', 'home', 'local', 'login_class', 'move_home', 'name', 'non_unique', 'password', 'password_expire_max', 'password_expire_min', 'password_lock', 'profile', 'remove', 'role', 'seuser', 'shell', 'skeleton', 'ssh_key_bits', 'ssh_key_comment', 'ssh_key_file', 'ssh_key_passphrase', 'ssh_key_type', 'state', 'system', 'uid', 'umask', 'update_password'];
    expect(Object.keys(user.schema.properties).sort()).toEqual(options);
  });
});
