// The acceptance test of playbooks/site.yml, shared by the OS families it is
// run for (site.test.ts: Debian and apt; site-redhat.test.ts: the seed's
// CentOS 7 path with yum): the seed's Kubernetes cluster on three lab hosts
// (master = h1, nodes = h2 and h3, etcd on all three). Real etcd; stand-in
// packages of the family's real names, from a local repository, for what the
// hosts cannot run. A docker0 bridge with an address is made beforehand on the
// nodes, as Docker would leave it.
// Proves: --check --diff on the fresh hosts touches nothing and predicts the
// real run's changed count per host (tasks that depend on an earlier planned
// change, a service whose package is not installed yet, are predicted, not
// failed); the real run forms a three-member etcd cluster, every member
// started; flannel's network config is in etcd; docker0 is gone; the config
// files have the seed's values for this topology, key by key; every service is
// enabled and active; a second run changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeLab, type BootOptions } from '../lab/lab.js';
import { buildDebRepo, buildRpmRepo, installRepoOnHost, type RepoKind, type StandInPackage } from '../lab/package-repos.js';
import { ROOT } from '../cli-helpers.js';
import { recap, show, useLab, type LabContext } from './helpers.js';

export interface SiteFamily {
  /** For the suite's title, e.g. "Debian (apt)". */
  title: string;
  repo: RepoKind;
  standIns: StandInPackage[];
  /** Per host, before its lab boots (the OS's identity, what is not installed yet). */
  boot: Omit<BootOptions, 'hosts'>;
  /** Where this family's etcd and flannel read their settings. */
  etcdConfig: string;
  flannelConfig: string;
  /** Shell command printing which of the named packages are installed (for the before/after snapshot). */
  packageQuery: (names: string[]) => string;
  /** The packages the plan summary lists for the master and for a node. */
  plannedPackages: { master: string; node: string };
}

const SLOW = 600_000;

/** KEY="value" lines of a sysconfig-style file, as a map. */
function settings(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([A-Z_]+)="?(.*?)"?$/gm)) out[m[1]!] = m[2]!;
  return out;
}

export function siteClusterSuite(family: SiteFamily): void {
  const work = mkdtempSync(join(tmpdir(), 'tsplay-site-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describeLab(`playbooks/site.yml builds the seed cluster on three lab hosts: ${family.title}`, () => {
    const ctx: LabContext = useLab(
      3,
      async (c) => {
        const repo = join(work, family.repo);
        await (family.repo === 'deb' ? buildDebRepo : buildRpmRepo)(repo, family.standIns);
        for (const h of c.lab.hosts) {
          await installRepoOnHost(c.lab, h.name, family.repo, repo, { writeSource: true, disableOtherSources: true });
          if (family.repo === 'deb') await c.sh(h.name, 'apt-get update -q >/dev/null');
        }
        for (const h of ['h2', 'h3']) await c.sh(h, 'ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up');
        const line = (h: string) => `${h} ansible_host=${c.address(h)} ansible_user=root ansible_ssh_private_key_file=${c.lab.keyFile}`;
        c.write('hosts.ini', `[master]\n${line('h1')}\n\n[nodes]\n${line('h2')}\n${line('h3')}\n\n[etcd:children]\nmaster\nnodes\n`);
      },
      family.boot,
    );
    // The stand-in API server serves nothing, so kubectl (on the hosts, as on this
    // machine) cannot see Ready nodes: that last check is left out.
    const site = (...extra: string[]) =>
      ctx.tsplay(['run', join(ROOT, 'playbooks', 'site.yml'), '-i', `${ctx.dir}/hosts.ini`, '-e', 'verify_kube_nodes=false', ...extra], { timeoutMs: SLOW });
    const read = (host: string, file: string) => ctx.sh(host, `cat ${file}`);
    const snapshot = () =>
      Promise.all(
        ['h1', 'h2', 'h3'].map((h) =>
          ctx.sh(h, `md5sum ${family.etcdConfig} 2>&1; ls /etc/kubernetes 2>&1; ${family.packageQuery(['kubelet', 'kube-apiserver', 'kubernetes-node', 'kubernetes-master'])} 2>&1; ip -br link show docker0 2>&1; systemctl is-enabled etcd 2>&1; true`),
        ),
      );

    it('installs, configures and starts the cluster; --check first predicts it; a second run changes nothing', { timeout: SLOW }, async () => {
      const before = await snapshot();
      const check = await site('--check', '--diff');
      expect(check.code, show(check)).toBe(0);
      expect(await snapshot(), 'the dry run touched nothing').toEqual(before);
      expect(check.stdout).toContain('+ETCD_INITIAL_CLUSTER=');
      // It ends with what each host would get.
      const summary = check.stdout.slice(check.stdout.indexOf('PLAN SUMMARY'));
      const files = (f: string) => f.replaceAll('/', '\\/').replaceAll('.', '\\.');
      expect(summary, check.stdout).toMatch(
        new RegExp(`^h1: \\d+ changes\\n {4}files: .*${files(family.etcdConfig)}.*\\n {4}packages: ${family.plannedPackages.master}\\n {4}services: .*kube-apiserver`, 'm'),
      );
      expect(summary).toMatch(new RegExp(`^h2: \\d+ changes\\n {4}files: .*\\/etc\\/kubernetes\\/kubelet.*\\n {4}packages: ${family.plannedPackages.node}\\n {4}services: .*flanneld`, 'm'));

      const first = await site();
      expect(first.code, show(first)).toBe(0);
      for (const h of ['h1', 'h2', 'h3']) {
        expect(recap(check.stdout)[h]?.changed, `--check predicts ${h}'s changes\n--check:\n${check.stdout}\n--- real:\n${first.stdout}`).toBe(recap(first.stdout)[h]?.changed);
      }

      const members = await ctx.sh('h1', 'ETCDCTL_API=3 etcdctl member list');
      expect(members.trim().split('\n').filter((l) => l.includes(', started, ')), members).toHaveLength(3);
      for (const [i, h] of ['h1', 'h2', 'h3'].entries()) {
        expect(members).toContain(`, started, etcd${i + 1}, http://${ctx.address(h)}:2380, http://${ctx.address(h)}:2379`);
      }
      expect(JSON.parse(await ctx.sh('h2', 'ETCDCTL_API=2 etcdctl get /coreos.com/network/config'))).toEqual({ Network: '10.1.0.0/16' });
      for (const h of ['h2', 'h3']) expect((await ctx.lab.exec(h, 'ip link show docker0')).code, `docker0 on ${h}\n${show(first)}`).not.toBe(0);

      const etcdServers = ['h1', 'h2', 'h3'].map((h) => `http://${ctx.address(h)}:2379`).join(',');
      const cluster = ['h1', 'h2', 'h3'].map((h, i) => `etcd${i + 1}=http://${ctx.address(h)}:2380`).join(',');
      for (const [i, h] of ['h1', 'h2', 'h3'].entries()) {
        expect(settings(await read(h, family.etcdConfig))).toMatchObject({
          ETCD_NAME: `etcd${i + 1}`,
          ETCD_DATA_DIR: `/var/lib/etcd/etcd${i + 1}.etcd`,
          ETCD_LISTEN_PEER_URLS: `http://${ctx.address(h)}:2380`,
          ETCD_LISTEN_CLIENT_URLS: `http://${ctx.address(h)}:2379,http://127.0.0.1:2379`,
          ETCD_MAX_SNAPSHOTS: '5',
          ETCD_INITIAL_ADVERTISE_PEER_URLS: `http://${ctx.address(h)}:2380`,
          ETCD_INITIAL_CLUSTER: cluster,
          ETCD_ADVERTISE_CLIENT_URLS: `http://${ctx.address(h)}:2379`,
        });
        expect(settings(await read(h, '/etc/kubernetes/config'))).toMatchObject({
          KUBE_LOGTOSTDERR: '--logtostderr=true',
          KUBE_LOG_LEVEL: '--v=0',
          KUBE_ALLOW_PRIV: '--allow-privileged=false',
          KUBE_MASTER: `--master=http://${ctx.address('h1')}:8080`,
        });
      }
      expect(settings(await read('h1', '/etc/kubernetes/apiserver'))).toEqual({
        KUBE_API_ADDRESS: '--address=0.0.0.0',
        KUBE_API_PORT: '--port=8080',
        KUBELET_PORT: '--kubelet-port=10250',
        KUBE_ETCD_SERVERS: `--etcd-servers=${etcdServers}`,
        KUBE_SERVICE_ADDRESSES: '--service-cluster-ip-range=10.254.0.0/16',
        KUBE_ADMISSION_CONTROL: '--admission-control=NamespaceLifecycle,NamespaceExists,LimitRanger,SecurityContextDeny,ServiceAccount,ResourceQuota',
        KUBE_API_ARGS: '',
      });
      for (const h of ['h2', 'h3']) {
        expect(settings(await read(h, '/etc/kubernetes/kubelet'))).toEqual({
          KUBELET_ADDRESS: '--address=127.0.0.1',
          KUBELET_HOSTNAME: `--hostname-override=${ctx.address(h)}`,
          KUBELET_API_SERVER: `--api-servers=http://${ctx.address('h1')}:8080`,
          KUBELET_POD_INFRA_CONTAINER: '--pod-infra-container-image=registry.access.redhat.com/rhel7/pod-infrastructure:latest',
          KUBELET_ARGS: '',
        });
        expect(settings(await read(h, family.flannelConfig))).toEqual({
          FLANNEL_ETCD: etcdServers,
          FLANNEL_ETCD_KEY: '/coreos.com/network',
          FLANNEL_OPTIONS: '',
        });
      }
      const active = async (h: string, units: string[]) =>
        (await ctx.sh(h, `systemctl is-active ${units.join(' ')}; systemctl is-enabled ${units.join(' ')}`)).trim().split('\n');
      expect(await active('h1', ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])).toEqual([...Array(4).fill('active'), ...Array(4).fill('enabled')]);
      for (const h of ['h2', 'h3']) {
        expect(await active(h, ['etcd', 'docker', 'flanneld', 'kubelet', 'kube-proxy'])).toEqual([...Array(5).fill('active'), ...Array(5).fill('enabled')]);
      }

      const second = await site();
      expect(second.code, show(second)).toBe(0);
      for (const h of ['h1', 'h2', 'h3']) expect(recap(second.stdout)[h], `${h}\n${show(second)}`).toMatchObject({ changed: 0, failed: 0 });
    });
  });
}
