// A host that is up is never reported unreachable because the controller was
// busy connecting to the others (issue: 24 of 100 lite hosts "unreachable").
// 120 lite hosts (bench/lite-hosts.ts: one sshd each in its own network
// namespace) whose logins read root's login rc file, as real logins do, while
// a busy loop holds one of the cores: one run with the default connect timeout
// (10 s) and as many forks as hosts, so that every connection wants to start at
// once. tsplay lets a few handshakes run at a time and starts each host's
// timeout with its own handshake: every host must answer. (With the gate
// opened wide, STORM_CONNECTS=100000, nearly all of them time out here.)
// Leaves nothing: the lite hosts and the busy loops are ended.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootLiteHosts, type LiteLab } from '../../bench/lite-hosts.js';
import { runProgram } from '../integration/lab-context.js';
import { CLI } from '../cli-helpers.js';
import { describeLab } from './lab.js';

const HOSTS = 120;

describeLab('a connection storm under CPU load: no host falsely unreachable', () => {
  let lite: LiteLab | undefined;
  const busy: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-storm-'));

  beforeAll(async () => {
    lite = await bootLiteHosts(HOSTS, { loginRc: true });
    mkdirSync(join(dir, 'home', '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(lite.knownHostsFile, join(dir, 'home', '.ssh', 'known_hosts'));
    writeFileSync(join(dir, 'hosts.ini'), lite.inventory);
    writeFileSync(join(dir, 'play.yml'), '- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: "true"\n      changed_when: false\n');
  }, 240_000);

  afterAll(() => {
    for (const p of busy) if (p.pid !== undefined && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
    lite?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every one of 120 hosts answers, with a core busy', { timeout: 300_000 }, async () => {
    busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const r = await runProgram(process.execPath, [CLI, 'run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), '-f', String(HOSTS), '--output', 'json'], {
      env: { HOME: join(dir, 'home'), SSH_AUTH_SOCK: undefined, TSPLAY_CONNECTS: process.env.STORM_CONNECTS },
      timeoutMs: 280_000,
    });
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { kind: string; host?: string; status?: string; result?: { msg?: string }; stats?: Record<string, { unreachable: number }> });
    const recap = events.find((e) => e.kind === 'recap');
    expect(recap, r.stdout.slice(-2000) + r.stderr).toBeDefined();
    const down = events.filter((e) => e.kind === 'host_result' && e.status === 'unreachable').map((e) => `${e.host}: ${e.result?.msg}`);
    expect(down, 'hosts reported unreachable').toEqual([]);
    expect(Object.keys(recap!.stats!)).toHaveLength(HOSTS);
    expect(r.code, r.stderr).toBe(0);
  });
});
