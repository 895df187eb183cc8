// Acceptance of playbooks/site.yml on the seed's own path: CentOS 7 hosts with
// yum (site-cluster.ts says what is proven). The lab hosts are Debian
// underneath, so each one is given CentOS 7's identity before it boots
// (/etc/os-release, /etc/centos-release, /etc/redhat-release, /etc/sysconfig: the facts then
// say CentOS 7, os_family RedHat, pkg_mgr yum), a `yum` that runs dnf (as
// /usr/bin/yum is on Red Hat 8 and later), and no etcd unit or settings of
// Debian's (etcd is not installed). The packages are CentOS 7's names
// (etcd, kubernetes-master, kubernetes-node, docker, flannel), stand-ins from
// a local rpm repository with CentOS's unit files and paths
// (/etc/etcd/etcd.conf, /etc/sysconfig/flanneld); the etcd package's unit
// runs the real etcd binary of the hosts.
// Leaves on its hosts: the cluster as site.yml made it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeRootFile, writeRootFile } from '../lab/rootfs.js';
import type { StandInPackage } from '../lab/package-repos.js';
import { siteClusterSuite } from './site-cluster.js';

const CENTOS_RELEASE = 'CentOS Linux release 7.9.2009 (Core)\n';
const OS_RELEASE = `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
CPE_NAME="cpe:/o:centos:centos:7"
`;

/** A unit of the stand-in packages: CentOS's settings files, a placeholder daemon. */
function unit(description: string, environmentFiles: string[], execStart = '/bin/sleep infinity'): string {
  return [
    '[Unit]',
    `Description=${description}`,
    'After=network.target',
    '',
    '[Service]',
    ...environmentFiles.map((f) => `EnvironmentFile=-${f}`),
    `ExecStart=${execStart}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

const UNITS = '/usr/lib/systemd/system';
const KUBE = ['/etc/kubernetes/config'];

// The etcd package's unit, as Red Hat ships it since etcd 3.4: every setting
// from /etc/etcd/etcd.conf. (CentOS 7's etcd 3.3 unit also passed --name,
// --data-dir and --listen-client-urls on the command line; etcd 3.4, the
// binary here, refuses a flag that its environment sets too.)
const ETCD_UNIT = `[Unit]
Description=Etcd Server
After=network.target
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
WorkingDirectory=/var/lib/etcd/
EnvironmentFile=-/etc/etcd/etcd.conf
User=etcd
ExecStart=/bin/bash -c "GOMAXPROCS=$(nproc) /usr/bin/etcd"
Restart=on-failure
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;

const STAND_INS: StandInPackage[] = [
  {
    name: 'etcd',
    version: '3.3.11',
    files: {
      [`${UNITS}/etcd.service`]: ETCD_UNIT,
      '/etc/etcd/etcd.conf': '#[Member]\nETCD_DATA_DIR="/var/lib/etcd/default.etcd"\nETCD_LISTEN_CLIENT_URLS="http://localhost:2379"\nETCD_NAME="default"\n',
    },
  },
  {
    name: 'kubernetes-master',
    version: '1.5.2',
    files: {
      [`${UNITS}/kube-apiserver.service`]: unit('Kubernetes API Server', [...KUBE, '/etc/kubernetes/apiserver']),
      [`${UNITS}/kube-controller-manager.service`]: unit('Kubernetes Controller Manager', [...KUBE, '/etc/kubernetes/controller-manager']),
      [`${UNITS}/kube-scheduler.service`]: unit('Kubernetes Scheduler Plugin', [...KUBE, '/etc/kubernetes/scheduler']),
    },
  },
  {
    name: 'kubernetes-node',
    version: '1.5.2',
    files: {
      [`${UNITS}/kubelet.service`]: unit('Kubernetes Kubelet Server', [...KUBE, '/etc/kubernetes/kubelet']),
      [`${UNITS}/kube-proxy.service`]: unit('Kubernetes Kube-Proxy Server', [...KUBE, '/etc/kubernetes/proxy']),
    },
  },
  {
    name: 'docker',
    version: '1.13.1',
    files: {
      [`${UNITS}/docker.service`]: unit('Docker Application Container Engine', ['/etc/sysconfig/docker']),
      '/etc/sysconfig/docker': "OPTIONS='--selinux-enabled --log-driver=journald'\n",
    },
  },
  {
    name: 'flannel',
    version: '0.7.1',
    files: {
      [`${UNITS}/flanneld.service`]: unit('Flanneld overlay address etcd agent', ['/etc/sysconfig/flanneld']),
      '/etc/sysconfig/flanneld': 'FLANNEL_ETCD_ENDPOINTS="http://127.0.0.1:2379"\nFLANNEL_ETCD_PREFIX="/atomic.io/network"\n',
    },
  },
];

/** CentOS 7's identity; etcd as not installed (Debian's unit, its links, init script and settings gone). */
function centos7(root: string): void {
  writeRootFile(root, 'etc/os-release', OS_RELEASE);
  for (const f of ['etc/centos-release', 'etc/redhat-release', 'etc/system-release']) writeRootFile(root, f, CENTOS_RELEASE);
  removeRootFile(root, 'etc/debian_version');
  writeRootFile(root, 'etc/sysconfig/network', '# Created by anaconda\n');
  writeRootFile(root, 'usr/bin/yum', '#!/bin/sh\nexec /usr/bin/dnf-3 "$@"\n', 0o755);
  for (const f of [
    'usr/lib/systemd/system/etcd.service',
    'etc/systemd/system/etcd.service',
    'etc/systemd/system/etcd2.service',
    'etc/systemd/system/multi-user.target.wants/etcd.service',
    'etc/default/etcd',
    // Its SysV script too, which systemd would turn into an etcd.service.
    'etc/init.d/etcd',
    ...readdirSync(join(root, 'etc')).filter((d) => /^rc.\.d$/.test(d)).flatMap((d) =>
      readdirSync(join(root, 'etc', d)).filter((f) => /^[SK]\d\detcd$/.test(f)).map((f) => `etc/${d}/${f}`),
    ),
  ]) {
    removeRootFile(root, f);
  }
}

siteClusterSuite({
  title: 'CentOS 7 (yum)',
  repo: 'rpm',
  standIns: STAND_INS,
  boot: { setup: centos7 },
  etcdConfig: '/etc/etcd/etcd.conf',
  flannelConfig: '/etc/sysconfig/flanneld',
  packageQuery: (names) => `rpm -q ${names.join(' ')}`,
  plannedPackages: { master: 'etcd, kubernetes-master', node: 'etcd, docker, flannel, kubernetes-node' },
});
