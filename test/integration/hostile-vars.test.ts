// Acceptance 8: a variable holding shell syntax (`;`, quotes, `$()`,
// backticks, newlines, globs) reaches commands, environments, file names and
// file contents over SSH as literal text; nothing of it is executed.
// Leaves on its hosts: /srv/hostile.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { show, useLab } from './helpers.js';

const HOSTILE =
  `a; rm -rf /tmp/x; touch /tmp/pwned1\n` +
  `$(touch /tmp/pwned2) \`touch /tmp/pwned3\` 'single' "double" \\back $HOME * %s\n` +
  `|| touch /tmp/pwned4 && echo "$(id)" > /tmp/pwned5 # end`;
// A file name (no slash) that would create files in the remote cwd if run.
const NAME = `we ird;'q"$(touch pwned6)\`touch pwned7\``;

const PLAY = `- hosts: lab
  gather_facts: false
  tasks:
    - file: path=/srv/hostile state=directory
    - copy:
        content: "{{ hostile }}"
        dest: "/srv/hostile/copy.txt"
    - template: src=hostile.j2 dest=/srv/hostile/template.txt
    - copy:
        content: "{{ hostile }}"
        dest: "/srv/hostile/{{ name }}"
    - command:
        argv: [printf, '%s', "{{ hostile }}"]
      register: argv
      changed_when: false
    - shell: printf '%s' {{ hostile | quote }}
      register: sh
      changed_when: false
    - shell: printf '%s' "$HOSTILE"
      environment:
        HOSTILE: "{{ hostile }}"
      register: env
      changed_when: false
    - command: cat {{ ('/srv/hostile/' ~ name) | quote }}
      register: named
      changed_when: false
    - copy:
        content: "{{ argv.stdout }}\\n--\\n{{ sh.stdout }}\\n--\\n{{ env.stdout }}\\n--\\n{{ named.stdout }}"
        dest: /srv/hostile/outputs.txt
    - assert:
        that:
          - argv.stdout == hostile
          - sh.stdout == hostile
          - env.stdout == hostile
          - named.stdout == hostile
`;

describeLab('hostile variables over SSH', () => {
  const ctx = useLab(3, async (c) => {
    c.write('play.yml', PLAY);
    c.write('hostile.j2', '[{{ hostile }}]\n');
    c.write('lab.ini', c.lab.inventory);
    writeFileSync(`${c.dir}/vars.json`, JSON.stringify({ hostile: HOSTILE, name: NAME }));
    for (const h of c.lab.hosts) await c.sh(h.name, 'mkdir -p /tmp/x && touch /tmp/x/keep');
  });

  it('reaches commands and files as literal text; nothing is executed', async () => {
    const r = await ctx.tsplay(['run', `${ctx.dir}/play.yml`, '-i', `${ctx.dir}/lab.ini`, '-e', `@${ctx.dir}/vars.json`]);
    expect(r.code, show(r)).toBe(0);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(await ctx.sh(h, 'cat /srv/hostile/copy.txt')).toBe(HOSTILE);
      expect(await ctx.sh(h, 'cat /srv/hostile/template.txt')).toBe(`[${HOSTILE}]\n`);
      expect(await ctx.sh(h, `cat '/srv/hostile/${NAME.replaceAll("'", "'\\''")}'`)).toBe(HOSTILE);
      expect(await ctx.sh(h, 'cat /srv/hostile/outputs.txt')).toBe([HOSTILE, HOSTILE, HOSTILE, HOSTILE].join('\n--\n'));
      expect(await ctx.sh(h, 'ls /tmp/x; ls /tmp /srv /root / | grep -c pwned || true')).toBe('keep\n0\n');
    }
  });
});
