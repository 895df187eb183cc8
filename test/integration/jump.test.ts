// Acceptance 4: a jump host. h3 is reached through h1, given as
// `-o ProxyJump=root@<h1>` in ansible_ssh_common_args, or as ProxyJump in
// $HOME/.ssh/config. Proof that the jump is used: on h3, $SSH_CONNECTION names
// h1's address as the client. The jump host's key is verified too.
// Leaves on its hosts: /tmp/jump-<tag>.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - shell: echo "$SSH_CONNECTION" | cut -d' ' -f1
      register: client
      changed_when: false
    - copy:
        content: "{{ client.stdout }}\\n"
        dest: /tmp/jump-{{ tag }}
`;

describeLab('ProxyJump over a lab host', () => {
  const ctx = useLab(3, async (c) => {
    c.write('play.yml', PLAY);
  });

  const clientOn = (host: string, tag: string) => ctx.sh(host, `cat /tmp/jump-${tag}`);

  it('ansible_ssh_common_args="-o ProxyJump=root@h1": h3 sees h1 as its client; h2 is direct', async () => {
    const [h1, h2, h3] = ['h1', 'h2', 'h3'].map((h) => ctx.address(h));
    const key = ctx.lab.keyFile;
    const inv = ctx.write(
      'jump.ini',
      `[lab]
h2 ansible_host=${h2} ansible_user=root ansible_ssh_private_key_file=${key}
h3 ansible_host=${h3} ansible_user=root ansible_ssh_private_key_file=${key} ansible_ssh_common_args='-o ProxyJump=root@${h1}'
`,
    );
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-e', 'tag=args']);
    expect(r.code, show(r)).toBe(0);
    expect(await clientOn('h3', 'args')).toBe(`${h1}\n`);
    expect(await clientOn('h2', 'args')).toBe(`${ctx.lab.subnet}.1\n`);
  });

  it('ProxyJump in $HOME/.ssh/config', async () => {
    const [h1, h3] = ['h1', 'h3'].map((h) => ctx.address(h));
    const home = join(ctx.dir, 'home-config');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'known_hosts'), readFileSync(ctx.lab.knownHostsFile));
    writeFileSync(join(home, '.ssh', 'config'), `Host ${h3}\n  ProxyJump bastion\nHost bastion\n  HostName ${h1}\n  User root\n`);
    const inv = ctx.write('cfg.ini', `[lab]\nh3 ansible_host=${h3} ansible_user=root ansible_ssh_private_key_file=${ctx.lab.keyFile}\n`);
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-e', 'tag=config'], { env: { HOME: home } });
    expect(r.code, show(r)).toBe(0);
    expect(await clientOn('h3', 'config')).toBe(`${h1}\n`);
  });

  it("refuses a jump host whose key is unknown, and runs nothing on the target", async () => {
    const [h1, h3] = ['h1', 'h3'].map((h) => ctx.address(h));
    const home = join(ctx.dir, 'home-nojumpkey');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    // known_hosts knows h3 but not h1.
    const lines = readFileSync(ctx.lab.knownHostsFile, 'utf8').split('\n').filter((l) => l.startsWith(`${h3} `));
    expect(lines).toHaveLength(1);
    writeFileSync(join(home, '.ssh', 'known_hosts'), lines.join('\n') + '\n');
    const inv = ctx.write(
      'nokey.ini',
      `[lab]\nh3 ansible_host=${h3} ansible_user=root ansible_ssh_private_key_file=${ctx.lab.keyFile} ansible_ssh_common_args='-J root@${h1}'\n`,
    );
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', inv, '-e', 'tag=nokey'], { env: { HOME: home } });
    expect(r.code, show(r)).toBe(4);
    expect(recap(r.stdout).h3).toMatchObject({ unreachable: 1 });
    expect(r.stdout).toMatch(new RegExp(`jump host ${h1.replaceAll('.', '\\.')}.*SHA256:`));
    expect((await ctx.lab.exec('h3', 'test -e /tmp/jump-nokey')).code).toBe(1);
  });
});
