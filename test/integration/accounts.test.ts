// user, group and known_hosts on a lab host beyond the SSH differential: a
// password hash never appears in the output (-vvv, --diff), --check predicts
// the real run's changed count, and a second run changes nothing.
// Leaves on its host: user acc-tsplay, group acc-tsplay-g, /root/.ssh/known_hosts.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const HASH = '$6$abcdefgh$Z7KfoKnKTSZrzo5VZ0YubGLQOj9ov6sHo9TmE3zIU/LHKhpE30zCnZ0mcIXYf9r9rQ4DYaXoxAFSPFlcWdxjB.';
const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - group: name=acc-tsplay-g gid=3900
    - user:
        name: acc-tsplay
        uid: 3900
        group: acc-tsplay-g
        groups: [adm]
        comment: "it's a test"
        password: "${HASH}"
        generate_ssh_key: true
      register: u
    - user: name=acc-tsplay password_lock=true password="${HASH}"
    - file: path=/root/.ssh state=directory mode=0700
    - known_hosts: name=kh.test key="kh.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINt54KIKhr/5NiXqa589ez686ZUcTP5EiwE4V/Vb+J3m"
    - debug: var=u
`;

describeLab('user, group and known_hosts on a lab host', () => {
  const ctx = useLab(1, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    c.write('site.yml', PLAY);
  });
  const run = (...extra: string[]) => ctx.tsplay(['run', `${ctx.dir}/site.yml`, '-i', `${ctx.dir}/inventory.ini`, ...extra]);

  it('--check predicts, the real run matches, a second run is ok; the hash is never printed', async () => {
    const check = await run('--check', '--diff', '-vvv');
    expect(check.code, show(check)).toBe(0);
    expect(check.stdout + check.stderr).not.toContain(HASH.slice(12));
    const first = await run('--diff', '-vvv');
    expect(first.code, show(first)).toBe(0);
    expect(first.stdout + first.stderr).not.toContain(HASH.slice(12));
    expect(first.stdout).toContain('NOT_LOGGING_PASSWORD');
    expect(recap(first.stdout).h1!.changed, show(first)).toBe(recap(check.stdout).h1!.changed);
    expect(recap(first.stdout).h1, show(first)).toMatchObject({ changed: 4, failed: 0 });
    const shadow = (await ctx.lab.exec('h1', 'getent shadow acc-tsplay | cut -d: -f2; id -nG acc-tsplay; test -s /home/acc-tsplay/.ssh/id_rsa.pub && echo key')).stdout;
    expect(shadow).toBe(`!${HASH}\nacc-tsplay-g adm\nkey\n`);
    const again = await run('-vvv');
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout + again.stderr).not.toContain(HASH.slice(12));
    expect(recap(again.stdout).h1, show(again)).toMatchObject({ changed: 0, failed: 0 });
    expect(again.stdout).toContain('Found existing ssh key private file');
  });
});
