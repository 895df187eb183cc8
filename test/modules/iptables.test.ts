// iptables: the rule's words in Ansible's order (its `rule` return value),
// and the commands the module sends (a scripted connection); each sent
// command run through sh with a stand-in iptables shows how it is quoted.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import iptables from '../../modules/iptables.js';
import { ruleWords, type RuleOptions } from '../../src/firewall/iptables-rule.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { ScriptedConnection, type Expectation } from '../host/scripted-connection.js';
import { makeContext, tempDir } from './module-harness.js';

const base: RuleOptions = { ip_version: 'ipv4', match: [], destination_ports: [], ctstate: [], syn: 'ignore' };

describe('iptables rule words (as Ansible 2.14 orders them)', () => {
  const cases: [string, Partial<RuleOptions>, string][] = [
    ['protocol, port, jump', { protocol: 'tcp', destination_port: '80', jump: 'ACCEPT' }, '-p tcp -j ACCEPT --destination-port 80'],
    ['negated source', { source: '!10.0.0.0/8', jump: 'DROP' }, '! -s 10.0.0.0/8 -j DROP'],
    ['ctstate without a match: conntrack', { ctstate: ['NEW', 'ESTABLISHED'] }, '-m conntrack --ctstate NEW,ESTABLISHED'],
    ['ctstate with match state', { match: ['state'], ctstate: ['NEW'] }, '-m state --state NEW'],
    ['multiport', { destination_ports: ['53', '5353'], protocol: 'udp' }, '-p udp -m multiport --dports 53,5353'],
    ['comment last', { comment: 'a "b"', jump: 'LOG', log_prefix: 'x ' }, '-j LOG --log-prefix x  -m comment --comment a "b"'],
    ['reject_with without jump', { reject_with: 'tcp-reset' }, '-j REJECT --reject-with tcp-reset'],
    ['reject_with with a jump', { reject_with: 'tcp-reset', jump: 'REJECT' }, '-j REJECT --reject-with tcp-reset'],
    ['icmpv6', { ip_version: 'ipv6', icmp_type: 'echo-request' }, '--icmpv6-type echo-request'],
    ['syn negated', { syn: 'negate', protocol: 'tcp' }, '-p tcp ! --syn'],
    ['iprange', { src_range: '10.0.0.1-10.0.0.9' }, '-m iprange --src-range 10.0.0.1-10.0.0.9'],
    ['set with flags', { match_set: 'admins', match_set_flags: 'src' }, '-m set --match-set admins src'],
    ['limit and owner', { limit: '5/s', uid_owner: '!0' }, '-m limit --limit 5/s -m owner ! --uid-owner 0'],
    ['tcp flags', { tcp_flags: { flags: ['ALL'], flags_set: ['ACK', 'SYN'] } }, '--tcp-flags ALL ACK,SYN'],
  ];
  it.each(cases)('%s', (_name, options, rule) => {
    expect(ruleWords({ ...base, ...options }).join(' ')).toBe(rule);
  });
});

async function planWith(args: Record<string, unknown>, script: Expectation[], check = true) {
  const conn = new ScriptedConnection(script);
  const checked = checkArgs(iptables, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = { ...makeContext(checked.args as never), conn, check };
  const out = await planAndApply(iptables, ctx, check);
  return { ...out, conn };
}

/** What a sent command runs: sh with a stand-in iptables that logs each call's argv. */
function argvOf(command: string): string[] {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'iptables'), `#!/bin/sh\n{ printf "[%s]" "$@"; echo; } >> ${dir}/argv\nexit 1\n`, { mode: 0o755 });
    execFileSync('/bin/sh', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    return readFileSync(join(dir, 'argv'), 'utf8').split('\n').filter((l) => l !== '');
  } finally {
    cleanup();
  }
}

describe('iptables module', () => {
  it('checks with -C and lists the chain in one probe; appends in check mode only as a prediction', async () => {
    const { plan, conn } = await planWith(
      { chain: 'INPUT', protocol: 'tcp', destination_port: 22, comment: "it's $(reboot)", jump: 'ACCEPT' },
      [{ match: '-C', reply: { stdout: '@check 1\n@list 0\nChain INPUT (policy ACCEPT)\n' } }],
    );
    expect(conn.done).toBe(true);
    expect(plan.changed).toBe(true);
    expect(plan.result).toMatchObject({ chain: 'INPUT', table: 'filter', state: 'present', flush: false, chain_management: false, ip_version: 'ipv4' });
    expect(plan.steps!.map((s) => s.summary)).toEqual([`iptables -t filter -A INPUT -p tcp -j ACCEPT --destination-port 22 -m comment --comment it's $(reboot)`]);
    // The probe, run by sh: the comment stays one word.
    expect(argvOf(conn.sent[0]!)[0]).toBe(`[-t][filter][-C][INPUT][-p][tcp][-j][ACCEPT][--destination-port][22][-m][comment][--comment][it's $(reboot)]`);
  });

  it('is ok when -C finds the rule, and deletes it for state=absent', async () => {
    const present = '@check 0\n@list 0\nChain INPUT (policy ACCEPT)\n';
    expect((await planWith({ chain: 'INPUT', jump: 'DROP', source: '1.2.3.4' }, [{ match: '-C', reply: { stdout: present } }])).plan.changed).toBe(false);
    const gone = await planWith({ chain: 'INPUT', jump: 'DROP', source: '1.2.3.4', state: 'absent' }, [{ match: '-C', reply: { stdout: present } }]);
    expect(gone.plan.steps!.map((s) => s.summary)).toEqual(['iptables -t filter -D INPUT -s 1.2.3.4 -j DROP']);
  });

  it('makes a missing chain with chain_management, inserts at rule_num', async () => {
    const { plan } = await planWith(
      { chain: 'MINE', chain_management: true, action: 'insert', rule_num: 2, jump: 'RETURN' },
      [{ match: '-C', reply: { stdout: '@check 1\n@list 1\niptables: No chain/target/match by that name.\n' } }],
    );
    expect(plan.steps!.map((s) => s.summary)).toEqual(['iptables -t filter -N MINE', 'iptables -t filter -I MINE 2 -j RETURN']);
  });

  it("sets a policy only when it differs; fails when it can't be read", async () => {
    const listing = (p: string) => [{ match: '-L', reply: { stdout: `@check 1\n@list 0\nChain FORWARD (policy ${p})\n` } }];
    expect((await planWith({ chain: 'FORWARD', policy: 'DROP' }, listing('DROP'))).plan.changed).toBe(false);
    const set = await planWith({ chain: 'FORWARD', policy: 'DROP', table: 'filter' }, listing('ACCEPT'));
    expect(set.plan.steps!.map((s) => s.summary)).toEqual(['iptables -t filter -P FORWARD DROP']);
    await expect(planWith({ chain: 'X', policy: 'DROP' }, [{ match: '-L', reply: { stdout: '@check 1\n@list 0\nChain X (1 references)\n' } }])).rejects.toThrow(
      "Can't detect current policy",
    );
  });

  it('flushes without a probe, and reports an existing chain as changed for state=absent without a rule', async () => {
    const flush = await planWith({ flush: true, table: 'nat' }, []);
    expect(flush.plan.steps!.map((s) => s.summary)).toEqual(['iptables -t nat -F']);
    const chain = await planWith({ chain: 'MINE', state: 'absent' }, [{ match: '-L', reply: { stdout: '@check 1\n@list 0\nChain MINE (0 references)\n' } }]);
    expect(chain.plan.changed).toBe(true);
    expect(chain.plan.steps).toEqual([]);
  });

  it('refuses what Ansible refuses', async () => {
    await expect(planWith({ jump: 'ACCEPT' }, [])).rejects.toThrow('Either chain or flush parameter must be specified.');
    await expect(planWith({ chain: 'INPUT', jump: 'DROP', log_prefix: 'x' }, [])).rejects.toThrow('Logging options can only be used with the LOG jump target.');
    expect(checkArgs(iptables, { chain: 'INPUT', flush: true, policy: 'DROP' }).ok).toBe(false);
    expect(checkArgs(iptables, { chain: 'INPUT', policy: 'DROP' }).ok).toBe(true);
    expect(checkArgs(iptables, { chain: 'INPUT', jump: 'TEE' }).ok).toBe(false);
  });
});
