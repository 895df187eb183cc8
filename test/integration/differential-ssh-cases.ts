// The differential cases over SSH: playbooks run by ansible-playbook and by
// tsplay against the same 3 lab hosts (into different output directories).
// Ansible's results (exit code, recap, the files left on each host) are
// recorded by `npm run record-ansible -- ssh-` (test/record-ansible.ts), which
// boots a lab and runs recordSshCases; differential-ssh.test.ts compares tsplay
// with them, or with a live ansible-playbook under TSPLAY_DIFF_LIVE=1.
// Ansible checks host keys against the lab's known_hosts (an ansible.cfg with
// UserKnownHostsFile; ANSIBLE_HOST_KEY_CHECKING is not set).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecording, recordingHash, writeRecording, type Recording } from '../differential/recording.js';
import { buildDebRepo, buildRpmRepo, installRepoOnHost, type StandInPackage } from '../lab/package-repos.js';
import { openLabContext, recap, runProgram, type LabContext, type Recap, type RunResult } from './lab-context.js';

export const HOSTS = ['h1', 'h2', 'h3'];

const INLINE_CASES: Record<string, string> = {
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
  // Services: a unit written, enabled and started, restarted by a handler when
  // its file changes, then seen through service; wait_for on a file and a port.
  // The unit's name comes from the output dir, so each tool has its own.
  services: `- hosts: lab
  gather_facts: false
  vars:
    unit: "demo{{ out | replace('/', '-') }}"
  handlers:
    - name: restart demo
      systemd:
        name: "{{ unit }}"
        state: restarted
  tasks:
    - file: path={{ out }} state=directory
    - copy:
        dest: "/etc/systemd/system/{{ unit }}.service"
        content: "[Unit]\\nDescription=demo for {{ inventory_hostname }}\\n[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n"
      notify: restart demo
    - systemd:
        name: "{{ unit }}"
        state: started
        enabled: true
        daemon_reload: true
      register: started
    - service:
        name: "{{ unit }}"
        state: started
        enabled: yes
    - systemd:
        name: "{{ unit }}"
        masked: false
    - wait_for:
        path: "/etc/systemd/system/{{ unit }}.service"
        search_regex: "sleep inf"
        timeout: 30
    - wait_for:
        port: 22
        host: "{{ ansible_host }}"
        timeout: 30
    - command: systemctl is-active {{ unit }}
      register: active
      changed_when: false
    - command: systemctl is-enabled {{ unit }}
      register: enabled
      changed_when: false
    - copy:
        dest: "{{ out }}/state.txt"
        content: "{{ active.stdout }} {{ enabled.stdout }} {{ started.status.LoadState }} {{ started.name == unit }}\\n"
`,
  // yum_repository and apt_repository: .repo files written into the output
  // dir (reposdir), an apt sources file named from it (copied there to be
  // compared); sections added, replaced and removed, lines added and removed.
  repositories: `- hosts: lab
  gather_facts: false
  vars:
    tag: "tsplay{{ out | replace('/', '-') }}"
  tasks:
    - file: path={{ out }} state=directory
    - yum_repository:
        name: stand-ins
        description: stand-in packages
        baseurl: "file://{{ out }}/rpm"
        reposdir: "{{ out }}"
        enabled: true
        gpgcheck: false
        priority: 10
        exclude: [pk-a, pk-b]
    - yum_repository:
        name: extra
        file: stand-ins
        description: "extra for {{ inventory_hostname }}"
        baseurl: ["http://a.invalid/x", "http://b.invalid/y"]
        reposdir: "{{ out }}"
        gpgkey: http://a.invalid/key
        sslverify: false
        module_hotfixes: true
        includepkgs: pk-c
        metadata_expire: 300
    - yum_repository:
        name: gone
        description: removed again
        mirrorlist: http://m.invalid/list
        reposdir: "{{ out }}"
        mode: "0600"
    - yum_repository: name=gone reposdir={{ out }} state=absent
    - apt_repository:
        repo: "deb [trusted=yes] file:{{ out }}/deb ./"
        filename: "{{ tag }}"
        update_cache: false
        mode: "0640"
    - apt_repository:
        repo: "deb-src  http://deb.invalid/{{ inventory_hostname }}{{ out }}   bookworm main"
        filename: "{{ tag }}"
        update_cache: false
    - apt_repository:
        repo: "deb http://gone.invalid{{ out }} bookworm main"
        filename: "{{ tag }}-gone"
        update_cache: false
    - apt_repository:
        repo: "deb http://gone.invalid{{ out }} bookworm main"
        state: absent
        update_cache: false
    - command: cp -p /etc/apt/sources.list.d/{{ tag }}.list {{ out }}/apt.list
      changed_when: false
    - stat: path=/etc/apt/sources.list.d/{{ tag }}-gone.list
      register: gone
    - copy:
        content: "{{ gone.stat.exists }}\\n"
        dest: "{{ out }}/gone.txt"
    # The hosts are shared with the later cases: an apt source of a directory
    # that goes with this case's output would fail their apt-get update.
    - file: path=/etc/apt/sources.list.d/{{ tag }}.list state=absent
`,
  // Packages from the lab's local repositories (prepareSshHosts): each tool
  // installs and removes its own packages (named from the output dir), so that
  // the two runs do not see each other's work.
  packages: `- hosts: lab
  gather_facts: false
  vars:
    tool: "{{ out | dirname | basename }}"
  tasks:
    - file: path={{ out }} state=directory
    - apt:
        name: ["pkd-{{ tool }}-app", "pkd-{{ tool }}-tool"]
        state: present
    - apt:
        name: "pkd-{{ tool }}-tool"
        state: absent
    - dnf:
        name: "pkd-{{ tool }}-rpm"
        state: present
    - package:
        name: "pkd-{{ tool }}-lib"
        state: latest
    - command: dpkg-query -W -f='\${db:Status-Abbrev}\${Version} ' pkd-{{ tool }}-app pkd-{{ tool }}-lib
      register: deb
      changed_when: false
    - command: rpm -q --qf '%{VERSION}' pkd-{{ tool }}-rpm
      register: rpmq
      changed_when: false
    - copy:
        dest: "{{ out }}/state.txt"
        content: "{{ deb.stdout }}/ {{ rpmq.stdout }}\\n"
`,
  // A local script copied to each host and run there, with creates skipping it.
  script: `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - script: write.sh {{ inventory_hostname }} {{ out }}
      register: ran
    - script: write.sh again {{ out }}
      args:
        creates: "{{ out }}/from-{{ inventory_hostname }}.txt"
    - copy:
        dest: "{{ out }}/ran.txt"
        content: "{{ ran.rc }} {{ ran.stdout_lines }}\\n"
`,
  // Escapes in k=v arguments: Ansible decodes \\n in a quoted value.
  'kv-escapes': `- hosts: lab
  gather_facts: false
  tasks:
    - file: path={{ out }} state=directory
    - copy: content="one\\ntwo\\n" dest={{ out }}/kv.txt
`,
};

// More cases, one playbook a file: test/integration/ssh-cases/<name>.yml (the
// case is named after the file). The other files there are the cases' support
// files, copied beside the playbooks: `<name>.<anything>` belongs to case
// <name> (its recording's hash covers it).
const CASES_DIR = join(fileURLToPath(import.meta.url), '..', 'ssh-cases');
const caseFiles = (): string[] => (existsSync(CASES_DIR) ? readdirSync(CASES_DIR).sort() : []);

export const CASES: Record<string, string> = {
  ...INLINE_CASES,
  ...Object.fromEntries(
    caseFiles()
      .filter((f) => f.endsWith('.yml'))
      .map((f) => [f.slice(0, -'.yml'.length), readFileSync(join(CASES_DIR, f), 'utf8')]),
  ),
};

const CASE_SUPPORT_FILES: Record<string, string> = Object.fromEntries(
  caseFiles()
    .filter((f) => !f.endsWith('.yml'))
    .map((f) => [f, readFileSync(join(CASES_DIR, f), 'utf8')]),
);
const supportOf = (name: string): string =>
  JSON.stringify(Object.entries(CASE_SUPPORT_FILES).filter(([f]) => f.startsWith(`${name}.`)));

const SUPPORT_FILES: Record<string, string> = {
  'tpl.j2': '# {{ inventory_hostname }}\n{% for i in range(3) %}\nline {{ i }}\n{% endfor %}\n',
  'static.txt': 'static\ncontent\n',
  'extra.yml': 'greeting: hi there\n',
  'write.sh': '#!/bin/sh\necho "on $(hostname)"\necho "$1" > "$2/from-$1.txt"\n',
};

// Ansible reuses one ssh master per host (ControlPersist), closed with
// `ssh -O exit` (closeAnsibleMasters) before the lab goes away.
const sshArgs = (ctx: LabContext) => [
  '-F', '/dev/null',
  '-o', `UserKnownHostsFile=${ctx.lab.knownHostsFile}`,
  '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', 'ControlMaster=auto',
  '-o', 'ControlPersist=120s',
  '-o', `ControlPath=${ctx.dir}/cm-%C`,
];

const ansibleCfg = (sshArgs: string) => `[defaults]
host_key_checking = True
interpreter_python = auto_silent
retry_files_enabled = False
deprecation_warnings = False
nocolor = True
stdout_callback = default
[ssh_connection]
ssh_args = ${sshArgs}
pipelining = True
`;

const STAND_INS: StandInPackage[] = ['ansible', 'tsplay'].flatMap((tool) => [
  { name: `pkd-${tool}-lib`, version: '1.0' },
  { name: `pkd-${tool}-app`, version: '1.0', depends: [`pkd-${tool}-lib`] },
  { name: `pkd-${tool}-tool`, version: '1.0' },
  { name: `pkd-${tool}-rpm`, version: '1.0' },
]);

/** Local deb and rpm repositories of stand-in packages on every host, for the packages case. */
export async function prepareSshHosts(ctx: LabContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-diff-repos-'));
  try {
    await buildDebRepo(join(dir, 'deb'), STAND_INS);
    await buildRpmRepo(join(dir, 'rpm'), STAND_INS);
    for (const h of ctx.lab.hosts) {
      await installRepoOnHost(ctx.lab, h.name, 'deb', join(dir, 'deb'), { writeSource: true, disableOtherSources: true });
      await installRepoOnHost(ctx.lab, h.name, 'rpm', join(dir, 'rpm'), { writeSource: true });
      await ctx.sh(h.name, 'apt-get update -q >/dev/null');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the inventory, the playbooks, their files and ansible.cfg into the lab context's dir. */
export function writeSshCaseFiles(ctx: LabContext): void {
  ctx.write('inventory.ini', ctx.lab.inventory);
  for (const [name, text] of Object.entries({ ...CASE_SUPPORT_FILES, ...SUPPORT_FILES })) ctx.write(name, text);
  ctx.write('ansible.cfg', ansibleCfg(sshArgs(ctx).join(' ')));
  for (const [name, text] of Object.entries(CASES)) ctx.write(`${name}.yml`, text);
}

/** Where a case's output goes on the hosts, per tool. */
export const outDir = (tool: 'ansible' | 'tsplay', name: string): string => `/srv/diff/${tool}/${name}`;

export const runAnsible = (ctx: LabContext, name: string): Promise<RunResult> =>
  runProgram('ansible-playbook', ['-i', `${ctx.dir}/inventory.ini`, `${ctx.dir}/${name}.yml`, '-e', `out=${outDir('ansible', name)}`], {
    cwd: ctx.dir,
    env: {
      HOME: ctx.home,
      ANSIBLE_CONFIG: `${ctx.dir}/ansible.cfg`,
      ANSIBLE_HOST_KEY_CHECKING: undefined,
      SSH_AUTH_SOCK: undefined,
    },
    timeoutMs: 120_000,
  });

export async function closeAnsibleMasters(ctx: LabContext): Promise<void> {
  for (const h of ctx.lab.hosts) {
    await runProgram('ssh', [...sshArgs(ctx), '-O', 'exit', `root@${h.address}`], { timeoutMs: 10_000 });
  }
}

/** Every entry under dir on a host: type, mode, link target (dir shown as OUT), and the content of files (to a <EOF> mark). */
export const snapshotHost = async (ctx: LabContext, host: string, dir: string): Promise<string> =>
  (
    await ctx.sh(
      host,
      `test -d ${dir} || exit 0; cd ${dir} && find . -mindepth 1 -printf '%P %y %m %l\\n' | sort && ` +
        `find . -type f | sort | while read -r f; do echo "== $f"; cat "$f"; echo '<EOF>'; done`,
    )
  ).replaceAll(dir, 'OUT');

/** One run as compared: exit code, recap, the files on each host; stdout for messages (lab dir as DIR). */
export interface SshRun {
  code: number;
  recap: Recap;
  files: Record<string, string>;
  stdout: string;
}

export type SshRecording = Recording<{ first: SshRun; second: SshRun }>;

export async function observeSsh(ctx: LabContext, r: RunResult, dir: string): Promise<SshRun> {
  const files: Record<string, string> = {};
  for (const h of HOSTS) files[h] = await snapshotHost(ctx, h, dir);
  return { code: r.code, recap: recap(r.stdout), files, stdout: (r.stdout + r.stderr).replaceAll(ctx.dir, 'DIR') };
}

const RECORDED_DIR = join(fileURLToPath(import.meta.url), '..', 'recorded');

export const sshCaseNames = (): string[] => Object.keys(CASES).map((n) => `ssh-${n}`);
export const sshRecordingFile = (name: string): string => join(RECORDED_DIR, `ssh-${name}.json`);
export const sshCaseHash = (name: string): string =>
  recordingHash([
    CASES[name]!,
    JSON.stringify(SUPPORT_FILES),
    ansibleCfg('SSH_ARGS'),
    JSON.stringify(HOSTS),
    JSON.stringify(STAND_INS),
    ...(name in INLINE_CASES ? [] : [supportOf(name)]),
  ]);
export const readSshRecording = (name: string): SshRecording | undefined => readRecording(sshRecordingFile(name));

/** Boots a lab, runs ansible-playbook twice on each named case (ssh-NAME) and records what it did. */
export async function recordSshCases(names: string[], ansibleCore: string, log: (line: string) => void): Promise<void> {
  const { ctx, close } = await openLabContext(HOSTS.length);
  try {
    writeSshCaseFiles(ctx);
    await prepareSshHosts(ctx);
    for (const full of names) {
      const name = full.replace(/^ssh-/, '');
      const first = await observeSsh(ctx, await runAnsible(ctx, name), outDir('ansible', name));
      const second = await observeSsh(ctx, await runAnsible(ctx, name), outDir('ansible', name));
      if (!first.stdout.includes('PLAY RECAP')) throw new Error(`ansible-playbook did not run ${full}:\n${first.stdout}`);
      writeRecording<SshRecording['runs']>(sshRecordingFile(name), { ansibleCore, hash: sshCaseHash(name), runs: { first, second } });
      log(`recorded ${full} (exit codes ${first.code}/${second.code})`);
    }
    await closeAnsibleMasters(ctx);
  } finally {
    await close();
  }
}
