#!/usr/bin/env bash
# Installs what the test lab (test/lab/lab.ts) needs to boot real hosts on this
# machine: systemd-nspawn, systemd and D-Bus inside the hosts, the OpenSSH
# server and client, iproute2, sudo (for become tests), util-linux (nsenter,
# mount) and procps (pgrep, for the lab's own checks). For local package
# repositories of stand-in packages (test/lab/package-repos.ts): dpkg-dev
# (dpkg-scanpackages), rpm (rpmbuild), createrepo-c, and dnf to install from
# them on the hosts. etcd-server and etcd-client for the etcdctl module's lab
# test (test/integration/etcdctl.test.ts).
# cron (crontab), iptables and debconf-utils for the system modules' lab tests
# (test/integration/system-modules.test.ts, test/integration/ssh-cases/).
# python3-pexpect: Ansible's expect module needs it (differential cases 73-74);
# expect (Tcl): tsplay's expect runner for hosts without python3 (test/modules/expect-tcl.test.ts);
# subversion (svn, svnadmin) for the subversion module's tests. curl (get_url/uri
# on the hosts), git, zip/unzip/xz/bzip2 (unarchive), gnupg (apt_key/rpm_key test
# keys) and python3-venv (pip) for the other builtin modules' tests. libuser
# (luseradd, lusermod, luserdel, lgroupmod, lchage) for the user module's
# local option (test/integration/ssh-cases/users-options.yml): lab hosts
# overlay this machine's root, so what is installed here is on them.
# Idempotent and quiet: installs only what is missing, prints apt's output only
# when it fails. Waits for the dpkg lock if another apt is running.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(systemd systemd-container dbus openssh-server openssh-client iproute2 sudo util-linux procps
  dpkg-dev rpm createrepo-c dnf etcd-server etcd-client cron iptables debconf-utils python3-pexpect expect subversion
  curl git zip unzip gnupg python3-venv xz-utils bzip2 libuser)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-packages.sh: must run as root to install: ${missing[*]}" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! {
  apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "${missing[@]}"
} >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-packages.sh: installing ${missing[*]} failed" >&2
  exit 1
fi
