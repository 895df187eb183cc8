// iptables: one rule present or absent in a chain (checked with `iptables -C`),
// a chain's policy, a flush, or a chain made or deleted, as Ansible 2.14's
// iptables module decides them. One probe (the rule's check and the chain's
// listing), then the one command that makes the change.
import { ModuleFailure, planOfSteps, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { probe, type Step } from '../src/host/run.js';
import { quoteArgv, raw } from '../src/host/shell.js';
import { ruleWords, type RuleOptions } from '../src/firewall/iptables-rule.js';

interface IptablesArgs extends RuleOptions {
  table: string;
  state: 'present' | 'absent';
  action: 'append' | 'insert';
  chain?: string;
  rule_num?: string;
  flush?: boolean;
  policy?: string;
  chain_management: boolean;
}

const binary = (a: IptablesArgs): string => (a.ip_version === 'ipv6' ? 'ip6tables' : 'iptables');

/** `iptables -t TABLE ACTION [CHAIN] [RULE_NUM] [RULE...]` (no chain word when none is given, for a flush). */
function command(a: IptablesArgs, action: string, rule: string[] = []): string[] {
  const num = action === '-I' && a.rule_num ? [a.rule_num] : [];
  return [binary(a), '-t', a.table, action, ...(a.chain !== undefined ? [a.chain] : []), ...num, ...rule];
}

const step = (argv: string[]): Step => ({ summary: argv.join(' '), command: argv });

interface ChainProbe {
  /** `-C`: the rule is there. */
  rulePresent: boolean;
  /** `-L CHAIN` worked. */
  chainPresent: boolean;
  /** The listing's first line ("Chain INPUT (policy ACCEPT)"), or its error. */
  header: string;
  listError: string;
}

async function readChain(ctx: ModuleContext<IptablesArgs>, rule?: string[]): Promise<ChainProbe> {
  const a = ctx.args;
  // -n: no name lookups for the rules listed.
  const script = [
    rule ? `${quoteArgv(command(a, '-C', rule))} >/dev/null 2>&1; echo "@check $?"` : 'echo "@check 1"',
    `out=$(${quoteArgv(command(a, '-L'))} -n 2>&1); echo "@list $?"`,
    `printf '%s\\n' "$out"`,
  ].join('\n');
  const res = await probe(ctx.conn, raw(script));
  const [, check, list, ...rest] = /^@check (\d+)\n@list (\d+)\n([\s\S]*)$/.exec(res.stdout) ?? [];
  if (check === undefined) throw new ModuleFailure(`could not read the iptables chain: ${res.stderr.trim() || res.stdout.trim()}`);
  const output = rest.join('');
  return { rulePresent: check === '0', chainPresent: list === '0', header: output.split('\n')[0] ?? '', listError: list === '0' ? '' : output.trim() };
}

async function plan(ctx: ModuleContext<IptablesArgs>): Promise<Plan> {
  const a = ctx.args;
  const rule = ruleWords(a);
  const result: ModuleResult = {
    failed: false,
    ip_version: a.ip_version,
    table: a.table,
    chain: a.chain ?? null,
    flush: a.flush ?? false,
    rule: rule.join(' '),
    state: a.state,
    chain_management: a.chain_management,
  };
  if (!a.flush && a.chain === undefined) throw new ModuleFailure('Either chain or flush parameter must be specified.');
  let jump = a.jump;
  if (a.log_prefix || a.log_level) {
    if (jump === undefined) jump = 'LOG';
    else if (jump !== 'LOG') throw new ModuleFailure('Logging options can only be used with the LOG jump target.');
  }
  const words = ruleWords({ ...a, jump });

  if (a.flush) return planOfSteps([step(command(a, '-F'))], result);
  if (a.policy) {
    const chain = await readChain(ctx);
    if (!chain.chainPresent) throw new ModuleFailure(chain.listError);
    const current = /\(policy ([A-Z]+)\)/.exec(chain.header)?.[1];
    if (!current) throw new ModuleFailure("Can't detect current policy");
    return planOfSteps(current !== a.policy ? [step([...command(a, '-P'), a.policy])] : [], result);
  }
  if (a.state === 'absent' && rule.length === 0) {
    // Ansible reports a chain that is there as a change, and deletes it only with chain_management.
    const chain = await readChain(ctx);
    if (!chain.chainPresent) return planOfSteps([], result);
    const steps = a.chain_management ? [step(command(a, '-X'))] : [];
    return { changed: true, steps, result: { ...result, changed: true } };
  }
  const chain = await readChain(ctx, words);
  const wanted = a.state === 'present';
  if (chain.rulePresent === wanted) return planOfSteps([], result);
  const steps: Step[] = [];
  if (wanted) {
    if (!chain.chainPresent && a.chain_management) steps.push(step(command(a, '-N')));
    steps.push(step(command(a, a.action === 'insert' ? '-I' : '-A', words)));
  } else steps.push(step(command(a, '-D', words)));
  return planOfSteps(steps, result);
}

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const list = (description: string) => ({ type: 'array', items: { type: 'string' }, default: [], description });

const iptables: Module<IptablesArgs> = {
  name: 'iptables',
  summary: 'Modify iptables rules',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      table: str('The table', { enum: ['filter', 'nat', 'mangle', 'raw', 'security'], default: 'filter' }),
      state: str('Whether the rule should be there', { enum: ['absent', 'present'], default: 'present' }),
      action: str('Append the rule, or insert it (at rule_num, else first)', { enum: ['append', 'insert'], default: 'append' }),
      ip_version: str('iptables or ip6tables', { enum: ['ipv4', 'ipv6'], default: 'ipv4' }),
      chain: str('The chain'),
      rule_num: str('Where an inserted rule goes'),
      protocol: str('-p: the protocol (! to negate)'),
      wait: str('-w: seconds to wait for the xtables lock'),
      source: str('-s: source address'),
      to_source: str('--to-source (SNAT)'),
      destination: str('-d: destination address'),
      to_destination: str('--to-destination (DNAT)'),
      match: list('-m: extensions to load'),
      tcp_flags: {
        type: 'object',
        description: '--tcp-flags: flags examined and flags set',
        properties: { flags: { type: 'array', items: { type: 'string' } }, flags_set: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
      jump: str('-j: the target'),
      gateway: str('--gateway (TEE)'),
      log_prefix: str('--log-prefix (LOG)'),
      log_level: str('--log-level (LOG)', {
        enum: ['0', '1', '2', '3', '4', '5', '6', '7', 'emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'],
      }),
      goto: str('-g: continue in this chain'),
      in_interface: str('-i: incoming interface'),
      out_interface: str('-o: outgoing interface'),
      fragment: str('-f: fragments'),
      set_counters: str('-c: packet and byte counters'),
      source_port: str('--source-port'),
      destination_port: str('--destination-port'),
      destination_ports: list('--dports (multiport)'),
      to_ports: str('--to-ports'),
      set_dscp_mark: str('--set-dscp'),
      set_dscp_mark_class: str('--set-dscp-class'),
      comment: str('--comment'),
      ctstate: list('--ctstate (conntrack) or --state'),
      src_range: str('--src-range (iprange)'),
      dst_range: str('--dst-range (iprange)'),
      match_set: str('--match-set (set)'),
      match_set_flags: str('The set flags', { enum: ['src', 'dst', 'src,dst', 'dst,src'] }),
      limit: str('--limit'),
      limit_burst: str('--limit-burst'),
      uid_owner: str('--uid-owner'),
      gid_owner: str('--gid-owner'),
      reject_with: str('--reject-with (jump REJECT when no jump is given)'),
      icmp_type: str('--icmp-type / --icmpv6-type'),
      syn: str('--syn', { enum: ['ignore', 'match', 'negate'], default: 'ignore' }),
      // No schema default: Ansible's flush|policy exclusion counts only what the task sets.
      flush: { type: 'boolean', description: 'Flush the chain (or the whole table); default false' },
      policy: str("The chain's policy", { enum: ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'] }),
      chain_management: { type: 'boolean', default: false, description: 'Create a missing chain for a rule; delete the chain with state=absent and no rule' },
    },
  },
  rules: {
    mutuallyExclusive: [['set_dscp_mark', 'set_dscp_mark_class'], ['flush', 'policy']],
    requiredIf: [['jump', 'TEE', ['gateway']], ['jump', 'tee', ['gateway']]],
  },
  plan,
};

export default iptables;
