// Acceptance 2: the differential check over SSH. The same playbooks run by
// ansible-playbook and by tsplay, both over SSH against the same 3 lab hosts
// (into different output directories), must leave the same files (content and
// mode, read back on the hosts) and report the same recap counts and exit code.
// Ansible checks host keys against the lab's known_hosts (an ansible.cfg with
// UserKnownHostsFile; ANSIBLE_HOST_KEY_CHECKING is not set).
import { spawnSync } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from '../lab/lab.js';
import { recap, runProgram, show, useLab, type LabContext } from './helpers.js';

const HOSTS = ['h1', 'h2', 'h3'];
const ansibleMissing = spawnSync('ansible-playbook', ['--version']).status !== 0;

const CASES: Record<string, string> = {
  files: `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }}/conf state=directory mode=0750
    - copy:
        content: "name={{ inventory_hostname }}\\n"
        dest: "{{ out }}/conf/name.txt"
        mode: "0600"
    - template: src=tpl.j2 dest={{ out }}/conf/app.conf
    - copy: src=static.txt dest={{ out }}/static.txt mode=0644
    - file: path={{ out }}/static.txt mode=0755
    - file: path={{ out }}/link src={{ out }}/static.txt state=link
    - copy: content="again" dest={{ out }}/conf/name.txt
      when: inventory_hostname == 'h3'
`,
  control: `- hosts: lab
  gather_facts: false
  vars:
    items: [a, b, c]
  handlers:
    - name: flag
      copy:
        content: "handled\\n"
        dest: "{{ out }}/handled"
  tasks:
    - file: path={{ out }} state=directory
    - include_vars: extra.yml
    - command: echo {{ item }}-{{ inventory_hostname }}
      loop: "{{ items }}"
      register: echoes
      changed_when: item == 'b'
    - set_fact:
        joined: "{{ echoes.results | map(attribute='stdout') | join(',') }}"
    - shell: printf '%s\\n' "{{ joined }}" > {{ out }}/joined.txt
      args:
        creates: "{{ out }}/joined.txt"
      notify: flag
    - assert:
        that: joined == 'a-' ~ inventory_hostname ~ ',b-' ~ inventory_hostname ~ ',c-' ~ inventory_hostname
    - stat: path={{ out }}/joined.txt
      register: st
    - slurp: src={{ out }}/joined.txt
      register: sl
    - copy:
        content: "{{ st.stat.size }} {{ sl.content | b64decode | trim }} {{ greeting }}\\n"
        dest: "{{ out }}/facts.txt"
    - command: /bin/false
      ignore_errors: true
    - debug: msg="{{ joined }}"
`,
  failing: `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - command: test {{ inventory_hostname }} != h2
      changed_when: false
    - copy:
        content: "reached\\n"
        dest: "{{ out }}/reached"
    - fail: msg="stop h3"
      when: inventory_hostname == 'h3'
    - copy:
        content: "end\\n"
        dest: "{{ out }}/end"
`,
  lines: `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - copy:
        content: "[app]\\ncolor=red\\nsize=1\\n"
        dest: "{{ out }}/app.ini"
    - lineinfile: path={{ out }}/app.ini regexp='^size=' line=size=2
    - lineinfile: path={{ out }}/new.conf line="host={{ inventory_hostname }}" create=true mode=0640
    - blockinfile:
        path: "{{ out }}/app.ini"
        block: |
          [extra]
          owner={{ inventory_hostname }}
    - replace: path={{ out }}/app.ini regexp='color=(\\w+)' replace='colour=\\1'
`,
  // Escapes in k=v arguments: Ansible decodes \\n in a quoted value.
  'kv-escapes': `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - copy: content="one\\ntwo\\n" dest={{ out }}/kv.txt
`,
};

// Ansible reuses one ssh master per host (ControlPersist), closed with
// `ssh -O exit` before the lab goes away.
const sshArgs = (ctx: LabContext) => [
  '-F', '/dev/null',
  '-o', `UserKnownHostsFile=${ctx.lab.knownHostsFile}`,
  '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', 'ControlMaster=auto',
  '-o', 'ControlPersist=120s',
  '-o', `ControlPath=${ctx.dir}/cm-%C`,
];

function files(ctx: LabContext): void {
  ctx.write('inventory.ini', ctx.lab.inventory);
  ctx.write('tpl.j2', '# {{ inventory_hostname }}\n{% for i in range(3) %}\nline {{ i }}\n{% endfor %}\n');
  ctx.write('static.txt', 'static\ncontent\n');
  ctx.write('extra.yml', 'greeting: hi there\n');
  ctx.write(
    'ansible.cfg',
    `[defaults]
host_key_checking = True
interpreter_python = auto_silent
retry_files_enabled = False
deprecation_warnings = False
nocolor = True
stdout_callback = default
[ssh_connection]
ssh_args = ${sshArgs(ctx).join(' ')}
pipelining = True
`,
  );
  for (const [name, text] of Object.entries(CASES)) ctx.write(`${name}.yml`, text);
}

/** Every entry under dir on a host: type, mode, link target (dir shown as OUT), and the content of files (to a <EOF> mark). */
const snapshot = async (ctx: LabContext, host: string, dir: string) =>
  (
    await ctx.sh(
      host,
      `test -d ${dir} || exit 0; cd ${dir} && find . -mindepth 1 -printf '%P %y %m %l\\n' | sort && ` +
        `find . -type f | sort | while read -r f; do echo "== $f"; cat "$f"; echo '<EOF>'; done`,
    )
  ).replaceAll(dir, 'OUT');

describeLab('differential over SSH: ansible-playbook and tsplay against the same lab hosts', () => {
  const ctx = useLab(3, async (c) => files(c));
  // Runs before useLab's afterAll (after-hooks run in reverse order).
  afterAll(async () => {
    if (!ctx.lab) return;
    for (const h of ctx.lab.hosts) {
      await runProgram('ssh', [...sshArgs(ctx), '-O', 'exit', `root@${h.address}`], { timeoutMs: 10_000 });
    }
  });

  const ansible = (name: string) =>
    runProgram('ansible-playbook', ['-i', `${ctx.dir}/inventory.ini`, `${ctx.dir}/${name}.yml`, '-e', `out=/srv/diff/ansible/${name}`], {
      cwd: ctx.dir,
      env: {
        HOME: ctx.home,
        ANSIBLE_CONFIG: `${ctx.dir}/ansible.cfg`,
        ANSIBLE_HOST_KEY_CHECKING: undefined,
        SSH_AUTH_SOCK: undefined,
      },
      timeoutMs: 120_000,
    });
  const tsplay = (name: string) =>
    ctx.tsplay(['run', `${ctx.dir}/${name}.yml`, '-i', `${ctx.dir}/inventory.ini`, '-e', `out=/srv/diff/tsplay/${name}`], { cwd: ctx.dir });

  for (const name of Object.keys(CASES)) {
    it.skipIf(ansibleMissing)(`${name}: same files, recap and exit code (first and second run)`, { timeout: 180_000 }, async () => {
      for (const round of ['first', 'second']) {
        const a = await ansible(name);
        const t = await tsplay(name);
        expect(a.stdout, `ansible ${round} run\n${show(a)}`).toContain('PLAY RECAP');
        expect(t.code, `${round} run\nansible: ${show(a)}\ntsplay: ${show(t)}`).toBe(a.code);
        expect(recap(t.stdout), `${round} run\nansible: ${show(a)}\ntsplay: ${show(t)}`).toEqual(recap(a.stdout));
        for (const h of HOSTS) {
          expect(await snapshot(ctx, h, `/srv/diff/tsplay/${name}`), `${round} run, files on ${h}`).toBe(
            await snapshot(ctx, h, `/srv/diff/ansible/${name}`),
          );
        }
      }
    });
  }
});
