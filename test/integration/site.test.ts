// Acceptance of playbooks/site.yml on Debian hosts with apt (site-cluster.ts
// says what is proven). Real etcd: Debian's etcd-server, already on the hosts
// and started single-node at boot as after its install, which the role turns
// into a member of the new cluster. Stand-in packages of the real names for
// what Debian does not ship (kube-*, kubelet, flannel) and for Docker, whose
// daemon cannot run here, from a local apt repository.
// Leaves on its hosts: the cluster as site.yml made it.
import type { StandInPackage } from '../lab/package-repos.js';
import { siteClusterSuite } from './site-cluster.js';

const daemon = (name: string, unit = name): StandInPackage => ({ name, version: '1.0', unit: { name: unit } });

siteClusterSuite({
  title: 'Debian (apt)',
  repo: 'deb',
  standIns: [
    daemon('docker.io', 'docker'),
    daemon('kube-apiserver'),
    daemon('kube-controller-manager'),
    daemon('kube-scheduler'),
    daemon('kubelet'),
    daemon('kube-proxy'),
    daemon('flannel', 'flanneld'),
  ],
  // Debian's etcd runs at boot, as after its install (the lab masks it otherwise).
  boot: { keepServices: ['etcd'] },
  etcdConfig: '/etc/default/etcd',
  flannelConfig: '/etc/default/flanneld',
  packageQuery: (names) => `dpkg -l ${names.join(' ')} | tail -n 2`,
  plannedPackages: { master: 'kube-apiserver, kube-controller-manager, kube-scheduler', node: 'docker\\.io, flannel, kubelet, kube-proxy' },
});
