// systemd, service and wait_for on real hosts (their systemd, their units),
// beyond what the SSH differential compares with Ansible: --check predicts
// what the real run then does for a unit stopped behind the run's back; a
// unit that fails to start fails its host with systemctl's message and the
// unit's journal while the other host carries on; stopped/disabled/masked;
// wait_for's timeout; argument rules refused at load.
// Leaves on its hosts: units tsplay-demo (in /usr/lib/systemd/system, as a
// package installs it; masked at the end) and tsplay-bad (/etc/systemd/system).
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const UNIT = `[Unit]
Description=tsplay demo
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
`;
const BAD = `[Unit]
Description=tsplay bad
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo boom-from-the-unit; exit 3'
`;

const play = (tasks: string) => `- hosts: lab
  gather_facts: false
  tasks:
${tasks}`;

describeLab('systemd, service and wait_for on lab hosts', () => {
  const ctx = useLab(2, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    for (const h of c.lab.hosts) {
      await c.sh(h.name, `printf '%s' '${UNIT}' > /usr/lib/systemd/system/tsplay-demo.service && printf '%s' "${BAD}" > /etc/systemd/system/tsplay-bad.service && systemctl daemon-reload`);
    }
  });
  const run = (name: string, text: string, ...extra: string[]) => {
    ctx.write(name, text);
    return ctx.tsplay(['run', `${ctx.dir}/${name}`, '-i', `${ctx.dir}/inventory.ini`, ...extra]);
  };
  const state = async (host: string, unit: string) =>
    (await ctx.lab.exec(host, `systemctl is-active ${unit}; systemctl is-enabled ${unit}`)).stdout.trim().split('\n').join(' ');

  // One task per unit: a dry run does not yet carry one task's predicted
  // change into the next task's plan (a second task on the same unit would
  // predict the start again).
  const START = play(`    - systemd: name=tsplay-demo state=started enabled=true
`);
  const SERVICE = play(`    - service: name=tsplay-demo state=started enabled=yes
`);

  it('starts and enables; --check then predicts exactly what the real run does', async () => {
    const first = await run('start.yml', START);
    expect(first.code, show(first)).toBe(0);
    expect(recap(first.stdout).h1, show(first)).toMatchObject({ changed: 1, failed: 0 });
    for (const h of ['h1', 'h2']) expect(await state(h, 'tsplay-demo')).toBe('active enabled');

    await ctx.sh('h1', 'systemctl stop tsplay-demo');
    const check = await run('start.yml', START, '--check');
    expect(check.code, show(check)).toBe(0);
    expect(await state('h1', 'tsplay-demo'), 'check mode changed nothing').toBe('inactive enabled');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 1 }, h2: { changed: 0 } });

    const real = await run('start.yml', START);
    expect(recap(real.stdout), show(real)).toMatchObject({ h1: { changed: 1 }, h2: { changed: 0 } });
    expect(await state('h1', 'tsplay-demo')).toBe('active enabled');
    const again = await run('start.yml', START);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });

  it('service goes through systemd: restarts a unit stopped behind its back, then is ok', async () => {
    await ctx.sh('h2', 'systemctl stop tsplay-demo');
    const check = await run('service.yml', SERVICE, '--check');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 1 } });
    const r = await run('service.yml', SERVICE);
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 1 } });
    expect(await state('h2', 'tsplay-demo')).toBe('active enabled');
  });

  it('a unit that fails to start fails that host with the journal; the other carries on', async () => {
    const r = await run(
      'bad.yml',
      play(`    - systemd: name=tsplay-bad state=started
      when: inventory_hostname == 'h1'
    - copy: content=after dest=/root/after-bad
`),
    );
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('Unable to start service tsplay-bad');
    expect(r.stdout).toContain('boom-from-the-unit');
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { failed: 1 }, h2: { failed: 0, changed: 1 } });
    expect((await ctx.lab.exec('h1', 'test -e /root/after-bad')).code).toBe(1);
  });

  it('stops, disables and masks; then a second run changes nothing', async () => {
    const text = play(`    - systemd: name=tsplay-demo state=stopped enabled=false
    - systemd: name=tsplay-demo masked=true
`);
    const r = await run('stop.yml', text);
    expect(recap(r.stdout), show(r)).toMatchObject({ h1: { changed: 2, failed: 0 }, h2: { changed: 2, failed: 0 } });
    for (const h of ['h1', 'h2']) expect(await state(h, 'tsplay-demo')).toBe('inactive masked');
    const again = await run('stop.yml', text);
    expect(recap(again.stdout), show(again)).toMatchObject({ h1: { changed: 0 }, h2: { changed: 0 } });
  });

  it("wait_for fails after its timeout with Ansible's message; check mode skips it", async () => {
    const text = play(`    - wait_for: path=/nonexistent/file timeout=2 sleep=1
`);
    const r = await run('wait.yml', text);
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('Timeout when waiting for file /nonexistent/file');
    const check = await run('wait.yml', text, '--check');
    expect(recap(check.stdout), show(check)).toMatchObject({ h1: { skipped: 1, failed: 0 } });
  });

  it('refuses broken argument rules when the playbook loads, before any host is touched', async () => {
    const r = await run('rules.yml', play(`    - copy: content=x dest=/root/rules-canary
    - systemd: state=started
`));
    expect(r.code, show(r)).toBe(4);
    expect(r.stderr).toMatch(/missing parameter\(s\) required by 'state': name/);
    expect(r.stderr).toContain('rules.yml:5:7');
    const both = await run('rules2.yml', play(`    - wait_for: port=22 path=/etc/hosts
`));
    expect(both.code, show(both)).toBe(4);
    expect(both.stderr).toMatch(/parameters are mutually exclusive: port\|path/);
    expect((await ctx.lab.exec('h1', 'test -e /root/rules-canary')).code).toBe(1);
  });
});
