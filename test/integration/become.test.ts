// Acceptance 7: become from a non-root user with a sudo password. alice (who
// needs her password for sudo) connects, `become: true` makes the tasks run as
// root, with the password from -K on stdin or from ansible_become_password in
// the inventory. The password appears nowhere in the output at -vvv, nor with
// --output json.
// Leaves on its hosts: user alice and her sudoers entry (setup),
// /root/become-<tag> from each test.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const SECRET = 'Sudo-Pw_x9$q"7';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - command: whoami
      register: plain
      changed_when: false
    - command: whoami
      become: true
      register: root
      changed_when: false
    - copy:
        content: "{{ plain.stdout }} {{ root.stdout }}\\n"
        dest: /root/become-{{ tag }}
      become: true
`;

describeLab('become with a sudo password on lab hosts', () => {
  const ctx = useLab(3, async (c) => {
    c.write('play.yml', PLAY);
    for (const h of ['h1', 'h2']) {
      await c.sh(
        h,
        `useradd -m -s /bin/bash alice && chpasswd <<'EOF'\nalice:${SECRET}\nEOF\n` +
          `echo 'alice ALL=(ALL:ALL) ALL' > /etc/sudoers.d/alice && chmod 440 /etc/sudoers.d/alice && ` +
          `install -d -o alice -m 700 /home/alice/.ssh && install -o alice -m 600 /root/.ssh/authorized_keys /home/alice/.ssh/authorized_keys`,
      );
      // sudo really wants the password.
      const nopw = await c.lab.exec(h, 'su alice -c "sudo -n true"');
      if (nopw.code === 0) throw new Error('sudo does not require a password for alice');
    }
  });

  const inventory = (name: string, extra = '') =>
    ctx.write(
      name,
      `[lab]\n${['h1', 'h2'].map((h) => `${h} ansible_host=${ctx.address(h)} ansible_user=alice ansible_ssh_private_key_file=${ctx.lab.keyFile}${extra}`).join('\n')}\n`,
    );

  it('-K on stdin, at -vvv and with --output json: runs as root, the password is never printed', async () => {
    const inv = inventory('alice.ini');
    for (const [tag, extra] of [['text', ['-vvv']], ['json', ['-vvv', '--output', 'json']]] as const) {
      const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-K', '-e', `tag=${tag}`, ...extra], { input: `${SECRET}\n` });
      expect(r.code, show(r)).toBe(0);
      for (const h of ['h1', 'h2']) expect(await ctx.sh(h, `cat /root/become-${tag}`)).toBe('alice root\n');
      const all = r.stdout + r.stderr;
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain(JSON.stringify(SECRET).slice(1, -1));
      if (tag === 'json') for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    }
  });

  it('ansible_become_password in the inventory', async () => {
    const inv = inventory('alice-pw.ini', ` ansible_become_password='${SECRET.replaceAll("'", "\\'")}'`);
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-e', 'tag=inv', '-vvv']);
    expect(r.code, show(r)).toBe(0);
    for (const h of ['h1', 'h2']) expect(await ctx.sh(h, 'cat /root/become-inv')).toBe('alice root\n');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a wrong become password fails the task (not the connection), and is not printed either', async () => {
    const inv = inventory('alice.ini');
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-K', '-e', 'tag=wrong', '-vvv'], { input: 'nope-wrong-pw\n' });
    expect(r.code, show(r)).toBe(2);
    expect(recap(r.stdout).h1).toMatchObject({ ok: 1, failed: 1, unreachable: 0 });
    expect(r.stdout + r.stderr).not.toContain('nope-wrong-pw');
    expect((await ctx.lab.exec('h1', 'test -e /root/become-wrong')).code).toBe(1);
  });
});
