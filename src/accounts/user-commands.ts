// The useradd / usermod / userdel words for a wanted account, decided from
// the account as the host has it, by Ansible's user module rules (Linux):
// only what differs goes into usermod; a password is set apart (chpasswd -e,
// on stdin) so that its hash is never on a command line.
import { ModuleFailure } from '../module-api/module-types.js';
import { findGroup, type GroupEntry, type PasswdEntry } from './databases.js';

export interface UserWanted {
  name: string;
  uid?: number;
  non_unique: boolean;
  group?: string;
  /** undefined: not managed; [] : no supplementary groups. */
  groups?: string[];
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  password_lock?: boolean;
  update_password: 'always' | 'on_create';
  create_home: boolean;
  skeleton?: string;
  system: boolean;
  /** Seconds since the epoch (a float, as Ansible takes it). */
  expires?: number;
  move_home: boolean;
  append: boolean;
  force: boolean;
  remove: boolean;
  umask?: string;
  seuser?: string;
  /** libuser's luseradd/lusermod/luserdel (the local files only), groups by lgroupmod, expiry by lchage. */
  local?: boolean;
}

/** The account as the host has it. */
export interface UserCurrent {
  passwd: PasswdEntry;
  /** The shadow password (or passwd's, when it is not a placeholder). */
  password: string;
  /** Days since the epoch; -1 for never. */
  expire: number;
  groups: readonly GroupEntry[];
}

/** Ansible's expiry date for useradd/usermod -e: '' for a date before the epoch. */
export function expiryWord(expires: number): string {
  if (expires < 0) return '';
  return new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10);
}

function needGroup(groups: readonly GroupEntry[], name: string): GroupEntry {
  const g = findGroup(groups, name);
  if (!g) throw new ModuleFailure(`Group ${name} does not exist`);
  return g;
}

/** The requested supplementary groups, each checked to exist (Ansible's get_groups_set). */
function groupsSet(w: UserWanted, groups: readonly GroupEntry[]): string[] {
  const set = [...new Set((w.groups ?? []).map((g) => g.trim()).filter((g) => g !== ''))];
  for (const g of set) needGroup(groups, g);
  return set;
}

/** The stored password field a wanted password becomes (locked with a leading '!'). */
export const storedPassword = (w: UserWanted): string => `${w.password_lock ? '!' : ''}${w.password}`;

/** Ansible's expiry for lchage -E: days since the epoch, -1 for none. */
const expiryDays = (expires: number): string => String(expires < 0 ? -1 : Math.floor(Math.floor(expires) / 86400));

/**
 * The commands that make a new account (the password goes apart): useradd,
 * or with `local` luseradd then lchage -E for the expiry and lgroupmod -M for
 * each supplementary group, as Ansible runs them.
 */
export function useraddCommands(w: UserWanted, groups: readonly GroupEntry[]): string[][] {
  const argv = useraddArgv(w, groups);
  if (!w.local) return [argv];
  const more: string[][] = [];
  if (w.expires !== undefined) more.push(['lchage', '-E', expiryDays(w.expires), w.name]);
  if (w.groups !== undefined && w.groups.join(',') !== '') for (const g of groupsSet(w, groups)) more.push(['lgroupmod', '-M', w.name, g]);
  return [argv, ...more];
}

/** useradd's (luseradd's) words for a new account (the password goes apart). */
export function useraddArgv(w: UserWanted, groups: readonly GroupEntry[]): string[] {
  const argv = [w.local ? 'luseradd' : 'useradd'];
  if (w.uid !== undefined) argv.push('-u', String(w.uid), ...(w.non_unique ? ['-o'] : []));
  if (w.seuser !== undefined) argv.push('-Z', w.seuser);
  if (w.group !== undefined) {
    needGroup(groups, w.group);
    argv.push('-g', w.group);
  }
  // A group of the user's name exists already: useradd must not try to make it.
  else if (groups.some((g) => g.name === w.name)) argv.push(w.local ? '-n' : '-N');
  if (w.groups !== undefined && w.groups.join(',') !== '') {
    const set = groupsSet(w, groups);
    if (!w.local) argv.push('-G', set.join(','));
  }
  if (w.comment !== undefined) argv.push('-c', w.comment);
  if (w.home !== undefined) argv.push('-d', w.home);
  if (w.shell !== undefined) argv.push('-s', w.shell);
  if (w.expires !== undefined && !w.local) argv.push('-e', expiryWord(w.expires));
  if (w.create_home) {
    // luseradd makes the home unless -M.
    if (!w.local) argv.push('-m');
    if (w.skeleton !== undefined) argv.push('-k', w.skeleton);
    if (w.umask !== undefined) argv.push('-K', `UMASK=${w.umask}`);
  } else argv.push('-M');
  if (w.system) argv.push('-r');
  argv.push(w.name);
  return argv;
}

export interface UserChange {
  /** usermod's words, or undefined when nothing but (maybe) the password changes. */
  usermod?: string[];
  /** With `local`: lchage -E and lgroupmod -M/-m, run after lusermod. */
  local?: string[][];
  /** The password field to store (chpasswd -e), when it changes. */
  password?: string;
}

/** What usermod must change (and whether the password must be set), by Ansible's comparisons. */
export function userChange(w: UserWanted, cur: UserCurrent): UserChange {
  const argv: string[] = [];
  const local: string[][] = [];
  const groupsDel: string[][] = [];
  let lexpires: string | undefined;
  const pw = cur.passwd;
  if (w.uid !== undefined && pw.uid !== w.uid) argv.push('-u', String(w.uid), ...(w.non_unique ? ['-o'] : []));
  if (w.group !== undefined) {
    const g = needGroup(cur.groups, w.group);
    if (pw.gid !== g.gid) argv.push('-g', String(g.gid));
  }
  if (w.groups !== undefined) {
    const member = cur.groups.filter((g) => g.members.includes(w.name)).map((g) => g.name);
    const wanted = w.groups.join(',') === '' ? [] : groupsSet(w, cur.groups);
    let modify = false;
    if (wanted.length === 0) modify = member.length > 0 && !w.append;
    else {
      const differ = [...member.filter((g) => !wanted.includes(g)), ...wanted.filter((g) => !member.includes(g))];
      if (differ.length > 0) {
        if (w.append) {
          // Only a wanted group missing counts when appending (usermod -a; lusermod has no -a).
          if (wanted.some((g) => differ.includes(g))) {
            if (!w.local) argv.push('-a');
            modify = true;
          }
        } else modify = true;
      }
    }
    if (modify && w.local) {
      // libuser: each group's member list is changed by lgroupmod.
      for (const g of wanted.filter((x) => !member.includes(x))) local.push(['lgroupmod', '-M', w.name, g]);
      if (!w.append) for (const g of member.filter((x) => !wanted.includes(x))) groupsDel.push(['lgroupmod', '-m', w.name, g]);
    } else if (modify) argv.push('-G', wanted.join(','));
  }
  if (w.comment !== undefined && pw.gecos !== w.comment) argv.push('-c', w.comment);
  if (w.home !== undefined && pw.home !== w.home) argv.push('-d', w.home, ...(w.move_home ? ['-m'] : []));
  if (w.shell !== undefined && pw.shell !== w.shell) argv.push('-s', w.shell);
  if (w.expires !== undefined) {
    let word: string | undefined;
    if (w.expires < 0) {
      if (cur.expire >= 0) word = '';
    } else if (cur.expire < 0 || expiryWord(cur.expire * 86400) !== expiryWord(w.expires)) word = expiryWord(w.expires);
    if (word !== undefined && w.local) lexpires = expiryDays(w.expires);
    else if (word !== undefined) argv.push('-e', word);
  }
  const locked = cur.password.startsWith('!');
  let lockWord: string | undefined;
  if (w.password_lock === true && !locked) lockWord = '-L';
  else if (w.password_lock === false && locked) lockWord = '-U';
  let password: string | undefined;
  if (w.update_password === 'always' && w.password !== undefined && strip(cur.password) !== strip(w.password)) {
    // Setting the password decides the lock too (Ansible drops -L/-U then).
    password = storedPassword(w);
    lockWord = undefined;
  }
  if (lockWord) argv.push(lockWord);
  // Ansible's order with local: lusermod, lchage, the groups added, the groups left.
  const after = [...(lexpires !== undefined ? [['lchage', '-E', lexpires, w.name]] : []), ...local, ...groupsDel];
  return { usermod: argv.length > 0 ? [w.local ? 'lusermod' : 'usermod', ...argv, w.name] : undefined, password, ...(after.length > 0 ? { local: after } : {}) };
}

const strip = (p: string): string => p.replace(/^!+/, '');

export function userdelArgv(w: UserWanted): string[] {
  if (w.local) return ['luserdel', ...(w.remove ? ['-r'] : []), w.name];
  return ['userdel', ...(w.force ? ['-f'] : []), ...(w.remove ? ['-r'] : []), w.name];
}

/** Ansible's warning for a password that does not look like a crypt hash. */
export function passwordWarning(password: string | undefined): string | undefined {
  if (!password || ['*', '!', '*************'].includes(password)) return undefined;
  let bad = /[:*!]/.test(password) || !password.includes('$');
  if (!bad) {
    const fields = password.split('$');
    const last = fields[fields.length - 1]!;
    if (fields.length < 3) bad = true;
    else {
      if (/[^a-zA-Z0-9./=]/.test(last)) bad = true;
      const want: Record<string, number> = { '1': 22, '5': 43, '6': 86 };
      if (want[fields[1]!] !== undefined && last.length !== want[fields[1]!]) bad = true;
    }
  }
  return bad ? "The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly." : undefined;
}

/**
 * chage for password_expire_min / password_expire_max, as Ansible's user
 * module runs it: only the values that differ from the shadow entry (all the
 * given ones for an account not read yet); undefined when nothing differs.
 */
export function chageArgv(name: string, want: { min?: number; max?: number }, shadow?: { min: number; max: number }): string[] | undefined {
  const argv = ['chage'];
  if (want.min !== undefined && want.min !== shadow?.min) argv.push('-m', String(want.min));
  if (want.max !== undefined && want.max !== shadow?.max) argv.push('-M', String(want.max));
  return argv.length > 1 ? [...argv, name] : undefined;
}
