// The host agent (src/connection/host-agent*.ts) must describe and write files
// exactly as the shell commands of src/remote-files.ts and src/remote-stat.ts
// do: every case here runs both ways on the same files and compares.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { AGENT_PROGRAM } from '../../src/connection/host-agent-program.js';
import { LocalConnection } from '../../src/connection/local.js';
import { TaskConnection } from '../../src/connection/task-connection.js';
import { probePaths, writeFileAtomic, type ProbeOptions } from '../../src/host/remote-files.js';
import { statPaths, type ChecksumAlgorithm } from '../../src/host/remote-stat.js';

let dir: string;
let withAgent: LocalConnection;
/** The same host without an agent: every operation goes through shell commands. */
const shellOnly: Connection = {
  host: 'localhost',
  exec: (command, options) => withAgent.exec(command, options),
  close: async () => undefined,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-agent-'));
  withAgent = new LocalConnection('localhost');
});
afterAll(async () => {
  await withAgent.close();
  rmSync(dir, { recursive: true, force: true });
});

function fixtures(): string[] {
  const d = mkdtempSync(join(dir, 'f-'));
  writeFileSync(join(d, 'file'), 'some content\nwith two lines\n');
  chmodSync(join(d, 'file'), 0o640);
  writeFileSync(join(d, 'empty'), '');
  writeFileSync(join(d, 'binary'), Buffer.from([0, 1, 2, 255, 254, 10, 0]));
  mkdirSync(join(d, 'dir'));
  chmodSync(join(d, 'dir'), 0o2750);
  symlinkSync('file', join(d, 'link-to-file'));
  symlinkSync('dir', join(d, 'link-to-dir'));
  symlinkSync('nowhere', join(d, 'dangling'));
  execFileSync('mkfifo', [join(d, 'fifo')]);
  const names = ['file', 'empty', 'binary', 'dir', 'link-to-file', 'link-to-dir', 'dangling', 'fifo', 'absent', 'dir/absent', 'file/below-a-file'];
  return [...names.map((n) => join(d, n)), 'relative-absent', join(d, 'sp ace $(x) \'q\'')];
}

describe('host agent', () => {
  it('starts on a host with Python', async () => {
    const agent = await withAgent.agent();
    expect(agent?.alive).toBe(true);
  });

  const probeKinds: ProbeOptions[] = [{}, { follow: true }, { checksum: true }, { follow: true, checksum: true, content: true }, { content: true }];
  it.each(probeKinds)('probes like the shell: %o', async (options) => {
    const paths = fixtures();
    const viaAgent = await probePaths(withAgent, paths, options);
    const viaShell = await probePaths(shellOnly, paths, options);
    expect(viaAgent).toEqual(viaShell);
    // And the cases are really different kinds of things.
    expect(new Set(viaAgent.map((s) => s.type)).size).toBeGreaterThanOrEqual(options.follow ? 4 : 5);
  });

  const statKinds: Array<{ follow?: boolean; checksum?: ChecksumAlgorithm }> = [
    {},
    { follow: true },
    { checksum: 'sha1' },
    { follow: true, checksum: 'md5' },
    { follow: true, checksum: 'sha256' },
  ];
  it.each(statKinds)('stats like the shell: %o', async (options) => {
    const paths = fixtures();
    const requests = paths.map((path) => ({ path, ...options }));
    // Read every file once first: the first read may update its atime (relatime), and both ways must see the same.
    await statPaths(shellOnly, paths.map((path) => ({ path, follow: true, checksum: 'sha1' as const })));
    const viaAgent = await statPaths(withAgent, requests);
    const viaShell = await statPaths(shellOnly, requests);
    expect(viaAgent).toEqual(viaShell);
    expect(new Set(viaAgent.map((s) => s.kind)).size).toBeGreaterThanOrEqual(options.follow ? 3 : 4);
    if (options.checksum) expect(viaAgent.filter((s) => s.checksum !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  interface WriteCase {
    name: string;
    existing?: { content: string; mode: number };
    mode?: string | number;
    owner?: string;
    group?: string;
    backup?: boolean;
  }
  const writeCases: WriteCase[] = [
    { name: 'new file, default mode' },
    { name: 'new file, mode', mode: '0600' },
    { name: 'new file, numeric mode', mode: 0o755 },
    { name: 'replaced file keeps its mode', existing: { content: 'old\n', mode: 0o604 } },
    { name: 'replaced file, new mode', existing: { content: 'old\n', mode: 0o604 }, mode: '0640' },
    { name: 'owner and group by name', owner: 'nobody', group: 'nogroup' },
    { name: 'owner and group by number', owner: '65534', group: '65534' },
    { name: 'backup of the replaced file', existing: { content: 'old\n', mode: 0o600 }, backup: true },
    { name: 'symbolic mode (through chmod)', mode: 'u=rw,g=r' },
  ];
  it.each(writeCases)('writes like the shell: $name', async (c) => {
    const results = [];
    for (const conn of [withAgent, shellOnly]) {
      const d = mkdtempSync(join(dir, 'w-'));
      const path = join(d, 'target');
      if (c.existing) {
        writeFileSync(path, c.existing.content);
        chmodSync(path, c.existing.mode);
      }
      const written = await writeFileAtomic(conn, path, 'new content\n', {
        mode: c.mode,
        owner: c.owner,
        group: c.group,
        backup: c.backup,
        probeAfter: { checksum: true },
      });
      const st = statSync(path);
      const files = readdirSync(d).sort();
      results.push({
        content: readFileSync(path, 'utf8'),
        mode: (st.mode & 0o7777).toString(8),
        uid: st.uid,
        gid: st.gid,
        files: files.map((f) => (f === 'target' ? f : f.replace(/^target\.\d+\..*~$/, 'target.<backup>'))),
        backedUp: written.backupFile ? readFileSync(written.backupFile, 'utf8') : undefined,
        backupMode: written.backupFile ? (statSync(written.backupFile).mode & 0o7777).toString(8) : undefined,
        after: { ...written.after, path: undefined, mtime: undefined },
      });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]!.content).toBe('new content\n');
  });

  it('creates missing parent directories like mkdir -p when asked (parents)', async () => {
    const made = [];
    for (const conn of [withAgent, shellOnly]) {
      const d = mkdtempSync(join(dir, 'p-'));
      await writeFileAtomic(conn, join(d, 'a', 'b', 'target'), 'x\n', { parents: true });
      await writeFileAtomic(conn, join(d, 'a', 'b', 'second'), 'y\n', { parents: true }); // parents already there
      made.push({
        a: (statSync(join(d, 'a')).mode & 0o7777).toString(8),
        b: (statSync(join(d, 'a', 'b')).mode & 0o7777).toString(8),
        files: readdirSync(join(d, 'a', 'b')).sort(),
      });
      await expect(writeFileAtomic(conn, join(d, 'c', 'target'), 'x')).rejects.toThrow(/could not write/);
    }
    expect(made[0]).toEqual(made[1]);
    expect(made[0]!.files).toEqual(['second', 'target']);
  });

  it('reports a failed write with the path, leaving nothing behind', async () => {
    const d = mkdtempSync(join(dir, 'e-'));
    await expect(writeFileAtomic(withAgent, join(d, 'missing-dir', 'x'), 'x')).rejects.toThrow(/could not write .*missing-dir\/x/);
    await expect(writeFileAtomic(withAgent, join(d, 'x'), 'x', { owner: 'no-such-user-tsplay' })).rejects.toThrow(
      /could not write .*invalid user/,
    );
    expect(readdirSync(d)).toEqual([]);
  });

  it('is not used for a task with become (it runs as the connection user)', async () => {
    const task = new TaskConnection(withAgent, { become: { method: 'sudo', user: 'root' } });
    expect(await task.agent()).toBeUndefined();
    expect(await new TaskConnection(withAgent, {}).agent()).toBe(await withAgent.agent());
  });

  describe('switched off or gone', () => {
    afterEach(() => {
      delete process.env.TSPLAY_HOST_AGENT;
    });

    it('TSPLAY_HOST_AGENT=0 keeps every operation on the shell', async () => {
      process.env.TSPLAY_HOST_AGENT = '0';
      const conn = new LocalConnection('localhost');
      expect(await conn.agent()).toBeUndefined();
      const [st] = await probePaths(conn, [join(dir)]);
      expect(st!.type).toBe('directory');
    });

    it('a host whose agent died falls back to the shell', async () => {
      const conn = new LocalConnection('localhost');
      const agent = await conn.agent();
      expect(agent).toBeDefined();
      const d = mkdtempSync(join(dir, 'g-'));
      agent!.close('killed by the test');
      await writeFileAtomic(conn, join(d, 'x'), 'still written\n');
      expect(readFileSync(join(d, 'x'), 'utf8')).toBe('still written\n');
      expect(await conn.agent()).toBeUndefined();
      await conn.close();
    });

    it('a host without Python has no agent', async () => {
      const conn = new LocalConnection('localhost', '/nonexistent/python3');
      expect(await conn.agent()).toBeUndefined();
      const [st] = await probePaths(conn, [join(dir)]);
      expect(st!.type).toBe('directory');
    });
  });
});

describe("the agent's JSON", () => {
  // The agent speaks JSON through the json package's C half (_json): the
  // package itself imports re, enum, functools and collections, two thirds of
  // the agent's start on every host.
  const requests = [
    { op: 'probe', paths: ['/nonexistent/é ü "q" \\ \n'], follow: true },
    { op: 'stat', requests: [{ path: '/', follow: true }] },
    { op: 'nope', big: 12345678901234567890, f: -0.5, list: [null, true, false, {}] },
  ];
  /** The agent's answers, its program preceded by `prefix` (Python run before it). */
  const run = (prefix = '', flags: string[] = []): { answers: unknown[]; stderr: string } => {
    const program = prefix + AGENT_PROGRAM;
    const loader = `import sys;exec(sys.stdin.buffer.read(${Buffer.byteLength(program)}))`;
    const input = program + requests.map((r) => `${JSON.stringify(r)}\n`).join('');
    const r = spawnSync('python3', ['-S', ...flags, '-c', loader], { input, encoding: 'utf8' });
    return { answers: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown), stderr: r.stderr };
  };

  it('imports neither json nor re, and answers as the json package would', () => {
    const fast = run('', ['-X', 'importtime']);
    const imported = fast.stderr.split('\n').map((l) => l.split('|').pop()!.trim());
    expect(imported).toContain('_json');
    expect(imported).not.toContain('json');
    expect(imported).not.toContain('re');
    const plain = run("import sys\nsys.modules['_json'] = None\n");
    expect(plain.answers).toHaveLength(4);
    expect(fast.answers.slice(1)).toEqual(plain.answers.slice(1));
    expect(fast.answers[1]).toEqual({ ok: true, states: [{ type: 'absent' }] });
    expect(fast.answers[3]).toEqual({ error: "unknown request 'nope'" });
  });
});
