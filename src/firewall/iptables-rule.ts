// An iptables rule's words from the iptables module's options, in the order
// Ansible 2.14 puts them (its `rule` return value, and what -C/-A/-I/-D get).

export interface RuleOptions {
  ip_version: 'ipv4' | 'ipv6';
  wait?: string;
  protocol?: string;
  source?: string;
  destination?: string;
  match: string[];
  tcp_flags?: { flags?: string[]; flags_set?: string[] };
  jump?: string;
  gateway?: string;
  log_prefix?: string;
  log_level?: string;
  to_destination?: string;
  destination_ports: string[];
  to_source?: string;
  goto?: string;
  in_interface?: string;
  out_interface?: string;
  fragment?: string;
  set_counters?: string;
  source_port?: string;
  destination_port?: string;
  to_ports?: string;
  set_dscp_mark?: string;
  set_dscp_mark_class?: string;
  syn: 'ignore' | 'match' | 'negate';
  ctstate: string[];
  src_range?: string;
  dst_range?: string;
  match_set?: string;
  match_set_flags?: string;
  limit?: string;
  limit_burst?: string;
  uid_owner?: string;
  gid_owner?: string;
  reject_with?: string;
  icmp_type?: string;
  comment?: string;
}

/** `flag value`, or `! flag value` for a value written `!value`. */
function param(rule: string[], value: string | undefined | null, flag: string): void {
  if (value === undefined || value === null) return;
  if (value.startsWith('!')) rule.push('!', flag, value.slice(1));
  else rule.push(flag, value);
}

function matchFlag(rule: string[], value: string | undefined, flag: string, negatable: boolean): void {
  if (value === 'match') rule.push(flag);
  else if (negatable && value === 'negate') rule.push('!', flag);
}

function csv(rule: string[], values: string[] | undefined, flag: string): void {
  if (values && values.length > 0) rule.push(flag, values.join(','));
}

function match(rule: string[], when: unknown, name: string): void {
  if (when && !(Array.isArray(when) && when.length === 0)) rule.push('-m', name);
}

/** The rule's words (without table, action and chain). */
export function ruleWords(o: RuleOptions): string[] {
  const r: string[] = [];
  if (o.wait) r.push('-w', o.wait);
  param(r, o.protocol, '-p');
  param(r, o.source, '-s');
  param(r, o.destination, '-d');
  for (const m of o.match) param(r, m, '-m');
  if (o.tcp_flags?.flags && o.tcp_flags.flags_set) r.push('--tcp-flags', o.tcp_flags.flags.join(','), o.tcp_flags.flags_set.join(','));
  param(r, o.jump, '-j');
  if (o.jump?.toLowerCase() === 'tee') param(r, o.gateway, '--gateway');
  param(r, o.log_prefix, '--log-prefix');
  param(r, o.log_level, '--log-level');
  param(r, o.to_destination, '--to-destination');
  match(r, o.destination_ports, 'multiport');
  csv(r, o.destination_ports, '--dports');
  param(r, o.to_source, '--to-source');
  param(r, o.goto, '-g');
  param(r, o.in_interface, '-i');
  param(r, o.out_interface, '-o');
  param(r, o.fragment, '-f');
  param(r, o.set_counters, '-c');
  param(r, o.source_port, '--source-port');
  param(r, o.destination_port, '--destination-port');
  param(r, o.to_ports, '--to-ports');
  param(r, o.set_dscp_mark, '--set-dscp');
  param(r, o.set_dscp_mark_class, '--set-dscp-class');
  matchFlag(r, o.syn, '--syn', true);
  // Ansible's `'x' in match` is a list membership test.
  if (o.match.includes('conntrack')) csv(r, o.ctstate, '--ctstate');
  else if (o.match.includes('state')) csv(r, o.ctstate, '--state');
  else if (o.ctstate.length > 0) {
    match(r, o.ctstate, 'conntrack');
    csv(r, o.ctstate, '--ctstate');
  }
  if (o.match.includes('iprange') || o.src_range || o.dst_range) {
    if (!o.match.includes('iprange')) match(r, true, 'iprange');
    param(r, o.src_range, '--src-range');
    param(r, o.dst_range, '--dst-range');
  }
  if (o.match.includes('set') || o.match_set) {
    if (!o.match.includes('set')) match(r, true, 'set');
    param(r, o.match_set, '--match-set');
    // The flags (src, dst...) follow as a word of their own.
    if (o.match_set_flags) r.push(o.match_set_flags);
  }
  match(r, o.limit || o.limit_burst, 'limit');
  param(r, o.limit, '--limit');
  param(r, o.limit_burst, '--limit-burst');
  match(r, o.uid_owner, 'owner');
  matchFlag(r, o.uid_owner, '--uid-owner', true);
  param(r, o.uid_owner, '--uid-owner');
  match(r, o.gid_owner, 'owner');
  matchFlag(r, o.gid_owner, '--gid-owner', true);
  param(r, o.gid_owner, '--gid-owner');
  if ((o.jump === undefined || o.jump === null) && o.reject_with) r.push('-j', 'REJECT');
  param(r, o.reject_with, '--reject-with');
  param(r, o.icmp_type, o.ip_version === 'ipv6' ? '--icmpv6-type' : '--icmp-type');
  match(r, o.comment, 'comment');
  param(r, o.comment, '--comment');
  return r;
}
