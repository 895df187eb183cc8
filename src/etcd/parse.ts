// Reading etcdctl's JSON output (`-w json` for v3, `-o json` for v2). v3 gives
// keys and values in base64, and member IDs as 64-bit numbers, which JSON.parse
// would round: they are read as text and shown in hex, as etcdctl takes them.

/** JSON.parse with a message that names the command whose output it was. */
function parse(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`unexpected output from etcdctl ${what}: ${text.trim().slice(0, 200)}`);
  }
}

const base64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

/** `get -w json`: the key's value, undefined when it does not exist. */
export function parseGetV3(text: string): string | undefined {
  const kvs = parse(text, 'get').kvs as { value?: string }[] | undefined;
  return kvs && kvs.length > 0 ? base64(kvs[0]!.value) : undefined;
}

/** `get --prefix --keys-only -w json`: the keys. */
export function parseKeysV3(text: string): string[] {
  const kvs = (parse(text, 'get').kvs ?? []) as { key: string }[];
  return kvs.map((kv) => base64(kv.key));
}

interface NodeV2 {
  key: string;
  value?: string;
  dir?: boolean;
  nodes?: NodeV2[] | null;
}

/** v2 `-o json get`: the value, or `dir` for a directory. */
export function parseGetV2(text: string): { value?: string; dir: boolean } {
  const node = parse(text, 'get').node as NodeV2;
  return node.dir ? { dir: true } : { value: node.value ?? '', dir: false };
}

/** v2 `-o json ls --recursive`: the keys under a directory (or the key itself). */
export function parseKeysV2(text: string): string[] {
  const leaves = (n: NodeV2): string[] => (n.dir ? (n.nodes ?? []).flatMap(leaves) : [n.key]);
  const node = parse(text, 'ls').node as NodeV2;
  const keys = leaves(node);
  return keys.length > 0 ? keys : [node.key];
}

export interface Member {
  /** Hex, as `member remove` and `member update` take it. */
  id: string;
  /** Empty for a member added but not started yet. */
  name: string;
  peer_urls: string[];
  client_urls: string[];
  is_learner: boolean;
}

const hex = (decimal: string): string => BigInt(decimal).toString(16);

/** `member list -w json`: the cluster's ID and members. */
export function parseMembers(text: string): { cluster_id: string; members: Member[] } {
  const exact = text.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"');
  const out = parse(exact, 'member list');
  const members = ((out.members ?? []) as Record<string, any>[]).map((m) => ({
    id: hex(m.ID),
    name: m.name ?? '',
    peer_urls: m.peerURLs ?? [],
    client_urls: m.clientURLs ?? [],
    is_learner: m.isLearner === true,
  }));
  return { cluster_id: hex(out.header.cluster_id), members };
}

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  error?: string;
}

/** `endpoint health -w json`: one entry per endpoint. */
export function parseHealth(text: string): EndpointHealth[] {
  return (parse(text, 'endpoint health') as EndpointHealth[]).map((h) => ({
    endpoint: h.endpoint,
    health: h.health === true,
    ...(h.error ? { error: h.error } : {}),
  }));
}
