// cron, iptables, debconf and sysvinit on a real host, beyond what the SSH
// differential compares with Ansible: for each playbook --check predicts the
// real run's changes and changes nothing, the real run does them, and a
// second run changes nothing; what the SSH cases cannot share between the
// tools (a built-in chain's policy, root's crontab with a backup, a debconf
// password, which never shows in the output).
// Leaves on its hosts: root's crontab, FORWARD policy DROP, chain TSPLAY-SYS,
// debconf answers of tsplay-sys, /etc/init.d/tsplay-sys (enabled, stopped).
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - cron: name=sys job="echo 'quoted $HOME'" minute=*/5 backup=true
      register: c
    - cron: name=MAILTO env=true job=root
    - iptables: chain=FORWARD policy=DROP
    - iptables: chain=TSPLAY-SYS chain_management=true source=192.0.2.1 jump=DROP comment="it's a 'test'"
    - iptables: chain=TSPLAY-SYS source=192.0.2.2 jump=DROP action=insert
    - debconf: name=tsplay-sys question=tsplay-sys/secret vtype=string value=plain
    - dpkg_selections: name=bash selection=install
    - sysvinit: name=tsplay-sys enabled=true
    - copy:
        dest: /tmp/tsplay-sys-backup
        content: "{{ c.backup_file }}"
      when: c.backup_file is defined
`;

describeLab('cron, iptables, debconf, dpkg_selections and sysvinit on a lab host', () => {
  const ctx = useLab(1, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    const script = ['#!/bin/sh', '### BEGIN INIT INFO', '# Provides: tsplay-sys', '# Default-Start: 2 3 4 5', '# Default-Stop: 0 1 6', '### END INIT INFO', 'case "$1" in status) exit 3 ;; *) exit 0 ;; esac', ''];
    await c.sh('h1', `printf '%s\\n' ${script.map((l) => `'${l.replace(/'/g, `'"'"'`)}'`).join(' ')} > /etc/init.d/tsplay-sys && chmod 755 /etc/init.d/tsplay-sys`);
  });
  const run = (...extra: string[]) => ctx.tsplay(['run', `${ctx.dir}/sys.yml`, '-i', `${ctx.dir}/inventory.ini`, ...extra]);
  const snapshot = async () =>
    (
      await ctx.lab.exec(
        'h1',
        'crontab -l 2>&1; iptables -S 2>&1; debconf-get-selections 2>/dev/null | grep tsplay-sys; ls /etc/rc?.d | grep -c tsplay-sys; true',
      )
    ).stdout;

  it('--check predicts the first run and changes nothing; the run does it; a second run changes nothing', { timeout: 300_000 }, async () => {
    ctx.write('sys.yml', PLAY);
    const before = await snapshot();
    const check = await run('--check');
    expect(check.code, show(check)).toBe(0);
    expect(await snapshot()).toBe(before);
    const first = await run();
    expect(first.code, show(first)).toBe(0);
    // bash is already selected for install: dpkg_selections is ok. The backup's
    // name exists only after a real change, so its copy is skipped in check mode.
    expect(recap(check.stdout).h1, show(check)).toMatchObject({ changed: 7, skipped: 1, failed: 0 });
    expect(recap(first.stdout).h1, show(first)).toMatchObject({ changed: 8, skipped: 0, failed: 0 });
    const after = await snapshot();
    expect(after).toContain(`#Ansible: sys\n*/5 * * * * echo 'quoted $HOME'`);
    expect(after).toContain('MAILTO="root"');
    expect(after).toContain('-P FORWARD DROP');
    expect(after).toContain(`-A TSPLAY-SYS -s 192.0.2.2/32 -j DROP\n-A TSPLAY-SYS -s 192.0.2.1/32 -m comment --comment "it\\'s a \\'test\\'" -j DROP`);
    expect(after).toMatch(/tsplay-sys\ttsplay-sys\/secret\tstring\tplain/);
    // Enabled: S links in rc2..5, K links in rc0, 1, 6.
    expect(after.trim().endsWith('7')).toBe(true);
    const backup = (await ctx.lab.exec('h1', 'f=$(cat /tmp/tsplay-sys-backup); case "$f" in /tmp/crontab*) test -f "$f" && echo kept ;; esac')).stdout;
    expect(backup.trim()).toBe('kept');

    const second = await run();
    expect(recap(second.stdout).h1, show(second)).toMatchObject({ changed: 0, skipped: 1, failed: 0 });
    expect(await snapshot()).toBe(after);
    const checkAgain = await run('--check', '--diff');
    expect(recap(checkAgain.stdout).h1, show(checkAgain)).toMatchObject({ changed: 0, skipped: 1, failed: 0 });
  });

  it('a debconf password is set but never shown, in results or diffs', { timeout: 120_000 }, async () => {
    ctx.write(
      'pw.yml',
      `- hosts: lab
  gather_facts: false
  tasks:
    - debconf: name=tsplay-sys question=tsplay-sys/pw vtype=password value=hunter2-secret
      register: pw
    - debug: var=pw
`,
    );
    const r = await ctx.tsplay(['run', `${ctx.dir}/pw.yml`, '-i', `${ctx.dir}/inventory.ini`, '--diff', '-v']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
    const stored = (await ctx.lab.exec('h1', 'debconf-get-selections 2>/dev/null | grep tsplay-sys/pw')).stdout;
    expect(stored).toContain('hunter2-secret');
  });
});
