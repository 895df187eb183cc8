// tsplay over SSH end to end: a real OpenSSH server on loopback (started by the
// test), two inventory hosts reached through it, file modules, registered
// results, a hostile variable, idempotence and an honest --check.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshdFixture, sshdUnavailableReason } from './connection/sshd-fixture.js';
import { tsplay } from './cli-helpers.js';
import { withConnectTimeout } from './integration/lab-context.js';

const reason = sshdUnavailableReason();
const mustRun = process.env.CI === 'true';
if (reason && mustRun) throw new Error(`SSH end-to-end tests cannot run under CI: ${reason}`);

function recap(stdout: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const m of stdout.matchAll(/^(\S+)\s+: (ok=.*)$/gm)) {
    out[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return out;
}

describe.skipIf(Boolean(reason))(`tsplay over SSH${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const sshd = new SshdFixture();
  let dir = '';
  let home = '';

  beforeAll(async () => {
    await sshd.start();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-ssh-e2e-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(sshd.knownHosts, join(home, '.ssh', 'known_hosts'));
    const hostLine = (name: string) =>
      `${name} ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey}`;
    writeFileSync(join(dir, 'hosts.ini'), `[web]\n${hostLine('h1')}\n${hostLine('h2')}\n`);
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'conf.j2'), '# {{ inventory_hostname }}\n{% for p in ports %}\nport={{ p }}\n{% endfor %}\n');
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: web
  gather_facts: false
  vars:
    ports: [80, 443]
    hostile: "; touch {{ out }}/pwned; echo $(id) \`id\` 'q' \\"dq\\""
  tasks:
    - file: path={{ out }}/{{ inventory_hostname }} state=directory mode=0750
    - copy:
        content: "{{ hostile }}\\n"
        dest: "{{ out }}/{{ inventory_hostname }}/hostile.txt"
    - template: src=conf.j2 dest={{ out }}/{{ inventory_hostname }}/app.conf mode=0640
    - command: cat {{ out }}/{{ inventory_hostname }}/hostile.txt
      register: cat
      changed_when: false
    - command:
        argv: [echo, "{{ hostile }}"]
      register: echoed
      changed_when: false
    - shell: printf '%s' {{ hostile | quote }}
      register: printed
      changed_when: false
    - assert:
        that:
          - cat.stdout == hostile
          - echoed.stdout == hostile
          - printed.stdout == hostile
      when: not ansible_check_mode
`,
    );
  });

  afterAll(async () => {
    await sshd.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (out: string, ...extra: string[]) =>
    tsplay(withConnectTimeout(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-e', `out=${out}`, ...extra]), { env: { HOME: home } });

  it('predicts with --check exactly what the first run changes, then changes nothing the second time', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const check = run(out, '--check', '--diff');
    expect(check.stderr).toBe('');
    expect(existsSync(join(out, 'h1'))).toBe(false);
    const first = run(out);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = run(out);
    expect(second.code, second.stdout).toBe(0);

    const r1 = recap(first.stdout);
    expect(r1.h1).toMatchObject({ changed: 3, failed: 0, unreachable: 0 });
    expect(r1.h2).toMatchObject({ changed: 3, failed: 0 });
    expect(recap(second.stdout).h1).toMatchObject({ changed: 0, failed: 0 });
    // --check: the directory does not exist yet, so the tasks that need it are
    // predicted as changes too, and the commands are skipped.
    expect(recap(check.stdout).h1?.changed).toBe(3);
    expect(check.stdout).toContain('+port=443');

    expect(readFileSync(join(out, 'h1', 'app.conf'), 'utf8')).toBe('# h1\nport=80\nport=443\n');
    expect(readFileSync(join(out, 'h2', 'hostile.txt'), 'utf8')).toContain('; touch');
    expect(existsSync(join(out, 'pwned'))).toBe(false);
  });

  it('leaves no connection open once it has exited (its closer child ends with it)', async () => {
    // Established TCP connections to the fixture's sshd, from /proc/net/tcp.
    const open = (): number =>
      readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => {
          const f = l.trim().split(/\s+/);
          return f[3] === '01' && Number.parseInt(f[2]!.split(':')[1]!, 16) === sshd.port;
        }).length;
    const out = join(dir, 'out-closed');
    mkdirSync(out);
    const res = run(out);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const deadline = Date.now() + 20_000;
    while (open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(open()).toBe(0);
  });

  it('refuses a host whose key is not in known_hosts, and reports it unreachable', () => {
    const out = join(dir, 'out-unknown');
    mkdirSync(out);
    const bare = join(dir, 'bare-home');
    mkdirSync(join(bare, '.ssh'), { recursive: true });
    const res = tsplay(withConnectTimeout(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-e', `out=${out}`]), { env: { HOME: bare } });
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(/UNREACHABLE!.*SHA256:/);
    expect(recap(res.stdout).h1).toMatchObject({ unreachable: 1, ok: 0 });
    expect(existsSync(join(out, 'h1'))).toBe(false);
  });
});
