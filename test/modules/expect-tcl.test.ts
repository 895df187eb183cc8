// expect on a host without python3: the Tcl `expect` program drives the
// command (src/pty/expect-tcl.ts). Run on this machine through the module
// harness with a PATH that holds no python3 (only sh, expect, kill and stty);
// the same cases with the full PATH go through the python3 runner, and both
// must give the same result. Without the expect package (test/lab/install-packages.sh
// installs it) the Tcl cases fail under CI and are skipped elsewhere.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Connection, ExecOptions, ExecResult } from '../../src/connection/connection.js';
import { LocalConnection } from '../../src/connection/local.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { parseTclOutput, pyBytesRepr, pyDelta, tclInput } from '../../src/pty/expect-tcl.js';
import expectModule from '../../modules/expect.js';
import { makeContext } from './module-harness.js';

const hasExpect = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v expect'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (process.env.CI === 'true' && !hasExpect) throw new Error('the expect program is missing: run test/lab/install-packages.sh');

const work = mkdtempSync(join(tmpdir(), 'tsplay-expect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PATH directory with only these tools (each found in the real PATH). */
function pathWith(tools: string[]): string {
  const bin = mkdtempSync(join(work, 'bin-'));
  for (const t of tools) {
    const real = execFileSync('sh', ['-c', `command -v ${t}`]).toString().trim();
    symlinkSync(real, join(bin, t));
  }
  return bin;
}

/** This machine, commands run with `path` as PATH (undefined: unchanged); what was sent is kept. */
class Host implements Connection {
  readonly sent: { command: string; stdin?: string; stdout: string }[] = [];
  private readonly machine = new LocalConnection('localhost');
  readonly host = 'localhost';
  constructor(private readonly path?: string) {}
  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    const res = await this.machine.exec(this.path ? `PATH=${this.path}; export PATH; ${command}` : command, options);
    this.sent.push({ command, stdin: options?.stdin?.toString(), stdout: res.stdout });
    return res;
  }
  async close(): Promise<void> {}
}

async function run(host: Host, args: Record<string, unknown>) {
  const checked = checkArgs(expectModule, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const ctx = { ...makeContext(checked.args), conn: host };
  try {
    const { plan } = await planAndApply(expectModule, ctx, false);
    return { ok: true, result: plan.result ?? {} };
  } catch (e) {
    return { ok: false, message: (e as Error).message, result: (e as { result?: Record<string, unknown> }).result ?? {} };
  }
}

/** What a result says that does not depend on time. */
const timeless = (r: { ok: boolean; message?: string; result: Record<string, unknown> }) => {
  const { start, end, delta, ...rest } = r.result;
  return { ok: r.ok, message: r.message, result: rest, timed: [typeof start, typeof end, typeof delta] };
};

const usedTcl = (host: Host) => host.sent.some((s) => s.stdout.startsWith('@@tsplay-expect-tcl@@'));

const CASES: [string, Record<string, unknown>][] = [
  ['an answer without echo, non-zero exit', { command: `/bin/sh -c 'printf "Pass? "; read p; echo "len \${#p}"; exit 4'`, responses: { 'Pass\\?': 's3cret' } }],
  ['echo shows the answer', { command: `/bin/sh -c 'printf "Q? "; read a; echo "a=$a"'`, responses: { 'Q\\?': 'x' }, echo: true }],
  ['a question nobody answers times out', { command: `/bin/sh -c 'printf "Q? "; read a'`, responses: { nothing: 'x' }, timeout: 1 }],
  ['a list of answers runs out', { command: `/bin/sh -c 'printf "Q? "; read a; printf "Q? "; read b; echo $a$b'`, responses: { 'Q\\?': ['1'] } }],
  ['answers in turn, the earliest match first', {
    command: `/bin/sh -c 'printf "user: "; read u; printf "pass: "; read p; printf "user: "; read v; echo "$u/$p/$v"'`,
    responses: { 'pass:': 'pw', 'user:': ['alice', 'bob'] },
  }],
  ['a command that does not exist', { command: 'no-such-program-here --x', responses: {} }],
  ['answers that look like shell or Tcl reach the program as typed', {
    command: `/bin/sh -c 'printf "A? "; read -r a; printf "%s|" "$a"; printf "B? "; read -r b; printf "%s\\n" "$b"'`,
    responses: { 'A\\?': '$(id) [exec touch PWNED] {x} "q" \'s\' \\n', 'B\\?': 'héllo ✓' },
  }],
  ['chdir, and answers that are a number and a boolean', { command: `/bin/sh -c 'printf "N? "; read n; printf "B? "; read b; echo "$n $b \${PWD##*/}"'`, responses: { 'N\\?': [7], 'B\\?': true }, chdir: '/usr' }],
];

describe.skipIf(!hasExpect && process.env.CI !== 'true')('expect without python3 (the Tcl expect program)', () => {
  const tcl = new Host(pathWith(['sh', 'expect', 'kill', 'stty']));
  const python = new Host();
  for (const [name, args] of CASES) {
    it(`${name}: the same result as the python3 runner`, async () => {
      tcl.sent.length = 0;
      python.sent.length = 0;
      const viaTcl = await run(tcl, args);
      const viaPython = await run(python, args);
      expect(usedTcl(tcl)).toBe(true);
      expect(usedTcl(python)).toBe(false);
      expect(timeless(viaTcl)).toEqual(timeless(viaPython));
      // The answers go on stdin, never on the command line.
      for (const answers of Object.values(args.responses as Record<string, unknown>)) {
        for (const a of [answers].flat().filter((x) => String(x).length > 3)) {
          expect(tcl.sent.every((s) => !s.command.includes(String(a)) && s.stdin !== undefined)).toBe(true);
        }
      }
    }, 60_000);
  }

  it('the results that matter, as Ansible reports them', async () => {
    const [, pass] = CASES[0]!;
    expect(await run(tcl, pass)).toMatchObject({ ok: false, message: 'non-zero return code', result: { rc: 4, stdout: 'Pass? len 6' } });
    expect(await run(tcl, CASES[2]![1])).toMatchObject({ ok: false, message: 'command exceeded timeout', result: { rc: null, stdout: 'Q? ' } });
    expect((await run(tcl, CASES[3]![1])).message).toBe("No remaining responses for 'Q\\?', output was 'b' Q?''");
    expect((await run(tcl, CASES[4]![1])).result.stdout).toBe('user: pass: user: alice/pw/bob');
    expect((await run(tcl, CASES[5]![1])).message).toBe('The command was not found or was not executable: no-such-program-here.');
    const quoted = await run(tcl, CASES[6]![1]);
    expect(quoted.result.stdout).toBe('A? $(id) [exec touch PWNED] {x} "q" \'s\' \\n|B? héllo ✓');
    expect(existsSync('PWNED')).toBe(false);
    expect((await run(tcl, CASES[7]![1])).result.stdout).toBe('N? B? 7 True usr');
  }, 60_000);

  it('a host with neither python3 nor expect is told what it lacks', async () => {
    const bare = new Host(pathWith(['sh']));
    const r = await run(bare, { command: '/bin/true', responses: {} });
    expect(r).toMatchObject({ ok: false });
    expect(r.message).toMatch(/needs python3 or the expect program \(Tcl\) on the host, and it has neither/);
  });
});

describe('the Tcl runner protocol', () => {
  it('sends every value base64 on its own line after the python runner\'s line', () => {
    const input = tclInput(['/bin/x', 'a b'], [['P\\?', 's'], ['Q', ['1', '2']]], null, true);
    const b = (v: string) => Buffer.from(v).toString('base64');
    expect(input).toBe(['-1', '1', '2', b('/bin/x'), b('a b'), '2', b('P\\?'), '0', '1', b('s'), b('Q'), '1', '2', b('1'), b('2')].join('\n') + '\n');
  });
  it('reads the runner\'s lines', () => {
    const out = `out=${Buffer.from('Q? x\r\n').toString('base64')}\nrc=3\nstart=2026-01-01 00:00:00.000001\nend=2026-01-01 00:00:01.5\nus=1500000\n`;
    expect(parseTclOutput(out)).toEqual({ out: Buffer.from('Q? x\r\n'), rc: 3, start: '2026-01-01 00:00:00.000001', end: '2026-01-01 00:00:01.5', delta: '0:00:01.500000' });
    expect(parseTclOutput('rc=none\nus=0\n')?.rc).toBeNull();
    expect(parseTclOutput('garbage')).toBeUndefined();
  });
  it('formats Python\'s timedelta and bytes repr', () => {
    expect(pyDelta(3_723_000_001)).toBe('1:02:03.000001');
    expect(pyDelta(2_000_000)).toBe('0:00:02');
    expect(pyBytesRepr(Buffer.from("it's \\ \n\x01é"))).toBe('b"it\'s \\\\ \\n\\x01\\xc3\\xa9"');
  });
});
