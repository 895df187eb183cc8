// reboot and wait_for_connection on lab hosts booted `rebootable` (a host's
// container is started again when it reboots, as systemd-nspawn@.service
// does): the lab option itself; a play that reboots both hosts and carries on
// over new connections; wait_for_connection while sshd is stopped; check mode;
// meta: reset_connection. Each play runs with tsplay and, when ansible-playbook
// is installed, with Ansible on the same hosts: recap, exit code and the
// registered values users read must be the same (elapsed only as a number).
// Without ansible-playbook that comparison is skipped, except under CI=true.
// Leaves on its hosts: /root/rb/ (each tool's registered values), a marker file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { normalizeOutput } from '../differential/harness.js';
import { describeLab } from '../lab/lab.js';
import { recap, runProgram, show, useLab, type LabContext, type RunResult } from './helpers.js';

const HOSTS = ['h1', 'h2'];

function hasAnsible(): boolean {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const ANSIBLE = hasAnsible();
if (!ANSIBLE && process.env.CI === 'true') throw new Error('ansible-playbook is needed under CI=true (reboot.test.ts compares with it)');

// Ansible reuses one ssh master per host, closed in afterAll.
const sshArgs = (ctx: LabContext) => [
  '-F', '/dev/null', '-o', `UserKnownHostsFile=${ctx.lab.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', 'ControlMaster=auto', '-o', 'ControlPersist=120s', '-o', `ControlPath=${ctx.dir}/cm-%C`,
];
const ansibleCfg = (ctx: LabContext) => `[defaults]
host_key_checking = True
interpreter_python = auto_silent
retry_files_enabled = False
nocolor = True
[ssh_connection]
ssh_args = ${sshArgs(ctx).join(' ')}
pipelining = True
`;

/** Each tool writes what it registered under /root/rb/<tool>/ (out=...). */
const SAVE = (name: string) => `    - copy:
        dest: "{{ out }}/${name}.json"
        content: "{{ ${name} | dict2items | rejectattr('key', 'eq', 'elapsed') | items2dict | to_nice_json }}\\n"
    - copy:
        dest: "{{ out }}/${name}.elapsed"
        content: "{{ ${name}.elapsed | default('none') | type_debug }}\\n"
`;

const REBOOT_PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - command: cat /proc/sys/kernel/random/boot_id
      register: before
    - reboot:
        reboot_timeout: 300
        msg: rebooting for the test
      register: rebooted
    - command: cat /proc/sys/kernel/random/boot_id
      register: after
    - assert:
        that: before.stdout != after.stdout
${SAVE('rebooted')}`;

const WAIT_PLAY = `- hosts: h1
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - name: stop sshd; it starts again in 6 seconds
      shell: systemd-run --on-active=6 systemctl start ssh.service && systemctl stop ssh.service
    - wait_for_connection:
        timeout: 120
        sleep: 1
      register: waited
    - name: it did wait for sshd
      assert:
        that: waited.elapsed >= 3
    - meta: reset_connection
    - command: whoami
      register: who
${SAVE('waited')}`;

const CHECK_PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - reboot:
      register: rebooted
    - wait_for_connection:
      register: waited
    - debug: var=rebooted
    - debug: var=waited
`;

describeLab('reboot and wait_for_connection on rebootable lab hosts', () => {
  const ctx = useLab(
    HOSTS.length,
    async (c) => {
      c.write('inventory.ini', c.lab.inventory);
      c.write('ansible.cfg', ansibleCfg(c));
      c.write('reboot.yml', REBOOT_PLAY);
      c.write('wait.yml', WAIT_PLAY);
      c.write('check.yml', CHECK_PLAY);
    },
    { rebootable: true },
  );
  afterAll(async () => {
    if (!ctx.lab) return;
    for (const h of ctx.lab.hosts) await runProgram('ssh', [...sshArgs(ctx), '-O', 'exit', `root@${h.address}`], { timeoutMs: 10_000 });
  });

  const tsplay = (playbook: string, ...extra: string[]) =>
    ctx.tsplay(['run', `${ctx.dir}/${playbook}`, '-i', `${ctx.dir}/inventory.ini`, '-e', 'out=/root/rb/tsplay', ...extra], { timeoutMs: 600_000 });
  const ansible = (playbook: string, ...extra: string[]) =>
    runProgram('ansible-playbook', ['-i', `${ctx.dir}/inventory.ini`, `${ctx.dir}/${playbook}`, '-e', 'out=/root/rb/ansible', ...extra], {
      cwd: ctx.dir,
      env: { HOME: ctx.home, ANSIBLE_CONFIG: `${ctx.dir}/ansible.cfg`, ANSIBLE_HOST_KEY_CHECKING: undefined, SSH_AUTH_SOCK: undefined },
      timeoutMs: 600_000,
    });
  const bootId = async (host: string) => (await ctx.sh(host, 'cat /proc/sys/kernel/random/boot_id')).trim();
  const saved = async (host: string, tool: string, name: string) => (await ctx.sh(host, `cat /root/rb/${tool}/${name}.json /root/rb/${tool}/${name}.elapsed`)).trim();
  /** Recap and exit code agree; returns Ansible's run (undefined without ansible-playbook). */
  const sameAsAnsible = async (ours: RunResult, playbook: string, ...extra: string[]): Promise<RunResult | undefined> => {
    if (!ANSIBLE) return undefined;
    const theirs = await ansible(playbook, ...extra);
    expect(theirs.stdout, show(theirs)).toContain('PLAY RECAP');
    expect(recap(ours.stdout), `${show(ours)}\n=== ansible ===\n${show(theirs)}`).toEqual(recap(theirs.stdout));
    expect(ours.code).toBe(theirs.code);
    return theirs;
  };

  it('lab: a rebootable host comes back after a reboot as the same host (address, keys, files), with a new boot id and an empty /tmp', async () => {
    const keyBefore = await ctx.sh('h2', 'cat /etc/ssh/ssh_host_ed25519_key.pub');
    const idBefore = await bootId('h2');
    await ctx.sh('h2', 'echo kept > /root/marker && touch /tmp/gone');
    // The command may not return: the container goes away under it.
    await ctx.lab.exec('h2', 'systemctl reboot', { timeoutMs: 30_000 }).catch(() => undefined);
    let idAfter = idBefore;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      idAfter = await bootId('h2').catch(() => idBefore);
      if (idAfter !== idBefore && (await ctx.lab.exec('h2', 'systemctl is-active ssh.service')).stdout.trim() === 'active') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(idAfter).not.toBe(idBefore);
    expect(await ctx.sh('h2', 'cat /root/marker; ls /tmp/gone 2>&1; ip -4 -o addr show eth0 | grep -o "inet [0-9.]*"')).toMatch(
      new RegExp(`^kept\n.*No such file.*\ninet ${ctx.address('h2').replace(/\./g, '\\.')}\n?$`),
    );
    expect(await ctx.sh('h2', 'cat /etc/ssh/ssh_host_ed25519_key.pub')).toBe(keyBefore);
    // And over SSH, with the known host key.
    const r = await runProgram('ssh', [...sshArgs(ctx), '-i', ctx.lab.keyFile, '-o', 'BatchMode=yes', `root@${ctx.address('h2')}`, 'cat /proc/sys/kernel/random/boot_id'], { timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(idAfter);
  }, 240_000);

  it('reboot: both hosts reboot, the play carries on over new connections; as ansible-playbook', async () => {
    const before = await Promise.all(HOSTS.map(bootId));
    const ours = await tsplay('reboot.yml');
    expect(ours.code, show(ours)).toBe(0);
    expect(recap(ours.stdout), show(ours)).toEqual({
      h1: expect.objectContaining({ ok: 7, changed: 6, failed: 0, unreachable: 0 }),
      h2: expect.objectContaining({ ok: 7, changed: 6, failed: 0, unreachable: 0 }),
    });
    const after = await Promise.all(HOSTS.map(bootId));
    for (const i of [0, 1]) expect(after[i]).not.toBe(before[i]);
    for (const h of HOSTS) {
      const got = await saved(h, 'tsplay', 'rebooted');
      expect(got.endsWith('\nint'), got).toBe(true);
      expect(JSON.parse(got.slice(0, got.lastIndexOf('\n')))).toEqual({ changed: true, failed: false, rebooted: true });
    }
    if (await sameAsAnsible(ours, 'reboot.yml')) {
      for (const h of HOSTS) expect(await saved(h, 'tsplay', 'rebooted')).toBe(await saved(h, 'ansible', 'rebooted'));
    }
  }, 900_000);

  it('wait_for_connection: waits while sshd is stopped, then the play carries on; as ansible-playbook', async () => {
    const ours = await tsplay('wait.yml');
    expect(ours.code, show(ours)).toBe(0);
    expect(recap(ours.stdout).h1, show(ours)).toMatchObject({ ok: 7, changed: 4, failed: 0, unreachable: 0 });
    const got = await saved('h1', 'tsplay', 'waited');
    expect(got.endsWith('\nint')).toBe(true);
    expect(JSON.parse(got.slice(0, got.lastIndexOf('\n')))).toEqual({ changed: false, failed: false });
    if (await sameAsAnsible(ours, 'wait.yml')) expect(got).toBe(await saved('h1', 'ansible', 'waited'));
  }, 600_000);

  it('--check: reboot predicts a reboot (changed, rebooted) without one, wait_for_connection is skipped; as ansible-playbook', async () => {
    const before = await Promise.all(HOSTS.map(bootId));
    const ours = await tsplay('check.yml', '--check');
    expect(ours.code, show(ours)).toBe(0);
    expect(recap(ours.stdout).h1, show(ours)).toMatchObject({ ok: 3, changed: 1, skipped: 1 });
    expect(ours.stdout).toContain('"rebooted": true');
    expect(await Promise.all(HOSTS.map(bootId))).toEqual(before);
    const theirs = await sameAsAnsible(ours, 'check.yml', '--check');
    if (theirs) {
      // Hosts report in the order they finish: each task's host entries sorted, as the differential harness does.
      const shown = (out: string) => normalizeOutput(out.slice(out.indexOf('TASK [debug]')).replace(/\s+$/gm, '').split('PLAY RECAP')[0]!, ctx.dir, ctx.dir);
      expect(shown(ours.stdout)).toEqual(shown(theirs.stdout));
    }
  }, 300_000);

  it('reboot refuses the local connection, as Ansible', async () => {
    const text = `- hosts: localhost
  gather_facts: false
  tasks:
    - reboot:
      ignore_errors: true
      register: r
    - copy: content="{{ r | to_nice_json }}" dest=${ctx.dir}/local-TOOL.json
`;
    ctx.write('local.yml', text.replace('TOOL', 'tsplay'));
    const ours = await ctx.tsplay(['run', `${ctx.dir}/local.yml`, '-c', 'local', '-i', 'localhost,']);
    expect(ours.code, show(ours)).toBe(0);
    const mine = JSON.parse(readFileSync(`${ctx.dir}/local-tsplay.json`, 'utf8'));
    expect(mine).toEqual({ changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' });
    if (!ANSIBLE) return;
    ctx.write('local.yml', text.replace('TOOL', 'ansible'));
    const theirs = await runProgram('ansible-playbook', [`${ctx.dir}/local.yml`, '-c', 'local', '-i', 'localhost,'], { cwd: ctx.dir, env: { HOME: ctx.home } });
    expect(recap(ours.stdout)).toEqual(recap(theirs.stdout));
    expect(mine).toEqual(JSON.parse(readFileSync(`${ctx.dir}/local-ansible.json`, 'utf8')));
  }, 120_000);
});
