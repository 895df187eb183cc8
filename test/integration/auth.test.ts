// Acceptance 3: authentication over SSH against lab hosts — key file from the
// inventory, passphrase-protected key (--private-key, passphrase asked once on
// stdin), ssh-agent (SSH_AUTH_SOCK of an agent the test starts and kills),
// and password (ansible_password, and -k on stdin).
// Leaves on its hosts: a second authorized key for root (setup), user bob and
// password logins on h2 (setup), /tmp/auth-<tag> from each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { sleep } from '../lab/sys.js';
import { recap, runProgram, show, useLab } from './helpers.js';

const PASSPHRASE = 'pass phrase-42';
const PASSWORD = 'Pw-for-bob 7';

const WHOAMI = `- hosts: lab
  gather_facts: false
  tasks:
    - command: whoami
      register: who
      changed_when: false
    - copy:
        content: "{{ who.stdout }}\\n"
        dest: /tmp/auth-{{ tag }}
`;

describeLab('authentication over SSH on lab hosts', () => {
  let agent: ChildProcess | undefined;
  const ctx = useLab(3, async (c) => {
    c.write('whoami.yml', WHOAMI);
    // An encrypted key, authorized for root on every host.
    const enc = `${c.dir}/enc_key`;
    const gen = await runProgram('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'enc', '-f', enc]);
    if (gen.code !== 0) throw new Error(gen.stderr);
    const pub = readFileSync(`${enc}.pub`, 'utf8');
    for (const h of c.lab.hosts) await c.sh(h.name, `printf '%s' '${pub.trim()}\n' >> /root/.ssh/authorized_keys`);
    // A password user on h2, with PasswordAuthentication on.
    await c.sh(
      'h2',
      `useradd -m -s /bin/sh bob && printf '%s\\n' 'bob:${PASSWORD}' | chpasswd && ` +
        `printf 'PasswordAuthentication yes\\nKbdInteractiveAuthentication yes\\n' > /etc/ssh/sshd_config.d/00-a-password.conf && systemctl reload ssh`,
    );
  });
  afterAll(() => {
    if (agent?.pid && agent.exitCode === null) process.kill(agent.pid, 'SIGTERM');
  });

  /** Inventory with the lab hosts, without any key variable unless given. */
  const inventory = (name: string, extra: (host: string) => string) =>
    ctx.write(name, `[lab]\n${ctx.lab.hosts.map((h) => `${h.name} ansible_host=${h.address} ${extra(h.name)}`).join('\n')}\n`);

  const expectWho = async (tag: string, who: string, hosts = ['h1', 'h2', 'h3']) => {
    for (const h of hosts) expect(await ctx.sh(h, `cat /tmp/auth-${tag}`), `on ${h}`).toBe(`${who}\n`);
  };

  it('key file from the inventory (ansible_ssh_private_key_file)', async () => {
    ctx.write('lab.ini', ctx.lab.inventory);
    const r = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', `${ctx.dir}/lab.ini`, '-e', 'tag=keyfile']);
    expect(r.code, show(r)).toBe(0);
    await expectWho('keyfile', 'root');
  });

  it('passphrase-protected key given with --private-key: the passphrase is asked once, on stdin', async () => {
    const inv = inventory('enc.ini', () => 'ansible_user=root');
    const args = ['run', `${ctx.dir}/whoami.yml`, '-i', inv, '--private-key', `${ctx.dir}/enc_key`];
    const r = await ctx.tsplay([...args, '-e', 'tag=enc'], { input: `${PASSPHRASE}\n` });
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr.match(/Enter passphrase for key/g), show(r)).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain(PASSPHRASE);
    await expectWho('enc', 'root');

    const wrong = await ctx.tsplay([...args, '-e', 'tag=enc-wrong'], { input: 'not it\n' });
    expect(wrong.code, show(wrong)).toBe(4);
    expect(recap(wrong.stdout).h1).toMatchObject({ unreachable: 1 });
    expect(wrong.stdout).toMatch(/wrong passphrase/);
    const none = await ctx.tsplay([...args, '-e', 'tag=enc-none'], { input: '' });
    expect(none.code, show(none)).toBe(4);
    expect(none.stdout).toMatch(/encrypted/);
    for (const h of ['h1', 'h2', 'h3']) expect((await ctx.lab.exec(h, 'test -e /tmp/auth-enc-wrong || test -e /tmp/auth-enc-none')).code).toBe(1);
  });

  it('ssh-agent (SSH_AUTH_SOCK), no key file anywhere', async () => {
    const sock = `${ctx.dir}/agent.sock`;
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(50);
    const add = await runProgram('ssh-add', [ctx.lab.keyFile], { env: { SSH_AUTH_SOCK: sock } });
    expect(add.code, show(add)).toBe(0);
    const inv = inventory('agent.ini', () => 'ansible_user=root');
    const r = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', inv, '-e', 'tag=agent'], { env: { SSH_AUTH_SOCK: sock } });
    expect(r.code, show(r)).toBe(0);
    await expectWho('agent', 'root');
    // Without the agent the same inventory has no way in.
    const without = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', inv, '-e', 'tag=noagent']);
    expect(without.code, show(without)).toBe(4);
    expect(without.stdout).toMatch(/Permission denied/);
    process.kill(agent.pid!, 'SIGTERM');
  });

  it('password: ansible_password in the inventory, and -k on stdin', async () => {
    const addr = ctx.address('h2');
    const inv = ctx.write('pw.ini', `[lab]\nh2 ansible_host=${addr} ansible_user=bob ansible_password='${PASSWORD}'\n`);
    const r = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', inv, '-e', 'tag=pw'], { timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(0);
    await expectWho('pw', 'bob', ['h2']);

    const inv2 = ctx.write('ask.ini', `[lab]\nh2 ansible_host=${addr} ansible_user=bob\n`);
    const k = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', inv2, '-k', '-e', 'tag=askpw'], { input: `${PASSWORD}\n` });
    expect(k.code, show(k)).toBe(0);
    expect(k.stdout + k.stderr).not.toContain(PASSWORD);
    await expectWho('askpw', 'bob', ['h2']);

    const bad = await ctx.tsplay(['run', `${ctx.dir}/whoami.yml`, '-i', inv2, '-k', '-e', 'tag=badpw'], { input: 'wrong\n' });
    expect(bad.code, show(bad)).toBe(4);
    expect(bad.stdout).toMatch(/Permission denied/);
  });
});
