// iplink (tsplay's own, in Ansible's style): a network link (bridge, veth,
// vxlan, vlan, dummy, or any type `ip` knows), its MTU, MAC, master, addresses
// and up/down, with iproute2 on the host, optionally inside a namespace
// (`netns`). One probe reads the link; only what differs is changed.
// `present` creates a missing link (down, as `ip link add` makes it) and never
// changes an existing link's up/down; `up` and `down` set it. The result names
// the changes and the link after; --diff shows it before and after.
import { planOfSteps, type Module, type Plan } from '../src/module-api/module-types.js';
import { runSteps } from '../src/host/run.js';
import { raw } from '../src/host/shell.js';
import { linkFacts, linkProbeScript, parseLinkProbe, readLink, renderLink, type LinkState } from '../src/net/ip-link.js';
import { linkPlan, type LinkArgs } from '../src/net/link-plan.js';

type Before = { before?: LinkState };

const diffOf = (name: string, before?: LinkState, after?: LinkState) => [
  { before: renderLink(before), after: renderLink(after), before_header: `${name} (before)`, after_header: `${name} (after)` },
];

const iplink: Module<LinkArgs, Before> = {
  name: 'iplink',
  summary: 'Manage network links (bridge, veth, vxlan, vlan, dummy) with ip link (tsplay\'s own)',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      state: { type: 'string', enum: ['present', 'absent', 'up', 'down'], default: 'present' },
      type: { type: 'string' },
      peer: { type: 'string' },
      vni: { type: 'integer' },
      dev: { type: 'string' },
      dstport: { type: 'integer' },
      local: { type: 'string' },
      group: { type: 'string' },
      link: { type: 'string' },
      vlan_id: { type: 'integer' },
      mtu: { type: 'integer' },
      address: { type: 'string' },
      master: { type: 'string' },
      addresses: { type: 'array', items: { type: 'string' } },
      addresses_exclusive: { type: 'boolean', default: false },
      netns: { type: 'string' },
    },
    required: ['name'],
  },
  optionAliases: { ifname: 'name', peer_name: 'peer', vxlan_id: 'vni', parent: 'link', mac: 'address', namespace: 'netns' },
  rules: {
    requiredIf: [
      ['type', 'veth', ['peer']],
      ['type', 'vxlan', ['vni']],
      ['type', 'vlan', ['link', 'vlan_id']],
    ],
  },
  async plan(ctx) {
    const a = ctx.args;
    const before = await readLink(ctx.conn, a.name, a.netns);
    const { steps, after } = linkPlan(a, before);
    const result = { name: a.name, changes: steps.map((s) => s.summary), link: linkFacts(after) };
    return planOfSteps(steps, result, { state: { before }, diff: steps.length ? diffOf(a.name, before, after) : [] });
  },
  // The steps, then the link read again in the same round trip: the result shows it as it is.
  async apply(ctx, plan: Plan<Before>) {
    const a = ctx.args;
    const read = { summary: `read ${a.name}`, command: raw(linkProbeScript(a.name, a.netns)) };
    const outs = await runSteps(ctx.conn, [...(plan.steps ?? []), read]);
    const after = parseLinkProbe(outs.at(-1)?.stdout ?? '');
    return { result: { ...plan.result, changed: true, link: linkFacts(after) }, diff: diffOf(a.name, plan.state?.before, after) };
  },
};

export default iplink;
