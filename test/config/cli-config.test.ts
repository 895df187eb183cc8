// ansible.cfg and ANSIBLE_* through the command line (-c local): each setting
// changes the run as it changes ansible-playbook's, checked against
// ansible-playbook itself on the same files when it is installed (the
// normalised text output and the exit code), and against its known output
// otherwise.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ansibleAvailable, normalizeOutput, runCommand } from '../differential/harness.js';
import { tsplay } from '../cli-helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cfgcli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
};
// Only the variables under test reach either tool: none of the harness's ANSIBLE_* settings.
const CLEAN: Record<string, string> = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('ANSIBLE_')).map((k) => [k, undefined as unknown as string]));
const run = (args: string[], env: Record<string, string> = {}) =>
  tsplay(['run', ...args], { cwd: dir, env: { ...CLEAN, NO_COLOR: '1', ...env } as Record<string, string> });
const HAVE_ANSIBLE = ansibleAvailable();

/** ansible-playbook on the same directory, when installed: same normalised output and exit code. */
async function sameAsAnsible(args: string[], env: Record<string, string>, tsplayRun: { code: number; stdout: string }): Promise<void> {
  if (!HAVE_ANSIBLE) return;
  const a = await runCommand('ansible-playbook', args, {
    cwd: dir,
    env: { ...CLEAN, ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_DEPRECATION_WARNINGS: '0', ...env },
    timeoutMs: 120_000,
  });
  const show = `--- ansible ---\n${a.stdout}${a.stderr}\n--- tsplay ---\n${tsplayRun.stdout}`;
  expect(normalizeOutput(tsplayRun.stdout, dir, dir), show).toEqual(normalizeOutput(a.stdout, dir, dir));
  expect(tsplayRun.code, show).toBe(a.code);
}

const TWO_HOSTS = 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\nh2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';

describe('ansible.cfg and ANSIBLE_* in tsplay run', () => {
  it('-v names the config file (or none) first, as ansible-playbook does', { timeout: 240_000 }, () => {
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: [{ debug: { msg: hi } }]\n');
    expect(run(['pb.yml', '-v']).stdout.split('\n')[0]).toBe('No config file found; using defaults');
    write('ansible.cfg', '[defaults]\n');
    expect(run(['pb.yml', '-v']).stdout.split('\n')[0]).toBe(`Using ${join(dir, 'ansible.cfg')} as config file`);
    expect(run(['pb.yml']).stdout).not.toContain('config file');
  });

  it('force_color colours output into a pipe; nocolor and --no-color turn it off; no warning names them', { timeout: 240_000 }, () => {
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: [{ debug: { msg: hi } }]\n');
    write('ansible.cfg', '[defaults]\nforce_color = True\n');
    const forced = tsplay(['run', 'pb.yml'], { cwd: dir, env: { ...CLEAN, NO_COLOR: undefined } as unknown as Record<string, string> });
    expect(forced.stdout).toContain('\x1b[0;32mok: [localhost]');
    expect(forced.stderr).not.toContain('does not honour');
    expect(tsplay(['run', 'pb.yml', '--no-color'], { cwd: dir, env: { ...CLEAN, NO_COLOR: undefined } as unknown as Record<string, string> }).stdout).not.toContain('\x1b[');
    write('ansible.cfg', '[defaults]\nnocolor = True\n');
    expect(tsplay(['run', 'pb.yml'], { cwd: dir, env: { ...CLEAN, NO_COLOR: undefined, ANSIBLE_FORCE_COLOR: undefined } as unknown as Record<string, string> }).stdout).not.toContain('\x1b[');
  });

  it('inventory and forks from the file; ANSIBLE_FORKS over the file; -f over both', { timeout: 240_000 }, async () => {
    write('ansible.cfg', '[defaults]\ninventory = inv/hosts.ini   ; inline comment\nforks: 7\n');
    write('inv/hosts.ini', TWO_HOSTS);
    write('pb.yml', '- hosts: all\n  gather_facts: false\n  tasks: [{ debug: { var: ansible_forks } }]\n');
    for (const [args, env, forks] of [[[], {}, 7], [[], { ANSIBLE_FORKS: '9' }, 9], [['-f', '3'], { ANSIBLE_FORKS: '9' }, 3]] as const) {
      const r = run(['pb.yml', ...args], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`ok: [h2] => {\n    "ansible_forks": ${forks}\n}`);
      await sameAsAnsible(['pb.yml', ...args], env, r);
    }
  });

  it('gathering: explicit gathers only where gather_facts is true; smart gathers a host once (in the first play)', { timeout: 240_000 }, async () => {
    write('hosts.ini', TWO_HOSTS);
    write('pb.yml', '- hosts: all\n  tasks: [{ debug: { msg: one } }]\n- hosts: all\n  gather_facts: true\n  tasks: [{ debug: { msg: two } }]\n');
    for (const [mode, gathers] of [['explicit', 1], ['smart', 1]] as const) {
      write('ansible.cfg', `[defaults]\ngathering = ${mode}\n`);
      const r = run(['pb.yml', '-i', 'hosts.ini']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('TASK [Gathering Facts]').length - 1, mode).toBe(gathers);
      await sameAsAnsible(['pb.yml', '-i', 'hosts.ini'], {}, r);
    }
  });

  it('ANSIBLE_ANY_ERRORS_FATAL / any_errors_fatal stop every host at the first failure; False does not', { timeout: 240_000 }, async () => {
    write('hosts.ini', TWO_HOSTS);
    write('pb.yml', "- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: { msg: boom }\n      when: inventory_hostname == 'h1'\n    - debug: { msg: after }\n");
    write('ansible.cfg', '[defaults]\nany_errors_fatal = True\n');
    const r = run(['pb.yml', '-i', 'hosts.ini']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('NO MORE HOSTS LEFT');
    expect(r.stdout).not.toContain('after');
    await sameAsAnsible(['pb.yml', '-i', 'hosts.ini'], {}, r);
    const off = run(['pb.yml', '-i', 'hosts.ini'], { ANSIBLE_ANY_ERRORS_FATAL: 'False' });
    expect(off.stdout).toContain('"msg": "after"');
    await sameAsAnsible(['pb.yml', '-i', 'hosts.ini'], { ANSIBLE_ANY_ERRORS_FATAL: 'False' }, off);
  });

  it('roles_path: roles found in the configured directories, relative to the file', { timeout: 240_000 }, async () => {
    write('cfgdir/ansible.cfg', '[defaults]\nroles_path = ../shared:/nonexistent\n');
    write('shared/greet/tasks/main.yml', '- debug: { msg: hello from shared }\n');
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  roles: [greet]\n');
    const env = { ANSIBLE_CONFIG: join(dir, 'cfgdir', 'ansible.cfg') };
    const r = run(['pb.yml'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"msg": "hello from shared"');
    await sameAsAnsible(['pb.yml'], env, r);
    expect(run(['pb.yml']).code).not.toBe(0);
  });

  it('without roles_path, roles are found in Ansible\'s default directories (~/.ansible/roles first)', { timeout: 240_000 }, async () => {
    write('home/.ansible/roles/greet/tasks/main.yml', '- debug: { msg: hello from home }\n');
    write('play/pb.yml', '- hosts: localhost\n  gather_facts: false\n  roles: [greet]\n');
    const env = { HOME: join(dir, 'home') };
    const r = run(['play/pb.yml'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"msg": "hello from home"');
    await sameAsAnsible(['play/pb.yml'], env, r);
  });

  it('stdout_callback = json gives --output json; --output text on the command line wins', { timeout: 240_000 }, () => {
    write('ansible.cfg', '[defaults]\nstdout_callback = ansible.posix.json\n');
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: [{ debug: { msg: hi } }]\n');
    const json = run(['pb.yml']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout.split('\n')[0]!)).toMatchObject({ kind: 'play_start' });
    expect(run(['pb.yml', '--output', 'text']).stdout).toContain('PLAY [localhost]');
  });

  it('names what it does not honour in one warning on stderr, and still runs', { timeout: 240_000 }, () => {
    write('ansible.cfg', '[defaults]\ncallbacks_enabled = timer\nretry_files_enabled = False\n[ssh_connection]\nssh_args = -o ControlMaster=auto -o ControlPersist=60s -o ServerAliveInterval=5\npipelining = True\n');
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: [{ debug: { msg: hi } }]\n');
    const r = run(['pb.yml'], { ANSIBLE_LOAD_CALLBACK_PLUGINS: '1' });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[WARNING]'));
    expect(warnings).toEqual([
      `[WARNING]: tsplay does not honour these Ansible settings (config file ${join(dir, 'ansible.cfg')}), they are ignored: ` +
        '[defaults] callbacks_enabled, ANSIBLE_LOAD_CALLBACK_PLUGINS, ssh_args ControlMaster=auto ControlPersist=60s',
    ]);
  });

  it('a malformed file or a mistyped value stops before anything runs (exit 5)', { timeout: 240_000 }, () => {
    write('pb.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: [{ debug: { msg: hi } }]\n');
    write('ansible.cfg', '[defaults]\nforks = many\n');
    const r = run(['pb.yml']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("Invalid type for configuration option setting: forks");
    write('ansible.cfg', 'forks = 3\n');
    expect(run(['pb.yml']).stderr).toContain('File contains no section headers');
  });

  it('tsplay exec reads the same file: its inventory, and -v names it', { timeout: 240_000 }, () => {
    write('ansible.cfg', '[defaults]\ninventory = hosts.ini\n');
    write('hosts.ini', TWO_HOSTS);
    const r = tsplay(['exec', 'all', '-m', 'ping', '-o', '-v'], { cwd: dir, env: CLEAN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').sort()).toEqual(['', `Using ${join(dir, 'ansible.cfg')} as config file`, 'h1 | SUCCESS => {"changed": false,"ping": "pong"}', 'h2 | SUCCESS => {"changed": false,"ping": "pong"}'].sort());
  });
});
