// user: a Linux account as Ansible's user module manages it (useradd,
// usermod, userdel; only what differs is changed), its home directory, and an
// ssh key pair. One probe reads the account (passwd, shadow, groups), its
// home and key; one round trip makes the change. The password (a crypt hash)
// goes on stdin to chpasswd -e and is reported as NOT_LOGGING_PASSWORD.
// local: libuser's commands on the local files (Ansible's local option);
// login_class, hidden, profile, authorization and role are BSD/macOS/Solaris
// options that Ansible's Linux class ignores, and so does this module.
import { posix } from 'node:path';
import { quote, raw } from '../src/host/shell.js';
import type { Step } from '../src/host/run.js';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { parseGroups, passwdOf, probeSections, shadowOf, type PasswdEntry } from '../src/accounts/databases.js';
import { chageArgv, passwordWarning, userChange, userdelArgv, useraddCommands, type UserWanted } from '../src/accounts/user-commands.js';
import { chownScript, keygenScript, keyProbeScript, makeHomeScript, parseKeyProbe, type KeyRequest, type KeyState } from '../src/accounts/home-and-keys.js';
import { runSecretSteps } from '../src/accounts/secret-steps.js';

interface UserArgs extends UserWanted {
  state: 'present' | 'absent';
  generate_ssh_key?: boolean;
  ssh_key_bits: number;
  ssh_key_type: string;
  ssh_key_file?: string;
  ssh_key_comment?: string;
  ssh_key_passphrase?: string;
  password_expire_min?: number;
  password_expire_max?: number;
  login_class?: string;
  hidden?: boolean;
  profile?: string;
  authorization?: string;
  role?: string;
}

interface UserState {
  /** The account did not exist: it is created. */
  created: boolean;
  key?: KeyRequest;
  keyPlan?: KeyOutcome;
}

interface KeyOutcome {
  generate: boolean;
  warning?: string;
}

const s = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const b = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'boolean', description, ...extra });

/** What Ansible's ssh_key_gen decides for the key as the host has it. */
function keyOutcome(k: KeyRequest, st: KeyState): KeyOutcome {
  if (st.state === 'nohome') throw new ModuleFailure(`User ${k.user} home directory does not exist`);
  if (st.state === 'priv' && !k.force) {
    return { generate: false, warning: `Found existing ssh key private file "${st.path}", no force, so skipping ssh-keygen generation` };
  }
  if (st.state === 'pub' && !k.force) {
    return { generate: false, warning: `Found existing ssh key public file "${st.path}.pub", no force, so skipping ssh-keygen generation` };
  }
  if (st.state === 'priv') return { generate: true, warning: `Overwriting existing ssh key private file "${st.path}"` };
  if (st.state === 'pub') return { generate: true, warning: `Overwriting existing ssh key public file "${st.path}.pub"` };
  return { generate: true };
}

const expiry = (a: UserArgs) => ({ min: a.password_expire_min, max: a.password_expire_max });

const accountResult = (pw: PasswdEntry) => ({ uid: pw.uid, group: pw.gid, comment: pw.gecos, home: pw.home, shell: pw.shell });

const user: Module<UserArgs, UserState> = {
  name: 'user',
  summary: 'Manage user accounts',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: s('Name of the user to create, remove or modify.'),
      state: s('Whether the account should exist or not.', { enum: ['present', 'absent'], default: 'present' }),
      uid: { type: 'integer', description: 'The UID of the user.' },
      non_unique: b('Allow a non-unique UID (with uid).', { default: false }),
      group: s("The user's primary group (name or GID)."),
      groups: { type: 'array', items: { type: 'string' }, description: "Supplementary groups; an empty list removes all but the primary group." },
      append: b('Add the user to groups instead of setting them to exactly groups.', { default: false }),
      comment: s('The description (GECOS) of the account.'),
      home: s("The user's home directory."),
      create_home: b('Create the home directory when the account is created or its home is missing.', { default: true }),
      move_home: b('Move the existing home directory to home when home changes.', { default: false }),
      skeleton: s('The skeleton directory a new home is copied from.'),
      shell: s("The user's login shell."),
      system: b('Create a system account (only on creation).', { default: false }),
      password: s('The password as a crypt hash (never logged).'),
      update_password: s("'always' sets a differing password, 'on_create' only on creation.", { enum: ['always', 'on_create'], default: 'always' }),
      password_lock: b('Lock (true) or unlock (false) the password.'),
      expires: { type: 'number', description: 'Account expiry, in seconds since the epoch; negative removes it.' },
      password_expire_min: { type: 'integer', description: 'Least number of days between password changes (chage -m).' },
      password_expire_max: { type: 'integer', description: 'Most number of days between password changes (chage -M).' },
      remove: b('With state=absent: remove the home directory and mail spool (userdel -r).', { default: false }),
      force: b('With state=absent: userdel -f; with generate_ssh_key: replace an existing key.', { default: false }),
      generate_ssh_key: b('Generate an ssh key pair for the user (an existing one is kept unless force).'),
      ssh_key_bits: { type: 'integer', description: 'Bits of the generated key (0: ssh-keygen\'s default).', default: 0 },
      ssh_key_type: s('Type of the generated key.', { default: 'rsa' }),
      ssh_key_file: s('Path of the key, relative to the home unless absolute (default .ssh/id_<type>).'),
      ssh_key_comment: s('Comment of the generated key (default "ansible-generated on <hostname>").'),
      ssh_key_passphrase: s('Passphrase of the generated key (never logged).'),
      umask: s('The umask useradd creates the home with.'),
      seuser: s('The SELinux user (useradd/usermod -Z).'),
      local: b("Manage the account in the local files only, with libuser's luseradd/lusermod/luserdel (lgroupmod for groups, lchage for the expiry); not with umask."),
      // Ansible uses these only on other systems (its Linux class ignores them).
      login_class: s('The login class (FreeBSD, OpenBSD, NetBSD); accepted and ignored on Linux, as Ansible does.'),
      hidden: b('Hide the user from the login window (macOS); accepted and ignored on Linux, as Ansible does.'),
      profile: s('Profiles (Solaris/illumos); accepted and ignored on Linux, as Ansible does.'),
      authorization: s('Authorizations (Solaris/illumos); accepted and ignored on Linux, as Ansible does.'),
      role: s('Roles (Solaris/illumos); accepted and ignored on Linux, as Ansible does.'),
    },
  },
  optionAliases: { user: 'name', createhome: 'create_home' },
  async plan(ctx) {
    const a = ctx.args;
    if (a.umask !== undefined && a.local) throw new ModuleFailure("'umask' can not be used with 'local'");
    const warnings = [passwordWarning(a.password)];
    if (a.groups === undefined && a.append) warnings.push("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14.");
    const wantHome = a.home;
    const key: KeyRequest | undefined = a.generate_ssh_key
      ? {
          user: a.name,
          file: a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`,
          type: a.ssh_key_type,
          bits: a.ssh_key_bits,
          comment: a.ssh_key_comment ?? '',
          passphrase: a.ssh_key_passphrase !== undefined,
          force: a.force,
        }
      : undefined;
    const sections: Record<string, string> = {
      pw: `getent passwd ${quote(a.name)}`,
      // With local, only /etc/passwd says whether the account exists (as Ansible reads it).
      ...(a.local ? { localpw: `cut -d: -f1 /etc/passwd | grep -qxF -- ${quote(a.name)}` } : {}),
      sh: `getent shadow ${quote(a.name)}`,
      gr: 'getent group',
      hostname: 'hostname',
      home: `h=${wantHome !== undefined ? quote(wantHome) : `"$(getent passwd ${quote(a.name)} | cut -d: -f6)"`}; test -e "$h"`,
      oldhome: `test -e "$(getent passwd ${quote(a.name)} | cut -d: -f6)"`,
      ...(wantHome !== undefined ? { parent: `test -d ${quote(posix.dirname(wantHome))}` } : {}),
      ...(key ? { key: keyProbeScript(key) } : {}),
    };
    const probed = await probeSections(ctx.conn, sections);
    if (key && a.ssh_key_comment === undefined) key.comment = `ansible-generated on ${probed.hostname?.out.trim() ?? ''}`;
    const inLocalFiles = !a.local || probed.localpw?.rc === 0;
    if (!inLocalFiles) {
      // Ansible warns each time it looks the user up: twice for absent, once more to create with groups.
      const looks = a.state === 'absent' ? 2 : ctx.check ? 1 : 1 + (a.groups !== undefined && a.groups.join(',') !== '' ? 1 : 0);
      for (let i = 0; i < looks; i++) warnings.push(notLocalWarning(a.name));
    }
    const pw = inLocalFiles ? passwdOf(probed.pw) : undefined;
    const groups = parseGroups(probed.gr?.out ?? '');
    const result: ModuleResult = { name: a.name, state: a.state };
    const withWarnings = (r: ModuleResult): ModuleResult => {
      const w = warnings.filter((x): x is string => Boolean(x));
      return w.length > 0 ? { ...r, warnings: w } : r;
    };

    if (a.state === 'absent') {
      if (!pw) return { changed: false, result: withWarnings({ ...result, changed: false }) };
      if (ctx.check) return { changed: true, result: withWarnings({ changed: true }) };
      const steps: Step[] = [{ summary: `userdel ${a.name}`, command: userdelArgv(a) }];
      return { changed: true, steps, result: withWarnings({ ...result, force: a.force, remove: a.remove, changed: true }) };
    }

    if (!pw) {
      // Ansible's check mode stops here: the account would be created.
      if (ctx.check) return { changed: true, result: withWarnings({ changed: true }), state: { created: true } };
      const steps: Step[] = [];
      const needsParents = a.home !== undefined && a.create_home && probed.parent?.rc !== 0;
      if (needsParents) steps.push({ summary: `make ${a.home}`, command: raw(makeHomeScript(a.home!, a.skeleton, undefined)) });
      for (const argv of useraddCommands(a, groups)) steps.push({ summary: `${argv[0]} ${a.name}`, command: argv });
      if (a.password !== undefined) steps.push(passwordStep(a.name, a.password_lock));
      const chageNew = chageArgv(a.name, expiry(a));
      if (chageNew) steps.push({ summary: `chage ${a.name}`, command: chageNew });
      if (needsParents) steps.push({ summary: `chown ${a.home}`, command: raw(chownScript(a.home!, a.name)) });
      return {
        changed: true,
        steps,
        state: { created: true, key },
        result: withWarnings({ ...result, system: a.system, create_home: a.create_home, ...(a.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}) }),
      };
    }

    const shadow = shadowOf(probed.sh);
    const current = { passwd: pw, password: pw.password.length <= 1 ? shadow?.password ?? '' : pw.password, expire: shadow?.expire ?? -1, groups };
    const change = userChange(a, current);
    const steps: Step[] = [];
    if (change.usermod) steps.push({ summary: `${change.usermod[0]} ${a.name}`, command: change.usermod });
    for (const argv of change.local ?? []) steps.push({ summary: `${argv[0]} ${a.name}`, command: argv });
    if (change.password !== undefined) steps.push(passwordStep(a.name, a.password_lock));
    const chage = chageArgv(a.name, expiry(a), shadow);
    if (chage) steps.push({ summary: `chage ${a.name}`, command: chage });
    let changed = steps.length > 0;
    // The home is made when missing (unless usermod -m moves the old one there).
    const home = a.home ?? pw.home;
    const moved = a.move_home && a.home !== undefined && a.home !== pw.home && probed.oldhome?.rc === 0;
    if (a.create_home && probed.home?.rc !== 0 && !moved) {
      steps.push({ summary: `make ${home}`, command: raw(makeHomeScript(home, a.skeleton, a.name)) });
      changed = true;
    }
    const state: UserState = { created: false, key };
    if (key) {
      state.keyPlan = keyOutcome(key, parseKeyProbe(probed.key?.out ?? ''));
      if (state.keyPlan.warning) warnings.push(state.keyPlan.warning);
      if (state.keyPlan.generate) {
        steps.push({ summary: `ssh-keygen for ${a.name}`, command: raw(keygenScript(key)) });
        changed = true;
      }
    }
    const r: ModuleResult = {
      ...result,
      append: a.append,
      move_home: a.move_home,
      ...(a.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
      changed,
      ...accountResult(pw),
      ...(a.groups !== undefined ? { groups: a.groups.join(',') } : {}),
    };
    if (key) Object.assign(r, keyResult(parseKeyProbe(probed.key?.out ?? '')));
    return { changed, steps, state, result: withWarnings(r) };
  },
  async apply(ctx, plan) {
    const a = ctx.args;
    const state = plan.state!;
    const before = plan.result ?? {};
    const steps = [...(plan.steps ?? [])];
    const results = await runSecretSteps(ctx.conn, steps, { password: a.password, passphrase: a.ssh_key_passphrase }, { name: a.name });
    const result: ModuleResult = { ...before };
    // useradd/usermod's own output, as Ansible reports it.
    const own = steps.findIndex((st) => Array.isArray(st.command) && ['useradd', 'usermod', 'userdel', 'luseradd', 'lusermod', 'luserdel'].includes((st.command as string[])[0]!));
    if (own >= 0) {
      if (results[own]?.stdout) result.stdout = results[own]!.stdout;
      if (results[own]?.stderr) result.stderr = results[own]!.stderr;
    }
    if (a.state === 'absent') return { result };
    // What the account now is, and the key made in the same round trip.
    const after = await probeSections(ctx.conn, {
      pw: `getent passwd ${quote(a.name)}`,
      ...(state.key ? { key: keyProbeScript(state.key) } : {}),
    });
    const pw = passwdOf(after.pw);
    if (!pw) throw new ModuleFailure(`failed to look up user name: ${a.name}`, { name: a.name });
    Object.assign(result, accountResult(pw), a.groups !== undefined ? { groups: a.groups.join(',') } : {});
    let changed = plan.changed;
    let keyNow = after.key?.out ?? '';
    if (state.key && state.created) {
      // A new account's key is decided once its home is there, as Ansible does.
      const outcome = keyOutcome(state.key, parseKeyProbe(keyNow));
      if (outcome.warning) result.warnings = [...((result.warnings as string[]) ?? []), outcome.warning];
      if (outcome.generate) {
        await runSecretSteps(ctx.conn, [{ summary: 'ssh-keygen', command: raw(keygenScript(state.key)) }], { passphrase: a.ssh_key_passphrase }, { name: a.name });
        keyNow = (await probeSections(ctx.conn, { key: keyProbeScript(state.key) })).key?.out ?? '';
      }
    }
    if (state.key) Object.assign(result, keyResult(parseKeyProbe(keyNow)));
    return { result: { ...result, changed }, changed };
  },
};

/** Ansible's warning when `local` finds no line of the user in /etc/passwd. */
const notLocalWarning = (name: string): string =>
  `'local: true' specified and user '${name}' was not found in /etc/passwd. The local user account may already exist if the local account database exists somewhere other than /etc/passwd.`;

/** Sets the stored password field from the exported TSPLAY_PW (the lock mark added here). */
function passwordStep(name: string, locked: boolean | undefined): Step {
  const lock = locked ? '!' : '';
  return { summary: `set the password of ${name}`, command: raw(`printf '%s:%s%s\\n' ${quote(name)} ${quote(lock)} "$TSPLAY_PW" | chpasswd -e`) };
}

/** ssh_fingerprint, ssh_key_file and ssh_public_key as Ansible returns them: what the host holds now. */
function keyResult(st: KeyState): ModuleResult {
  return { ssh_fingerprint: st.fingerprint ?? '', ssh_key_file: st.path, ssh_public_key: st.publicKey ?? null };
}

export default user;
