// Acceptance 6: a host stopped in the middle of a play. h2 is stopped while
// task 2 (sleep) runs on every host: h2 is reported UNREACHABLE and takes no
// further part, the other hosts finish, the recap says unreachable=1 for h2
// and the exit code is 4, as with ansible-playbook.
// Leaves on its hosts: /tmp/unreach-*; h2 stopped (its only test).
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab } from './helpers.js';

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - name: first
      command: echo first
    - name: slow
      command: sleep 4
    - name: third
      copy: content="done" dest=/tmp/unreach-done
`;

describeLab('a host stopped during a play', () => {
  const ctx = useLab(3, async (c) => {
    c.write('play.yml', PLAY);
    c.write('lab.ini', c.lab.inventory);
  });

  it('is reported unreachable; the others finish; exit code 4', async () => {
    let stopping: Promise<void> | undefined;
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', `${ctx.dir}/lab.ini`], {
      onStdout: (soFar) => {
        if (!stopping && soFar.includes('TASK [slow]')) stopping = new Promise((res) => setTimeout(res, 500)).then(() => ctx.lab.stopHost('h2'));
      },
    });
    await stopping;
    expect(stopping, 'the slow task was never reached').toBeDefined();
    expect(r.code, show(r)).toBe(4);
    expect(r.stdout).toMatch(/fatal: \[h2\]: UNREACHABLE!/);
    const rc = recap(r.stdout);
    expect(rc.h2, show(r)).toMatchObject({ ok: 1, unreachable: 1, failed: 0 });
    for (const h of ['h1', 'h3']) {
      expect(rc[h], show(r)).toMatchObject({ ok: 3, changed: 3, unreachable: 0, failed: 0 });
      expect(await ctx.sh(h, 'cat /tmp/unreach-done')).toBe('done');
    }
    // No task after the failure was attempted on h2.
    expect(r.stdout.slice(r.stdout.indexOf('TASK [third]'))).not.toMatch(/\[h2\]/);
  });
});
