// What the iplink module decides: from the link as found (ip-link.ts) and the
// task's options, the `ip` commands that change only what differs, in order
// (create; mtu, MAC, master; addresses, removals first; up/down), and the
// link as it will be. `present` leaves an existing link's up/down alone and a
// new one down, as `ip link add` makes it: `up`/`down` are the states that set it.
import { ModuleFailure } from '../module-api/module-types.js';
import type { Step } from '../host/run.js';
import { canonicalCidr, ipCommand, ipv4Subnet, type LinkState } from './ip-link.js';

export interface LinkArgs {
  name: string;
  state: 'present' | 'absent' | 'up' | 'down';
  /** Not checked against a list: `ip` says what it does not know. */
  type?: string;
  peer?: string;
  vni?: number;
  dev?: string;
  dstport?: number;
  local?: string;
  group?: string;
  /** The parent link (vlan, macvlan...). */
  link?: string;
  vlan_id?: number;
  mtu?: number;
  address?: string;
  /** '' takes the link out of its master. */
  master?: string;
  addresses?: string[];
  addresses_exclusive: boolean;
  netns?: string;
}

/** vxlan's port when the task names none (IANA's; the kernel's own default is 8472). */
const VXLAN_PORT = 4789;

/** A step whose failure is `ip`'s own message after the summary. */
function ipStep(a: LinkArgs, summary: string, ...words: string[]): Step {
  return {
    summary,
    command: ipCommand(a.netns, ...words),
    failure: (res) => `${summary}: ${res.stderr.trim() || res.stdout.trim() || `exit code ${res.rc}`}`,
  };
}

/** `ip link add` with what the type needs; only the options given are passed. */
function createStep(a: LinkArgs, type: string): Step {
  const opt = (word: string, value: string | number | undefined) => (value === undefined ? [] : [word, String(value)]);
  const byType: Record<string, string[]> = {
    veth: ['peer', 'name', a.peer ?? ''],
    vxlan: [...opt('id', a.vni), ...opt('dev', a.dev), ...opt('dstport', a.dstport ?? VXLAN_PORT), ...opt('local', a.local), ...opt('group', a.group)],
    vlan: opt('id', a.vlan_id),
  };
  return ipStep(a, `create ${type} ${a.name}`, 'link', 'add', ...opt('link', a.link), 'name', a.name, 'type', type, ...(byType[type] ?? []));
}

/** Why an existing link cannot be what the task asks without deleting it first. */
function creationConflict(a: LinkArgs, found: LinkState): string | undefined {
  const differs = (what: string, has: unknown, wanted: unknown) =>
    wanted !== undefined && has !== wanted ? `${what} ${String(has ?? 'none')}, not ${String(wanted)}` : undefined;
  const conflict =
    differs('type', found.kind ?? 'device', a.type) ??
    (found.kind === 'vxlan' ? differs('vni', found.vni, a.vni) ?? differs('dstport', found.dstport, a.dstport) : undefined) ??
    (found.kind === 'vlan' ? differs('vlan_id', found.vlanId, a.vlan_id) ?? differs('link', found.parent, a.link) : undefined);
  return conflict && `link ${a.name} exists with ${conflict}; delete it first (state: absent)`;
}

export interface LinkPlan {
  steps: Step[];
  /** The link once the steps have run (what is unknown before creation, e.g. its MAC, left out). */
  after?: LinkState;
}

export function linkPlan(a: LinkArgs, found: LinkState | undefined): LinkPlan {
  if (a.state === 'absent') return { steps: found ? [ipStep(a, `delete ${a.name}`, 'link', 'del', 'dev', a.name)] : [] };
  const steps: Step[] = [];
  let before: LinkState;
  if (found) {
    const conflict = creationConflict(a, found);
    if (conflict) throw new ModuleFailure(conflict);
    before = found;
  } else {
    if (!a.type) throw new ModuleFailure(`link ${a.name} does not exist, and without a type it cannot be created`);
    steps.push(createStep(a, a.type));
    before = { name: a.name, kind: a.type, up: false, addresses: [] };
  }
  const after: LinkState = { ...before, addresses: [...before.addresses] };
  const set = (summary: string, ...words: string[]) => steps.push(ipStep(a, summary, 'link', 'set', 'dev', a.name, ...words));

  if (a.mtu !== undefined && a.mtu !== before.mtu) {
    set(`set ${a.name} mtu ${a.mtu}`, 'mtu', String(a.mtu));
    after.mtu = a.mtu;
  }
  if (a.address !== undefined && a.address.toLowerCase() !== before.address) {
    set(`set ${a.name} address ${a.address.toLowerCase()}`, 'address', a.address.toLowerCase());
    after.address = a.address.toLowerCase();
  }
  if (a.master === '' && before.master !== undefined) {
    set(`remove ${a.name} from ${before.master}`, 'nomaster');
    delete after.master;
  } else if (a.master && a.master !== before.master) {
    set(`set ${a.name} master ${a.master}`, 'master', a.master);
    after.master = a.master;
  }

  const wanted = [...new Set((a.addresses ?? []).map(canonicalCidr))];
  const extra = a.addresses_exclusive ? before.addresses.filter((c) => !wanted.includes(c)) : [];
  for (const cidr of extra) steps.push(ipStep(a, `delete ${cidr} from ${a.name}`, 'addr', 'del', cidr, 'dev', a.name));
  // A kept address in a deleted one's subnet may go with it: put it back (replace: whether or not it went).
  const sharesDeleted = (c: string) => ipv4Subnet(c) !== undefined && extra.some((d) => ipv4Subnet(d) === ipv4Subnet(c));
  for (const cidr of wanted.filter((c) => before.addresses.includes(c) && sharesDeleted(c))) {
    steps.push(ipStep(a, `keep ${cidr} on ${a.name}`, 'addr', 'replace', cidr, 'dev', a.name));
  }
  for (const cidr of wanted.filter((c) => !before.addresses.includes(c))) {
    steps.push(ipStep(a, `add ${cidr} to ${a.name}`, 'addr', 'add', cidr, 'dev', a.name));
  }
  after.addresses = [...after.addresses.filter((c) => !extra.includes(c)), ...wanted.filter((c) => !after.addresses.includes(c))];

  const up = a.state === 'up' ? true : a.state === 'down' ? false : before.up;
  if (up !== before.up) set(`set ${a.name} ${up ? 'up' : 'down'}`, up ? 'up' : 'down');
  after.up = up;
  return { steps, after };
}
