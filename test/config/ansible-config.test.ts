// ansible.cfg and ANSIBLE_* as ansible-core 2.14 reads them: the INI dialect
// (configparser with inline `;`), typing, precedence, paths, ssh_args, and the
// one warning for what tsplay does not honour. Expected values are what
// `ansible-config dump --only-changed` printed for the same files.
import { Command } from 'commander';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { configFileLine, readAnsibleConfig, unhonouredWarning } from '../../src/config/ansible-config.js';
import { parseSshArgs } from '../../src/config/ssh-args.js';
import { applyAnsibleConfig, type ConfigurableFlags } from '../../src/config/apply-config.js';
import { runDefaults, setRunDefaults } from '../../src/config/run-defaults.js';

let dir: string;
let home: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cfg-'));
  home = join(dir, 'home');
  mkdirSync(home);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  setRunDefaults({});
});

const cfg = (text: string, where = dir) => writeFileSync(join(where, 'ansible.cfg'), text);
const read = (env: Record<string, string> = {}) => readAnsibleConfig({ env, cwd: dir, home });

describe('the INI dialect', () => {
  it('reads = and :, whole-line # and ; comments, inline ; after a space only, # kept in values, continuation lines', () => {
    const s = parseIni(
      [
        '[defaults]',
        '# a comment',
        '  ; another',
        'inventory = hosts.ini   ; inline comment',
        'forks: 7',
        'remote_user = bob # not a comment',
        'pct = 50%%;x',
        'Multi = a',
        '  b',
        '',
        '[ssh_connection]',
        'ssh_args = -o ProxyJump=jump',
      ].join('\n'),
      'f',
    );
    const d = s.get('defaults')!;
    expect(d.get('inventory')).toBe('hosts.ini');
    expect(d.get('forks')).toBe('7');
    expect(d.get('remote_user')).toBe('bob # not a comment');
    expect(d.get('pct')).toBe('50%%;x');
    expect(d.get('multi')).toBe('a\nb');
    expect(s.get('ssh_connection')!.get('ssh_args')).toBe('-o ProxyJump=jump');
  });

  it('refuses a duplicate key, a duplicate section, and keys before any section, naming the file', () => {
    expect(() => parseIni('[defaults]\nforks=1\nforks=2\n', '/x.cfg')).toThrow(/Error reading config file \(\/x\.cfg\): option 'forks' in section 'defaults' already exists/);
    expect(() => parseIni('[a]\n[a]\n', 'f')).toThrow(/section 'a' already exists/);
    expect(() => parseIni('forks=1\n', 'f')).toThrow(/no section headers/);
  });
});

describe('settings: typing, origin, precedence', () => {
  it('types values as Ansible: ints, booleans, paths relative to the file, lists of paths', () => {
    cfg(
      '[defaults]\ninventory = hosts.ini, /abs/inv\nforks = 7\nhost_key_checking = False\nprivate_key_file = ~/k\nroles_path = r1:/r2\ngathering = explicit\nremote_user = "bob"\n[privilege_escalation]\nbecome = yes\nbecome_user = admin\n',
    );
    const c = read();
    expect(c.file).toBe(join(dir, 'ansible.cfg'));
    expect(c.values.inventory).toEqual({ value: [join(dir, 'hosts.ini'), '/abs/inv'], origin: join(dir, 'ansible.cfg') });
    expect(c.values.forks?.value).toBe(7);
    expect(c.values.hostKeyChecking?.value).toBe(false);
    expect(c.values.privateKeyFile?.value).toBe(join(home, 'k'));
    expect(c.values.rolesPath?.value).toEqual([join(dir, 'r1'), '/r2']);
    expect(c.values.gathering?.value).toBe('explicit');
    expect(c.values.remoteUser?.value).toBe('bob');
    expect(c.values.become?.value).toBe(true);
    expect(c.values.becomeUser?.value).toBe('admin');
    expect(c.unhonoured).toEqual([]);
  });

  it('takes the environment over the file; paths from the environment are relative to the current directory', () => {
    mkdirSync(join(dir, 'etc'));
    cfg('[defaults]\nforks = 7\ninventory = inv\n', join(dir, 'etc'));
    const c = read({ ANSIBLE_CONFIG: join(dir, 'etc'), ANSIBLE_FORKS: '9', ANSIBLE_INVENTORY: 'a,b' });
    expect(c.values.forks).toEqual({ value: 9, origin: 'env: ANSIBLE_FORKS' });
    expect(c.values.inventory?.value).toEqual([join(dir, 'a'), join(dir, 'b')]);
  });

  it('fails on a value of the wrong type as Ansible does, and on a gathering it does not know', () => {
    cfg('[defaults]\nforks = abc\n');
    expect(() => read()).toThrow("Invalid type for configuration option setting: forks (from " + join(dir, 'ansible.cfg') + "): invalid literal for int() with base 10: 'abc'");
    rmSync(join(dir, 'ansible.cfg'));
    expect(() => read({ ANSIBLE_GATHERING: 'sometimes' })).toThrow(/gathering \(from env: ANSIBLE_GATHERING\)/);
  });

  it('Ansible booleans: yes/on/1/true/t are true, anything else false', () => {
    for (const [v, b] of [['Yes', true], ['on', true], ['1', true], ['t', true], ['False', false], ['0', false], ['maybe', false]] as const) {
      expect(read({ ANSIBLE_ANY_ERRORS_FATAL: v }).values.anyErrorsFatal?.value).toBe(b);
    }
  });

  it('names every setting it does not honour in one warning: file keys and ANSIBLE_* variables (colour settings are honoured)', () => {
    cfg('[defaults]\ncallbacks_enabled = timer\nretry_files_enabled = False\ninterpreter_python = auto_silent\nnocolor = 1\nforce_color = 1\n[paramiko_connection]\nrecord_host_keys = False\n');
    const c = read({ ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_FORCE_COLOR: '1', ANSIBLE_VAULT_IDENTITY_LIST: 'x' });
    expect(c.unhonoured).toEqual(['[defaults] callbacks_enabled', '[paramiko_connection] record_host_keys', 'ANSIBLE_LOCALHOST_WARNING']);
    expect(unhonouredWarning(c)).toBe(
      `tsplay does not honour these Ansible settings (config file ${join(dir, 'ansible.cfg')}), they are ignored: [defaults] callbacks_enabled, [paramiko_connection] record_host_keys, ANSIBLE_LOCALHOST_WARNING`,
    );
    expect(unhonouredWarning(read({ ANSIBLE_FORCE_COLOR: '0' }))).toBeDefined(); // the cfg keys are still there
    rmSync(join(dir, 'ansible.cfg'));
    expect(unhonouredWarning(read({ ANSIBLE_FORCE_COLOR: '1', ANSIBLE_NOCOLOR: '1' }))).toBeUndefined();
  });

  it("prints ansible-playbook's -v line for the file, or for none", () => {
    expect(configFileLine(read())).toBe('No config file found; using defaults');
    cfg('[defaults]\n');
    expect(configFileLine(read())).toBe(`Using ${join(dir, 'ansible.cfg')} as config file`);
  });

  it('skips ./ansible.cfg in a world-writable directory with Ansible’s warning and falls back to ~/.ansible.cfg', () => {
    cfg('[defaults]\nforks = 3\n');
    writeFileSync(join(home, '.ansible.cfg'), '[defaults]\nforks = 4\n');
    chmodSync(dir, 0o777);
    const c = read();
    expect(c.file).toBe(join(home, '.ansible.cfg'));
    expect(c.findWarning).toContain(`Ansible is being run in a world writable directory (${dir}), ignoring it as an ansible.cfg source.`);
    expect(c.values.forks?.value).toBe(4);
  });
});

describe('ssh_args', () => {
  it('follows the options tsplay understands, the first of each winning, and returns the rest', () => {
    const s = parseSshArgs(
      '-F /dev/null -o ControlMaster=auto -o ControlPersist=60s -o "ProxyJump bastion" -oStrictHostKeyChecking=accept-new ' +
        '-o UserKnownHostsFile=/k -o GlobalKnownHostsFile=/dev/null -o ServerAliveInterval=30 -o ConnectTimeout=5 -o IdentityFile=/id ' +
        '-o Port=2222 -o User=deploy -o Port=1 -C',
    );
    expect(s).toEqual({
      configFile: '/dev/null',
      proxyJump: 'bastion',
      hostKeyChecking: 'accept-new',
      knownHostsFile: '/k',
      keepaliveSeconds: 30,
      connectTimeout: 5,
      identityFile: '/id',
      port: 2222,
      user: 'deploy',
      ignored: ['ControlMaster=auto', 'ControlPersist=60s', '-C'],
    });
    expect(parseSshArgs('-o StrictHostKeyChecking=no').hostKeyChecking).toBe('off');
    expect(parseSshArgs('-o StrictHostKeyChecking=yes').hostKeyChecking).toBe('strict');
    expect(() => parseSshArgs('-o Port=abc')).toThrow(/Port must be a number/);
  });
});

describe('applied to a command: command line > environment > file > defaults', () => {
  const flagsOf = (): ConfigurableFlags => ({ inventory: [], forks: '50', timeout: '10', output: 'text', vaultPasswordFile: [] });
  const command = () =>
    new Command('x').option('-i, --inventory <s>').option('-f, --forks <n>', '', '50').option('-u, --user <u>').option('-b, --become').option('-T, --timeout <s>', '', '10')
      .option('--output <f>', '', 'text').option('--host-key-checking <m>').option('--private-key <f>').option('--become-user <u>').option('--become-method <m>')
      .option('-K, --ask-become-pass');

  it('fills in what the command line did not give, keeps what it gave', () => {
    cfg(
      '[defaults]\nforks = 7\nremote_user = bob\ntimeout = 30\nhost_key_checking = False\nstdout_callback = json\nvault_password_file = vpass\n' +
        'gathering = smart\nany_errors_fatal = True\nroles_path = roles2\n[privilege_escalation]\nbecome = True\nbecome_method = su\n' +
        '[ssh_connection]\nssh_args = -o ProxyJump=j -o Port=2200 -o ServerAliveInterval=5 -o ControlMaster=auto\n',
    );
    const cmd = command();
    cmd.parse(['-f', '3', '-u', 'alice'], { from: 'user' });
    const flags = { ...flagsOf(), forks: '3', user: 'alice' };
    const applied = applyAnsibleConfig(cmd, flags, { env: {}, cwd: dir, home });
    expect(flags).toMatchObject({
      forks: '3', user: 'alice', timeout: '30', hostKeyChecking: 'off', output: 'json', become: true, becomeMethod: 'su',
      vaultPasswordFile: [join(dir, 'vpass')],
    });
    expect(applied.ssh).toEqual({ proxyJump: 'j', port: 2200, keepaliveSeconds: 5 });
    expect(applied.warnings).toEqual([`tsplay does not honour these Ansible settings (config file ${join(dir, 'ansible.cfg')}), they are ignored: ssh_args ControlMaster=auto`]);
    expect(runDefaults).toEqual({ gathering: 'smart', anyErrorsFatal: true, rolesPath: [join(dir, 'roles2')] });
  });

  it('the environment over the file; -i replaces the configured inventory; stdout_callback is not for exec', () => {
    cfg('[defaults]\ninventory = inv\nforks = 7\nstdout_callback = json\n');
    const flags = flagsOf();
    applyAnsibleConfig(command(), flags, { env: { ANSIBLE_FORKS: '8', ANSIBLE_HOST_KEY_CHECKING: 'True' }, cwd: dir, home, adhoc: true });
    expect(flags).toMatchObject({ forks: '8', inventory: [join(dir, 'inv')], hostKeyChecking: 'strict', output: 'text' });
    const given = { ...flagsOf(), inventory: ['other'] };
    applyAnsibleConfig(command(), given, { env: {}, cwd: dir, home });
    expect(given.inventory).toEqual(['other']);
  });

  it('an unknown stdout_callback is named in the warning', () => {
    cfg('[defaults]\nstdout_callback = yaml\n');
    const applied = applyAnsibleConfig(command(), flagsOf(), { env: {}, cwd: dir, home });
    expect(applied.warnings[0]).toMatch(/ignored: stdout_callback=yaml$/);
  });
});
