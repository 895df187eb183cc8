// pkg_mgr and service_mgr, decided by Ansible 2.14's rules from what the
// fact script found on the host.
import { PKG_MGRS } from './paths.js';
import { keyValues } from './sections.js';

/** Ansible's PkgMgrFactCollector: the last known path present, then the family's say. */
export function pkgMgrFact(section: string | undefined, distribution: Record<string, unknown>): string {
  const kv = keyValues(section);
  const present = new Set(kv.filter(([k]) => k === 'path').map(([, v]) => v));
  const has = (key: string) => kv.some(([k]) => k === key);
  let name = 'unknown';
  for (const [path, mgr] of PKG_MGRS) if (present.has(path)) name = mgr;
  const family = distribution.os_family;
  if (family === 'RedHat') name = redHatPkgMgr(name, distribution, present, has('ostree'));
  else if (family === 'Debian') name = 'apt';
  else if (family === 'Altlinux' && name === 'apt') name = 'apt_rpm';
  if (name === 'apt' && has('apt_rpm')) name = 'apt_rpm';
  return name;
}

function redHatPkgMgr(name: string, d: Record<string, unknown>, present: Set<string>, ostree: boolean): string {
  if (ostree) return 'atomic_container';
  const exists = (mgr: string) => PKG_MGRS.some(([p, n]) => n === mgr && present.has(p));
  const major = Number.parseInt(String(d.distribution_major_version), 10);
  if (d.distribution === 'Fedora' || d.distribution === 'Amazon') {
    if (Number.isNaN(major)) return 'dnf';
    const old = d.distribution === 'Fedora' ? major < 23 : major < 2022;
    if (old) return exists('yum') ? 'yum' : name;
    return exists('dnf') ? 'dnf' : name;
  }
  return major < 8 ? 'yum' : 'dnf';
}

const PROC_1_MAP: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** Ansible's ServiceMgrFactCollector on Linux: PID 1's name, else signs of an init system. */
export function serviceMgrFact(section: string | undefined): string {
  const kv = new Map(keyValues(section));
  let proc1: string | undefined = kv.get('comm')?.trim() || undefined;
  if (proc1 === undefined && kv.has('ps')) {
    const ps = kv.get('ps') ?? '';
    proc1 = ps.trim() && !/^ *[0-9]+ /.test(ps) && ps !== 'COMMAND' ? ps : undefined;
  }
  if (proc1 === undefined && kv.has('init_link')) proc1 = kv.get('init_link');
  if (proc1 !== undefined) proc1 = proc1.split('/').pop()!.trim();
  if (proc1 !== undefined && (proc1 === 'init' || proc1.endsWith('sh'))) proc1 = undefined;
  if (proc1) return PROC_1_MAP[proc1] ?? proc1;
  const systemctl = kv.has('systemctl');
  if (systemctl && kv.has('canary')) return 'systemd';
  if (kv.has('upstart')) return 'upstart';
  if (kv.has('openrc')) return 'openrc';
  if (systemctl && kv.get('init_link')?.split('/').pop() === 'systemd') return 'systemd';
  if (kv.has('initd')) return 'sysvinit';
  return 'service';
}
