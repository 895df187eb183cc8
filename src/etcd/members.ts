// Cluster membership for the etcdctl module (always the v3 API): `member list`
// read in one probe (with `endpoint health --cluster` for the health mode), and
// the step that adds, updates or removes a member.
import type { Connection } from '../connection/connection.js';
import { commandFailure } from '../host/run.js';
import { ModuleFailure, type ModuleResult } from '../module-api/module-types.js';
import { etcdMessage, etcdStep, runEtcd, type EtcdStep, type EtcdTarget } from './command.js';
import { parseHealth, parseMembers, type EndpointHealth, type Member } from './parse.js';

export interface Cluster {
  cluster_id: string;
  members: Member[];
  /** `endpoint health` of every member's client URLs (health mode only). */
  health?: EndpointHealth[];
}

const MARK = '@@tsplay-etcd@@';

/** `member list`, and with `withHealth` also `endpoint health --cluster`, in one round trip. */
export function clusterProbe(t: EtcdTarget, withHealth: boolean): EtcdStep {
  const list = ['member', 'list', '-w', 'json'];
  if (!withHealth) return etcdStep(t, 'etcdctl member list', [list]);
  return etcdStep(t, 'etcdctl member list; etcdctl endpoint health --cluster', [list, ['endpoint', 'health', '--cluster', '-w', 'json']], undefined, `; echo "${MARK}$?"; `);
}

/** Reads the cluster; a member list that cannot be read fails the task with etcdctl's message. */
export async function readCluster(conn: Connection, t: EtcdTarget, withHealth: boolean): Promise<Cluster> {
  const probe = clusterProbe(t, withHealth);
  const res = await runEtcd(conn, probe, true);
  const [list = '', rest] = res.stdout.split(MARK);
  const listRc = rest === undefined ? res.rc : Number(/^(\d+)/.exec(rest)?.[1] ?? 1);
  if (listRc !== 0) {
    const failure = commandFailure(probe.argv, { ...res, rc: listRc }, etcdMessage(res));
    // The health mode's result keeps its shape, so that `until: r.healthy` can retry.
    if (withHealth) Object.assign(failure.result, { healthy: false, members: [] });
    throw failure;
  }
  const cluster: Cluster = parseMembers(list);
  if (withHealth) {
    const health = rest!.replace(/^\d+\n?/, '').trim();
    cluster.health = health ? parseHealth(health) : [];
  }
  return cluster;
}

export interface MemberRequest {
  member: 'present' | 'absent';
  name?: string;
  peer_urls?: string[];
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** The member the request names: by name, or by a peer URL (a member added but not started has no name yet). */
function findMember(members: Member[], req: MemberRequest): Member | undefined {
  return (
    members.find((m) => req.name !== undefined && m.name === req.name) ??
    members.find((m) => (req.peer_urls ?? []).some((u) => m.peer_urls.includes(u)))
  );
}

/** The step that brings the membership to the request, and the result (the member as found, and every member). */
export function memberPlan(t: EtcdTarget, req: MemberRequest, cluster: Cluster): { steps: EtcdStep[]; result: ModuleResult } {
  const found = findMember(cluster.members, req);
  const result: ModuleResult = { member: found ?? null, members: cluster.members, cluster_id: cluster.cluster_id };
  const urls = (req.peer_urls ?? []).join(',');
  if (req.member === 'absent') {
    if (!found) return { steps: [], result };
    return { steps: [etcdStep(t, `etcdctl member remove ${found.id} (${found.name || found.peer_urls.join(',')})`, [['member', 'remove', found.id]])], result };
  }
  if (!found) {
    return { steps: [etcdStep(t, `etcdctl member add ${req.name} --peer-urls=${urls}`, [['member', 'add', req.name!, `--peer-urls=${urls}`]])], result };
  }
  if (sameSet(found.peer_urls, req.peer_urls ?? [])) return { steps: [], result };
  return { steps: [etcdStep(t, `etcdctl member update ${found.id} --peer-urls=${urls}`, [['member', 'update', found.id, `--peer-urls=${urls}`]])], result };
}

/** The health mode's result: each member with its health; a member none of whose client URLs answers is unhealthy. */
export function healthResult(cluster: Cluster): ModuleResult {
  const health = cluster.health ?? [];
  const members = cluster.members.map((m) => {
    const checks = health.filter((h) => m.client_urls.includes(h.endpoint));
    const healthy = checks.some((h) => h.health);
    const error = healthy ? undefined : (checks.find((h) => h.error)?.error ?? (m.client_urls.length === 0 ? 'not started' : 'no answer'));
    return { ...m, healthy, ...(error ? { error } : {}) };
  });
  const healthy = members.length > 0 && members.every((m) => m.healthy);
  const result: ModuleResult = { changed: false, healthy, cluster_id: cluster.cluster_id, members };
  if (!healthy) {
    const sick = members.filter((m) => !m.healthy).map((m) => `${m.name || m.id}: ${m.error}`);
    throw new ModuleFailure(`etcd cluster is not healthy: ${sick.join('; ')}`, result);
  }
  return result;
}
