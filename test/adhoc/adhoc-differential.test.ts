// `tsplay exec` side by side with `ansible` on the same ad-hoc commands: two
// hosts of a local inventory (-c local), each command run by both tools in
// fresh directories; the output (normalised as the differential harness does:
// the directory as OUT, times blanked, the hosts' entries sorted) and the exit
// code must be the same. Ansible's runs are recorded in recorded.json:
// `TSPLAY_ADHOC_RECORD=1 npx vitest run test/adhoc/adhoc-differential.test.ts`
// records them again (needs ansible-core), `TSPLAY_DIFF_LIVE=1` runs ansible
// instead of reading them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSIBLE_ENV, CLI, TSPLAY_ENV, runCommand } from '../differential/harness.js';
import { installedAnsibleCore, readRecording, recordingHash, writeRecording, type Recording } from '../differential/recording.js';

const INVENTORY = '[two]\nh1\nh2\n[two:vars]\nansible_python_interpreter=/usr/bin/python3\n';

/** Each case: its ad-hoc arguments (after the pattern), OUT standing for the run's directory; a case may run twice. */
const CASES: Record<string, { args: string[]; twice?: boolean }> = {
  command: { args: ['-a', 'echo hello {{ inventory_hostname }}'] },
  'command-default-module-k=v': { args: ['-m', 'command', '-a', 'chdir=/ pwd'] },
  shell: { args: ['-m', 'shell', '-a', 'echo out; echo err >&2'] },
  'shell-oneline': { args: ['-m', 'shell', '-a', 'echo out; echo two; echo err >&2', '-o'] },
  copy: { args: ['-m', 'copy', '-a', 'content=hello dest=OUT/{{ inventory_hostname }}.txt mode=0640'], twice: true },
  'file-check-diff': { args: ['-m', 'file', '-a', 'path=OUT/{{ inventory_hostname }}.d state=directory', '--check', '--diff'] },
  file: { args: ['-m', 'file', '-a', 'path=OUT/{{ inventory_hostname }}.d state=directory mode=0750'], twice: true },
  'file-json-args': { args: ['-m', 'file', '-a', '{"path": "OUT/{{ inventory_hostname }}.j", "state": "directory"}', '-o'] },
  ping: { args: ['-m', 'ping'] },
  'ping-oneline': { args: ['-m', 'ping', '-o'] },
  'failing-command': { args: ['-a', 'ls OUT/missing'] },
  'failing-command-oneline': { args: ['-a', 'ls OUT/missing', '-o'] },
  'failing-module': { args: ['-m', 'file', '-a', 'path=OUT/none state=file'] },
  'extra-vars': { args: ['-a', 'echo {{ greeting }}', '-e', 'greeting=bonjour'] },
  'check-command': { args: ['-a', 'touch OUT/nope', '--check'] },
  limit: { args: ['-a', 'echo limited', '-l', 'h2'] },
  'background-poll': { args: ['-a', 'echo in the background', '-B', '30', '-P', '1'] },
  'background-no-poll': { args: ['-m', 'shell', '-a', 'echo started > OUT/{{ inventory_hostname }}.bg', '-B', '30', '-P', '0', '-o'] },
  'poll-without-background': { args: ['-a', 'echo polled', '-P', '2'] },
};

interface Run {
  code: number;
  stdout: string[];
}
type AdhocRecording = Recording<Record<string, Run[]>>;

const RECORDED = join(fileURLToPath(import.meta.url), '..', 'recorded.json');
const LIVE = process.env.TSPLAY_DIFF_LIVE === '1';
const RECORD = process.env.TSPLAY_ADHOC_RECORD === '1';
const hash = recordingHash([INVENTORY, JSON.stringify(CASES)]);

/**
 * The output as compared: OUT for the directory, times blanked, each host's
 * entry (its line and the lines under it) sorted. copy's `src` when it is
 * Ansible's own temporary file (content=) is dropped: tsplay has none.
 */
export function normalize(stdout: string, dir: string): string[] {
  const text = stdout
    .split(dir).join('OUT')
    .replace(/"(start|end)": "[^"]*"/g, '"$1": "T"')
    .replace(/"delta": "[^"]*"/g, '"delta": "D"')
    .replace(/j\d+\.\d+/g, 'JID')
    .replace(/\n *"src": "[^"]*\/\.ansible\/tmp\/[^"]*",/g, '')
    .replace(/"src": "[^"]*\/\.ansible\/tmp\/[^"]*",/g, '');
  const entries: string[][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (/^\S+ \| /.test(line) || /^--- before/.test(line) || entries.length === 0) {
      // A diff opens its host's entry; the host's line then joins it.
      const last = entries.at(-1);
      if (/^\S+ \| /.test(line) && last?.[0]?.startsWith('--- before') && !last.some((l) => /^\S+ \| /.test(l))) last.push(line);
      else entries.push([line]);
    } else entries.at(-1)!.push(line);
  }
  return entries.sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1)).flat();
}

async function runTool(tool: 'ansible' | 'tsplay', args: string[], times: number): Promise<Run[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-adhoc-'));
  try {
    writeFileSync(join(dir, 'inventory.ini'), INVENTORY);
    const full = ['two', '-i', 'inventory.ini', '-c', 'local', ...args.map((a) => a.split('OUT').join(dir))];
    const runs: Run[] = [];
    for (let i = 0; i < times; i++) {
      const r =
        tool === 'ansible'
          ? await runCommand('ansible', full, { cwd: dir, env: { ...ANSIBLE_ENV, ANSIBLE_CONFIG: undefined }, timeoutMs: 120_000 })
          : await runCommand(process.execPath, [CLI, 'exec', ...full], { cwd: dir, env: { ...TSPLAY_ENV, ANSIBLE_CONFIG: undefined }, timeoutMs: 120_000 });
      runs.push({ code: r.code, stdout: normalize(r.stdout, dir) });
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const recorded: Record<string, Run[]> = {};
let recording: AdhocRecording | undefined = RECORD || LIVE ? undefined : readRecording(RECORDED);

afterAll(() => {
  if (!RECORD) return;
  writeRecording(RECORDED, { ansibleCore: installedAnsibleCore() ?? 'unknown', hash, runs: recorded });
});

describe('tsplay exec against ansible (ad-hoc, -c local, two hosts)', () => {
  it('has a recording of ansible made from these cases by the installed ansible-core', () => {
    if (RECORD || LIVE) return;
    expect(recording, `no ${RECORDED}: record it (see the top of this file)`).toBeDefined();
    expect(recording!.hash, 'the cases changed since they were recorded: record them again').toBe(hash);
    const core = installedAnsibleCore();
    if (core !== undefined) expect(recording!.ansibleCore).toBe(core);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: same output and exit code`, { timeout: 240_000 }, async () => {
      const times = c.twice ? 2 : 1;
      let expected: Run[];
      if (RECORD || LIVE) {
        expected = await runTool('ansible', c.args, times);
        recorded[name] = expected;
      } else {
        expected = recording?.runs[name] ?? [];
        expect(expected.length, `${name} is not recorded`).toBe(times);
      }
      const actual = await runTool('tsplay', c.args, times);
      for (let i = 0; i < times; i++) {
        const show = `run ${i + 1}\n--- ansible ---\n${expected[i]!.stdout.join('\n')}\n--- tsplay ---\n${actual[i]!.stdout.join('\n')}`;
        expect(actual[i]!.stdout, show).toEqual(expected[i]!.stdout);
        expect(actual[i]!.code, show).toBe(expected[i]!.code);
      }
      // Both tools say something: a case whose output is empty proves nothing.
      expect(expected[0]!.stdout.length).toBeGreaterThan(0);
    });
  }
});
