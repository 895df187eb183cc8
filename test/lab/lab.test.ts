// The lab helper's own test: boots real hosts, checks SSH, systemd and
// CAP_NET_ADMIN inside them, and that teardown leaves nothing behind, also when
// the owning process gets SIGTERM or SIGKILL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootLab, describeLab, type Lab } from './lab.js';
import { run, runSync, type RunResult } from './sys.js';
import { cleanupStaleLabs } from './teardown.js';

const HERE = join(fileURLToPath(import.meta.url), '..');
const PROJECT = join(HERE, '..', '..');

function ssh(lab: Lab, address: string, command: string): Promise<RunResult> {
  return run(
    'ssh',
    [
      '-F', '/dev/null',
      '-i', lab.keyFile,
      '-o', `UserKnownHostsFile=${lab.knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=60',
      `root@${address}`,
      command,
    ],
    { timeoutMs: 120_000 },
  );
}

function uniquePrefix(start: string): string {
  return start + randomBytes(3).toString('hex');
}

/** Everything of a lab (by prefix and directory) that is still on the machine. */
function leftovers(prefix: string, dir: string): string[] {
  const out: string[] = [];
  for (const ns of runSync('ip', ['netns', 'list']).stdout.split('\n')) if (ns.startsWith(`${prefix}-`)) out.push(`netns ${ns}`);
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) if (line.includes(dir)) out.push(`mount ${line}`);
  for (const line of runSync('ip', ['-o', 'link', 'show']).stdout.split('\n')) {
    const name = line.split(':')[1]?.trim().split('@')[0];
    if (name?.startsWith(prefix)) out.push(`link ${name}`);
  }
  for (const line of runSync('pgrep', ['-a', 'systemd-nspawn']).stdout.split('\n')) if (line.includes(dir)) out.push(`process ${line}`);
  const cg = runSync('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-type', 'd', '-name', `tsplay-lab.${prefix}.*`]).stdout.trim();
  if (cg) out.push(...cg.split('\n').map((c) => `cgroup ${c}`));
  if (existsSync(dir)) out.push(`directory ${dir}`);
  // `ip netns add` mounts /run/netns onto itself; teardown unmounts it once empty.
  if (runSync('ip', ['netns', 'list']).stdout.trim() === '' && readFileSync('/proc/mounts', 'utf8').includes(' /run/netns ')) {
    out.push('mount /run/netns (empty)');
  }
  return out;
}

function tcpProbe(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    sock.setTimeout(3000, () => {
      sock.destroy();
      resolve('timeout');
    });
    sock.on('connect', () => {
      sock.destroy();
      resolve('connected');
    });
    sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

/** Runs fixtures/hold-lab.ts in its own process; resolves with its first output line. */
function holdLab(prefix: string): Promise<{ child: ReturnType<typeof spawn>; info: { dir: string; bridge: string; netns: string[]; address: string } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT, 'node_modules', '.bin', 'vite-node'), [join(HERE, 'fixtures', 'hold-lab.ts'), prefix], {
      cwd: PROJECT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A plain process, not a vitest worker.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))),
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`hold-lab exited (${code}) before ready: ${err}`)));
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<number | string | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
    else child.on('exit', (code, signal) => resolve(code ?? signal));
  });
}

describeLab('test lab (real hosts: systemd-nspawn + OpenSSH)', () => {
  let lab: Lab | undefined;

  beforeAll(async () => {
    const t0 = Date.now();
    lab = await bootLab({ hosts: 3 });
    console.log(
      `[lab] ${lab.hosts.length} hosts on ${lab.bridge} (${lab.subnet}.0/24) answered SSH ${lab.bootMs} ms after boot start; ` +
        `bootLab() took ${Date.now() - t0} ms in all`,
    );
  }, 180_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  it('every host answers ssh root@address hostname with its own name', async () => {
    const results = await Promise.all(lab!.hosts.map((h) => ssh(lab!, h.address, 'hostname')));
    results.forEach((r, i) => {
      expect(r.stderr).not.toMatch(/WARNING|Permanently added/);
      expect(r, r.stderr).toMatchObject({ code: 0, stdout: `${lab!.hosts[i]!.name}\n` });
    });
  });

  it('inventory lists every host in [lab] with address, root and the key', () => {
    const lines = lab!.inventory.trim().split('\n');
    expect(lines[0]).toBe('[lab]');
    for (const h of lab!.hosts) {
      expect(lines).toContain(`${h.name} ansible_host=${h.address} ansible_user=root ansible_ssh_private_key_file=${lab!.keyFile}`);
    }
  });

  it('systemd in every host reports running', async () => {
    const results = await Promise.all(
      lab!.hosts.map((h) => ssh(lab!, h.address, 'systemctl is-system-running --wait; systemctl --failed --no-legend --plain')),
    );
    for (const [i, r] of results.entries()) {
      console.log(`[lab] ${lab!.hosts[i]!.name}: is-system-running: ${r.stdout.trim().replace(/\n/g, ' | ')}`);
      expect(r.stdout.split('\n')[0]).toBe('running');
    }
  });

  it('CAP_NET_ADMIN: ip link add br9 type bridge works inside a host', async () => {
    const r = await ssh(lab!, lab!.hosts[0]!.address, 'ip link add br9 type bridge && ip -o link show br9 && ip link del br9');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('br9');
  });

  it('exec runs as root inside the host, with its own hostname and files', async () => {
    const h = lab!.hosts[1]!;
    const r = await lab!.exec(h.name, 'hostname; id -u; cat /etc/resolv.conf | wc -c; pwd; echo "$TSPLAY_LAB_LEAK"; exit 3');
    expect(r).toEqual({ code: 3, stdout: `${h.name}\n0\n0\n/root\n\n`, stderr: '' });
    const sudo = await lab!.exec(h.name, 'time -p sudo -n true 2>&1 | grep real');
    expect(sudo.code).toBe(0);
  });

  it('hosts reach each other by name; no route leaves the lab subnet', async () => {
    const [h1, h2] = lab!.hosts;
    const r = await lab!.exec(h1!.name, `getent hosts ${h2!.name}; timeout 5 bash -c 'exec 3<>/dev/tcp/${h2!.name}/22; head -c 4 <&3'`);
    expect(r.stdout).toMatch(new RegExp(`^${h2!.address.replace(/\./g, '\\.')}\\s+${h2!.name}\nSSH-$`));
    // Only a route lookup: nothing is sent.
    const routes = await lab!.exec(h1!.name, 'ip -4 route show; ip route get 192.0.2.1 2>&1; cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6');
    expect(routes.stdout).toBe(`${lab!.subnet}.0/24 dev eth0 proto kernel scope link src ${h1!.address} \nRTNETLINK answers: Network is unreachable\n1\n`);
  });

  it('stopHost stops one host abruptly; the others keep running', async () => {
    const h3 = lab!.hosts[2]!;
    expect(await tcpProbe(h3.address, 22)).toBe('connected');
    await lab!.stopHost(h3.name);
    expect(await tcpProbe(h3.address, 22)).toBe('ECONNREFUSED');
    await expect(lab!.exec(h3.name, 'true')).rejects.toThrow(/not running/);
    const r = await ssh(lab!, lab!.hosts[0]!.address, 'hostname');
    expect(r.stdout).toBe(`${lab!.hosts[0]!.name}\n`);
  });

  it('destroy leaves no mounts, namespaces, links, cgroups, processes or files', async () => {
    const prefix = lab!.bridge.replace(/br$/, '');
    const dir = lab!.dir;
    expect(leftovers(prefix, dir).length).toBeGreaterThan(0);
    const t0 = Date.now();
    await lab!.destroy();
    console.log(`[lab] destroy took ${Date.now() - t0} ms`);
    expect(leftovers(prefix, dir)).toEqual([]);
    // (No probe of the old address now: without the bridge it would be routed off the machine.)
    await lab!.destroy(); // idempotent
  }, 60_000);

  it('two labs at once get their own bridge, subnet and hosts', async () => {
    const [a, b] = await Promise.all([bootLab({ hosts: 1 }), bootLab({ hosts: 1 })]);
    try {
      expect(a.bridge).not.toBe(b.bridge);
      expect(a.subnet).not.toBe(b.subnet);
      const [ra, rb] = await Promise.all([ssh(a, a.hosts[0]!.address, 'hostname'), ssh(b, b.hosts[0]!.address, 'hostname')]);
      expect([ra.stdout, rb.stdout]).toEqual(['h1\n', 'h1\n']);
      // a's key is not accepted by b's host
      const cross = await ssh({ ...b, keyFile: a.keyFile }, b.hosts[0]!.address, 'true');
      expect(cross.code).toBe(255);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
    expect(leftovers(a.bridge.replace(/br$/, ''), a.dir)).toEqual([]);
    expect(leftovers(b.bridge.replace(/br$/, ''), b.dir)).toEqual([]);
  }, 180_000);

  it('SIGTERM to the owning process tears its lab down', async () => {
    const prefix = uniquePrefix('tt');
    const { child, info } = await holdLab(prefix);
    expect(leftovers(prefix, info.dir).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    await exited(child);
    expect(leftovers(prefix, info.dir)).toEqual([]);
  }, 60_000);

  it('a lab whose owner was SIGKILLed is cleaned up by the next bootLab (stale state)', async () => {
    const prefix = uniquePrefix('tk');
    const { child, info } = await holdLab(prefix);
    child.kill('SIGKILL');
    await exited(child);
    expect(leftovers(prefix, info.dir).length).toBeGreaterThan(0);
    const report = cleanupStaleLabs();
    expect(report).toContain(`cleaned stale lab ${prefix}`);
    expect(leftovers(prefix, info.dir)).toEqual([]);
  }, 60_000);
});
