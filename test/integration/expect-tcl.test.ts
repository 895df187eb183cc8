// expect over SSH on a lab host whose PATH has no python3 (the task's
// environment sets PATH to a directory holding only sh, expect, kill and stty):
// tsplay drives the command with the Tcl `expect` program; with neither python3
// nor expect it fails naming both. The answer (a secret) is never on a command
// line: the run's -vvv output, which shows what was sent, does not contain it.
// Leaves on its hosts: /opt/tsplay-tcl/, /opt/tsplay-bare/, /opt/tsplay-secret, /tmp/tsplay-expect-result.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - expect:
        command: >-
          /bin/sh -c 'printf "Password: "; read p; printf "Again: "; read q; read s < /opt/tsplay-secret; if [ "$p" = "$s" ]; then echo "right $q"; else echo "wrong $q"; fi'
        responses:
          "Password:": hunter2-secret
          "Again:": [again-1]
      environment: { PATH: /opt/tsplay-tcl }
      register: answered
    - expect:
        command: /bin/true
        responses: {}
      environment: { PATH: /opt/tsplay-bare }
      register: bare
      ignore_errors: true
    - copy:
        dest: /tmp/tsplay-expect-result
        content: "{{ answered.stdout }}|{{ answered.rc }}|{{ bare.msg }}\\n"
`;

describeLab('expect on a host without python3 (Tcl expect)', () => {
  const ctx = useLab(1, async (c) => {
    c.write('inventory.ini', c.lab.inventory);
    await c.sh(
      'h1',
      'mkdir -p /opt/tsplay-tcl /opt/tsplay-bare && for t in sh expect kill stty; do ln -sf "$(command -v $t)" /opt/tsplay-tcl/$t; done && ln -sf "$(command -v sh)" /opt/tsplay-bare/sh && echo hunter2-secret > /opt/tsplay-secret',
    );
  });

  it('answers through expect, and names what a host with neither lacks', { timeout: 300_000 }, async () => {
    ctx.write('expect.yml', PLAY);
    const r = await ctx.tsplay(['run', `${ctx.dir}/expect.yml`, '-i', `${ctx.dir}/inventory.ini`, '-vvv']);
    expect(r.code, show(r)).toBe(0);
    expect(recap(r.stdout).h1, show(r)).toMatchObject({ changed: 2, failed: 0, ignored: 1 });
    const out = await ctx.sh('h1', 'cat /tmp/tsplay-expect-result');
    expect(out).toBe(
      'Password: Again: right again-1|0|expect needs python3 or the expect program (Tcl) on the host, and it has neither: tsplay drives the command in a pseudo-terminal with one of them (pexpect is not needed)\n',
    );
    // The host really has no python3 on that PATH, and the answer went on stdin only.
    expect(await ctx.sh('h1', 'PATH=/opt/tsplay-tcl; command -v python3 || echo none')).toBe('none\n');
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  });
});
