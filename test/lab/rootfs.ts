// Root file system of a lab host: a copy-on-write overlay of the machine's own
// root (so every installed package is present) whose upper layer lives in a
// tmpfs, then the host's own identity, sshd settings and masked services.
//
// Every file is written after unlinking what the lower layer has at that path,
// and no parent directory may be a symlink: a write must never follow a link
// out of the overlay into the machine's real root.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, lstatSync, mkdirSync, readdirSync, symlinkSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { runSync } from './sys.js';

export function mountTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  runSync('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', dir], { check: true });
}

export function mountOverlay(upperBase: string, root: string): void {
  mkdirSync(join(upperBase, 'u'), { recursive: true });
  mkdirSync(join(upperBase, 'w'), { recursive: true });
  mkdirSync(root, { recursive: true });
  runSync(
    'mount',
    ['-t', 'overlay', 'overlay', '-o', `lowerdir=/,upperdir=${upperBase}/u,workdir=${upperBase}/w`, root],
    { check: true },
  );
}

/** Refuses paths inside `root` that pass through a symlink (which could lead outside it). */
function safePath(root: string, rel: string): string {
  const full = join(root, rel);
  const parts = relative(root, dirname(full)).split(sep).filter(Boolean);
  let cur = root;
  for (const part of parts) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      mkdirSync(cur, { mode: 0o755 });
      continue;
    }
    if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`lab: ${cur} is not a plain directory`);
  }
  return full;
}

function unlinkIfPresent(path: string): void {
  try {
    const st = lstatSync(path);
    if (st.isDirectory()) throw new Error(`lab: ${path} is a directory`);
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function writeRootFile(root: string, rel: string, content: string, mode = 0o644): void {
  const path = safePath(root, rel);
  unlinkIfPresent(path);
  writeFileSync(path, content, { mode, flag: 'wx' });
  chmodSync(path, mode);
}

function ensureRootDir(root: string, rel: string, mode: number): void {
  const path = safePath(root, join(rel, '.placeholder'));
  chmodSync(dirname(path), mode);
}

/** Removes a file of the host's root (a whiteout over the machine's file); nothing if absent. */
export function removeRootFile(root: string, rel: string): void {
  unlinkIfPresent(safePath(root, rel));
}

export function maskUnit(root: string, unit: string): void {
  const path = safePath(root, join('etc/systemd/system', unit));
  unlinkIfPresent(path);
  symlinkSync('/dev/null', path);
}

/** Units that a lab host never needs; they only slow boot down or try to reach the network. */
export const DEFAULT_MASKED = [
  'postgresql.service',
  'etcd.service',
  'e2scrub_reap.service',
  'systemd-timesyncd.service',
  'systemd-pstore.service',
  'console-getty.service',
  'getty@tty1.service',
  'apt-daily.service',
  'apt-daily-upgrade.service',
  'man-db.service',
];

/** Units that stay as the machine has them. */
const KEEP = new Set(['ssh.service', 'sshd.service', 'dbus.service', 'systemd-logind.service', 'systemd-user-sessions.service']);

/**
 * What else this machine's image would start at boot: every enabled timer and
 * every service enabled under /etc/systemd/system/*.wants (packages installed by
 * other tests, e.g. etcd, cron, nginx). All of them are masked unless kept.
 */
export function enabledUnitsToMask(root: string, keep: Iterable<string>): string[] {
  const keepSet = new Set([...KEEP, ...keep]);
  const found = new Set<string>();
  for (const base of ['etc/systemd/system', 'lib/systemd/system', 'usr/lib/systemd/system']) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      if (!entry.endsWith('.wants')) continue;
      let units: string[];
      try {
        units = readdirSync(join(dir, entry));
      } catch {
        continue;
      }
      for (const unit of units) {
        if (unit.endsWith('.timer') || (base === 'etc/systemd/system' && unit.endsWith('.service'))) found.add(unit);
      }
    }
  }
  return [...found].filter((u) => !keepSet.has(u)).sort();
}

export interface RootIdentity {
  name: string;
  address: string;
  /** Every lab host, for /etc/hosts. */
  peers: Array<{ name: string; address: string }>;
  authorizedKey: string;
  mask: string[];
}

/** Prepares the overlay root; returns the host's public host key line. */
export function prepareRoot(root: string, id: RootIdentity): string {
  writeRootFile(root, 'etc/machine-id', randomBytes(16).toString('hex') + '\n', 0o444);
  writeRootFile(root, 'etc/hostname', `${id.name}\n`);
  // No DNS in the lab: an empty resolv.conf and every name in /etc/hosts
  // (otherwise each sudo waits ~20 s for a lookup of its own host name).
  writeRootFile(root, 'etc/resolv.conf', '');
  writeRootFile(
    root,
    'etc/hosts',
    [
      '127.0.0.1\tlocalhost',
      `127.0.1.1\t${id.name}`,
      '::1\tlocalhost ip6-localhost ip6-loopback',
      ...id.peers.map((p) => `${p.address}\t${p.name}`),
      '',
    ].join('\n'),
  );

  // Root logs in with the lab key.
  ensureRootDir(root, 'root', 0o700);
  ensureRootDir(root, 'root/.ssh', 0o700);
  writeRootFile(root, 'root/.ssh/authorized_keys', `${id.authorizedKey}\n`, 0o600);
  // root's shell start-up files as Debian ships them: the machine's own may set
  // up developer tools (pyenv init costs ~0.3 s), and bash reads ~/.bashrc for
  // every SSH session, which would slow down every runner's every channel.
  for (const name of ['bashrc', 'profile']) {
    const stock = `/usr/share/base-files/dot.${name}`;
    writeRootFile(root, `root/.${name}`, existsSync(stock) ? readFileSync(stock, 'utf8') : '', 0o644);
  }

  // sshd: a fresh ed25519 host key, root by key only, no reverse DNS.
  for (const type of ['rsa', 'ecdsa', 'dsa', 'ed25519']) {
    for (const suffix of ['', '.pub']) unlinkIfPresent(safePath(root, `etc/ssh/ssh_host_${type}_key${suffix}`));
  }
  const hostKey = safePath(root, 'etc/ssh/ssh_host_ed25519_key');
  runSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${id.name}`, '-f', hostKey], { check: true });
  writeRootFile(
    root,
    'etc/ssh/sshd_config.d/00-tsplay-lab.conf',
    [
      '# Written by the tsplay test lab (test/lab/rootfs.ts).',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UseDNS no',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'MaxStartups 100:30:200',
      'MaxSessions 100',
      '',
    ].join('\n'),
  );

  for (const unit of id.mask) maskUnit(root, unit);

  return readFileSync(`${hostKey}.pub`, 'utf8').trim();
}
