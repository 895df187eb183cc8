// Host paths the fact script probes and the parsers interpret: one list each,
// shared by both sides.

/** Ansible's PKG_MGRS in its order: the last one present wins. */
export const PKG_MGRS: [path: string, name: string][] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'],
  ['/usr/pkg/bin/pkgin', 'pkgin'], ['/opt/local/bin/pkgin', 'pkgin'], ['/opt/tools/bin/pkgin', 'pkgin'],
  ['/opt/local/bin/port', 'macports'], ['/usr/local/bin/brew', 'homebrew'], ['/opt/homebrew/bin/brew', 'homebrew'],
  ['/sbin/apk', 'apk'], ['/usr/sbin/pkg', 'pkgng'], ['/usr/sbin/swlist', 'swdepot'], ['/usr/bin/emerge', 'portage'],
  ['/usr/sbin/pkgadd', 'svr4pkg'], ['/usr/bin/pkg', 'pkg5'], ['/usr/bin/xbps-install', 'xbps'], ['/usr/local/sbin/pkg', 'pkgng'],
  ['/usr/bin/swupd', 'swupd'], ['/usr/sbin/sorcery', 'sorcery'], ['/usr/bin/installp', 'installp'], ['/QOpenSys/pkgs/bin/yum', 'yum'],
];

/** Distribution files other than os-release that Ansible's OSDIST_LIST reads (sent when present). */
export const DIST_FILES = [
  '/etc/altlinux-release', '/etc/oracle-release', '/etc/slackware-version', '/etc/centos-release', '/etc/redhat-release',
  '/etc/vmware-release', '/etc/openwrt_release', '/etc/system-release', '/etc/alpine-release', '/etc/arch-release',
  '/etc/SuSE-release', '/etc/gentoo-release', '/etc/lsb-release',
];

/** Where systemd leaves a mark when it is the running init (Ansible's canaries). */
export const SYSTEMD_CANARIES = ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'];

/** The addresses Ansible asks the routing table about to find the default interface (a lookup; nothing is sent). */
export const ROUTE_PROBE = { v4: '8.8.8.8', v6: '2404:6800:400a:800::1012' };
