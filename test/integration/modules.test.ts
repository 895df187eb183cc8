// Acceptance 1: every engine module over SSH against 3 lab hosts, with --check
// and --diff. On fresh hosts --check changes nothing (verified on the hosts)
// and predicts the changed count of the real run; the first real run changes,
// the second changes nothing.
// Leaves on its hosts: /srv/seed (setup), /srv/it-*, and user tsplay-it-new
// (uid 4242), renamed during its run.
import { expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, show, useLab, type LabContext } from './helpers.js';

const HOSTS = ['h1', 'h2', 'h3'];

// Pre-existing files the read-only and in-place modules work on (the hosts
// are fresh otherwise): seeded by the test, not by the playbooks.
const SEED = 'mkdir -p /srv/seed && printf "[app]\\ncolor=red\\nsize=1\\n" > /srv/seed/app.ini';

const CORE = `- hosts: lab
  gather_facts: false
  vars:
    base: /srv/it-core
  handlers:
    - name: note
      debug: msg="handler on {{ inventory_hostname }}"
  tasks:
    - include_vars: vars.yml
    - set_fact:
        greeting: "{{ salutation }} {{ inventory_hostname }}"
    - debug: msg="{{ greeting }}"
    - assert:
        that:
          - greeting == 'hello ' ~ inventory_hostname
          - ports | length == 2
    - fail: msg="expected failure"
      ignore_errors: true
    - meta: noop
    - command: hostname
      register: cmd
      changed_when: false
    - shell: echo "$((6 * 7))" | tr -d '\\n'; echo " on $(hostname)"
      register: sh
      changed_when: false
    - raw: echo raw-$(hostname)
      register: rawout
      changed_when: false
    - assert:
        that:
          - cmd.stdout == inventory_hostname
          - sh.stdout == '42 on ' ~ inventory_hostname
          - rawout.stdout | trim == 'raw-' ~ inventory_hostname
      when: not ansible_check_mode
    - file: path={{ base }} state=directory mode=0750
    - copy:
        content: "{{ greeting }}\\n"
        dest: "{{ base }}/greeting.txt"
        mode: "0640"
      notify: note
    - meta: flush_handlers
    - template: src=app.conf.j2 dest={{ base }}/app.conf mode=0644
    - file: path={{ base }}/link src=/srv/seed/app.ini state=link
    - file: path=/srv/seed/app.ini mode=0600
    - stat: path=/srv/seed/app.ini
      register: st
    - slurp: src=/srv/seed/app.ini
      register: sl
    - assert:
        that:
          - st.stat.exists
          - st.stat.isreg
          - "'color=red' in (sl.content | b64decode)"
`;

const LINES = `- hosts: lab
  gather_facts: false
  vars:
    base: /srv/it-lines
  tasks:
    - lineinfile:
        path: "{{ base }}-li.conf"
        line: "listen={{ inventory_hostname }}:80"
        create: true
        mode: "0644"
    - lineinfile:
        path: /srv/seed/app.ini
        regexp: '^size='
        line: size=2
    - blockinfile:
        path: "{{ base }}-block.conf"
        create: true
        block: |
          host {{ inventory_hostname }}
          port 80
    - replace:
        path: /srv/seed/app.ini
        regexp: 'color=red'
        replace: 'color=blue'
`;

const files = (ctx: LabContext) => {
  ctx.write('vars.yml', 'salutation: hello\nports: [80, 443]\n');
  ctx.write('app.conf.j2', '# {{ inventory_hostname }}\n{% for p in ports %}\nport={{ p }}\n{% endfor %}\n');
  ctx.write('inventory.ini', ctx.lab.inventory);
  ctx.write('core.yml', CORE);
  ctx.write('lines.yml', LINES);
};

/** A fingerprint of everything the playbooks may touch on a host. */
async function state(ctx: LabContext, host: string): Promise<string> {
  return ctx.sh(
    host,
    'for p in /srv/it-core /srv/it-lines-li.conf /srv/it-lines-block.conf; do test -e $p && echo "exists $p"; done; ' +
      'stat -c "%a %s" /srv/seed/app.ini; sha256sum /srv/seed/app.ini',
  );
}

describeLab('every module over SSH on lab hosts (--check, --diff, idempotence)', () => {
  const ctx = useLab(3, async (c) => {
    files(c);
    for (const h of HOSTS) await c.sh(h, SEED);
  });

  const run = (playbook: string, ...extra: string[]) =>
    ctx.tsplay(['run', `${ctx.dir}/${playbook}`, '-i', `${ctx.dir}/inventory.ini`, ...extra], { cwd: ctx.dir });

  async function checkThenApply(playbook: string, expected: number, diffMarkers: string[]) {
    const before = await Promise.all(HOSTS.map((h) => state(ctx, h)));
    const check = await run(playbook, '--check', '--diff');
    expect(check.code, show(check)).toBe(0);
    // Nothing changed on the hosts.
    expect(await Promise.all(HOSTS.map((h) => state(ctx, h)))).toEqual(before);
    for (const marker of diffMarkers) expect(check.stdout, show(check)).toContain(marker);

    const first = await run(playbook, '--diff');
    expect(first.code, show(first)).toBe(0);
    for (const marker of diffMarkers) expect(first.stdout).toContain(marker);
    const second = await run(playbook, '--diff');
    expect(second.code, show(second)).toBe(0);
    const [c, r1, r2] = [recap(check.stdout), recap(first.stdout), recap(second.stdout)];
    for (const h of HOSTS) {
      expect(r1[h], show(first)).toMatchObject({ changed: expected, failed: 0, unreachable: 0 });
      expect(c[h]?.changed, `--check prediction for ${h}\n${show(check)}`).toBe(r1[h]!.changed);
      expect(r2[h], show(second)).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    }
    // A second --check after the real run predicts no change either.
    const again = await run(playbook, '--check');
    for (const h of HOSTS) expect(recap(again.stdout)[h], show(again)).toMatchObject({ changed: 0, failed: 0 });
    return { check, first, second };
  }

  it('core modules: command shell raw debug set_fact assert fail meta include_vars copy file template stat slurp', async () => {
    const { first } = await checkThenApply('core.yml', 5, ['+hello h1', '+port=443']);
    expect(recap(first.stdout).h1).toMatchObject({ ignored: 1 });
    expect(first.stdout).toContain('handler on h2');
    for (const h of HOSTS) {
      expect(await ctx.sh(h, 'cat /srv/it-core/greeting.txt; stat -c %a /srv/it-core/greeting.txt /srv/it-core /srv/seed/app.ini')).toBe(
        `hello ${h}\n640\n750\n600\n`,
      );
      expect(await ctx.sh(h, 'cat /srv/it-core/app.conf; readlink /srv/it-core/link')).toBe(`# ${h}\nport=80\nport=443\n/srv/seed/app.ini\n`);
    }
  });

  it('the host agent names a user renamed during the run (its name cache follows /etc/passwd)', async () => {
    ctx.write(
      'names.yml',
      `- hosts: lab
  gather_facts: false
  tasks:
    - command: useradd --no-create-home --uid 4242 tsplay-it-old
    - copy: content="owned by a user about to be renamed\\n" dest=/srv/it-names.txt owner=tsplay-it-old
    - stat: path=/srv/it-names.txt
      register: before
    - command: usermod --login tsplay-it-new tsplay-it-old
    - stat: path=/srv/it-names.txt
      register: after
    - assert:
        that:
          - before.stat.pw_name == 'tsplay-it-old'
          - after.stat.pw_name == 'tsplay-it-new'
`,
    );
    const r = await run('names.yml');
    expect(r.code, show(r)).toBe(0);
    for (const h of HOSTS) expect(recap(r.stdout)[h], show(r)).toMatchObject({ failed: 0, changed: 3 });
  });

  it('line-editing modules: lineinfile blockinfile replace', async () => {
    await checkThenApply('lines.yml', 4, ['+listen=h1:80', '+color=blue']);
    for (const h of HOSTS) {
      expect(await ctx.sh(h, `cat /srv/it-lines-li.conf`)).toBe(`listen=${h}:80\n`);
      expect(await ctx.sh(h, `cat /srv/it-lines-block.conf`)).toBe(
        `# BEGIN ANSIBLE MANAGED BLOCK\nhost ${h}\nport 80\n# END ANSIBLE MANAGED BLOCK\n`,
      );
      expect(await ctx.sh(h, `cat /srv/seed/app.ini`)).toBe('[app]\ncolor=blue\nsize=2\n');
    }
  });
});
