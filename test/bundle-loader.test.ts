// The bundled CLI runs from V8's code cache (src/bundle-loader.ts): the cache
// is made at the end of a run, taken by the next, refused and remade when it
// does not fit, and never in the way when it cannot be written.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, statSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { codeCacheDir, shouldSaveCache } from '../src/build/bundle-loader.js';
import { ROOT, tsplay } from './cli-helpers.js';

/** The built loader, as bin/tsplay.js runs it. */
const LOADER = join(ROOT, 'dist', 'src', 'build', 'bundle-loader.js');

const dir = mkdtempSync(join(tmpdir(), 'tsplay-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `exports.answer = 41 + 1;\nexports.later = function later(x) { return [x, __filename, typeof require]; };\n`;

function script(name: string, text = SCRIPT): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
/**
 * Loads the script in a new node process, as the CLI does: within one process
 * V8 reuses what it compiled before and never even reads the cache.
 */
function load(file: string, cacheDir: string | undefined, save = true): { cacheUse: string; saved: boolean; answer: unknown; later: unknown } {
  const code = `
    const { loadBundle } = await import(${JSON.stringify(LOADER)});
    const b = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
    const saved = ${save} && b.saveCache();
    console.log(JSON.stringify({ cacheUse: b.cacheUse, saved, answer: b.exports.answer, later: b.exports.later(7) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loader process failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof load>;
}
const cacheFiles = (cacheDir: string): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.bin')) : []);

describe('loadBundle', () => {
  it('runs the script as CommonJS, then caches it, and the next run takes the cache', () => {
    const file = script('a.cjs');
    const cacheDir = join(dir, 'cache-a');
    const first = load(file, cacheDir);
    expect(first).toEqual({ cacheUse: 'none', saved: true, answer: 42, later: [7, file, 'function'] });
    const [name] = cacheFiles(cacheDir);
    expect(readFileSync(join(cacheDir, name!)).subarray(0, 4).toString()).toBe('TSP2');

    expect(load(file, cacheDir)).toEqual({ cacheUse: 'accepted', saved: false, answer: 42, later: [7, file, 'function'] });
    expect(cacheFiles(cacheDir)).toEqual([name]);
  });

  it('refuses a damaged cache or one V8 cannot use, runs anyway and writes a good one', () => {
    const file = script('b.cjs');
    const cacheDir = join(dir, 'cache-b');
    load(file, cacheDir);
    const cacheFile = join(cacheDir, cacheFiles(cacheDir)[0]!);
    const good = readFileSync(cacheFile);
    const expectRefusedThenRemade = (): void => {
      expect(load(file, cacheDir)).toMatchObject({ cacheUse: 'rejected', saved: true, answer: 42 });
      expect(load(file, cacheDir, false)).toMatchObject({ cacheUse: 'accepted', answer: 42 });
    };

    // Damaged data makes V8 abort the process: the checksum keeps it away.
    const damaged = Buffer.from(good);
    damaged.fill(0x5a, damaged.length - 64);
    writeFileSync(cacheFile, damaged);
    expectRefusedThenRemade();

    writeFileSync(cacheFile, 'not a cache');
    expectRefusedThenRemade();

    // Sound data from another node or other V8 flags: V8 itself refuses it.
    const foreign = Buffer.from(good);
    foreign.writeUInt32LE((foreign.readUInt32LE(28 + 4) ^ 1) >>> 0, 28 + 4); // V8's version hash, in its header
    foreign.set(createHash('sha1').update(foreign.subarray(28)).digest(), 8);
    writeFileSync(cacheFile, foreign);
    expectRefusedThenRemade();
  });

  it('never takes a cache file that another user wrote or could have written', () => {
    const file = script('e.cjs');
    const cacheDir = join(dir, 'cache-e');
    load(file, cacheDir);
    const cacheFile = join(cacheDir, cacheFiles(cacheDir)[0]!);
    chmodSync(cacheFile, 0o666);
    expect(load(file, cacheDir)).toMatchObject({ cacheUse: 'none', saved: true, answer: 42 });
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600); // written anew, as this user's own
    expect(load(file, cacheDir, false).cacheUse).toBe('accepted');
    if (process.getuid?.() === 0) {
      chownSync(cacheFile, 1, 1);
      expect(load(file, cacheDir, false).cacheUse).toBe('none');
    } else if (process.env.CI === 'true') {
      throw new Error('this test needs root under CI=true (to give the file to another user)');
    }
  });

  it('never uses the cache of another script, even one of the same length', () => {
    const cacheDir = join(dir, 'cache-c');
    load(script('c.cjs'), cacheDir);
    expect(load(script('c.cjs', SCRIPT.replace('41 + 1', '40 + 3')), cacheDir)).toMatchObject({ cacheUse: 'none', answer: 43 });
  });

  it("takes the bundle's hash from the build's id file while the bundle is the file it describes", async () => {
    const { writeBundleId } = await import('../src/build/bundle-loader.js');
    const file = script('id.cjs');
    const cacheDir = join(dir, 'cache-id');
    const real = createHash('sha1').update(SCRIPT).digest('hex').slice(0, 20);
    writeBundleId(file);
    const id = JSON.parse(readFileSync(`${file}.id`, 'utf8')) as { stamp: string; sha1: string };
    expect(id.sha1.slice(0, 20)).toBe(real);
    writeFileSync(`${file}.id`, JSON.stringify({ ...id, sha1: 'f'.repeat(40) }));
    load(file, cacheDir);
    expect(cacheFiles(cacheDir)).toEqual([`${process.version}-${process.arch}-${'f'.repeat(20)}-code.bin`]);
    writeFileSync(file, SCRIPT); // another file now, whatever its id says
    rmSync(cacheDir, { recursive: true });
    load(file, cacheDir);
    expect(cacheFiles(cacheDir)).toEqual([`${process.version}-${process.arch}-${real}-code.bin`]);
  });

  it('reads an all-ASCII bundle as Latin-1 and any other as UTF-8, by what its id says', async () => {
    const { writeBundleId } = await import('../src/build/bundle-loader.js');
    const text = 'exports.answer = "caf\\u00e9";\nexports.later = (x) => x; // naïve\n';
    const file = script('utf8.cjs', text.replace('\\u00e9', 'é'));
    writeBundleId(file);
    expect(JSON.parse(readFileSync(`${file}.id`, 'utf8'))).toMatchObject({ ascii: false });
    expect(load(file, undefined)).toMatchObject({ answer: 'café' });
    const ascii = script('ascii.cjs', text.replace('naïve', 'naive'));
    writeBundleId(ascii);
    expect(JSON.parse(readFileSync(`${ascii}.id`, 'utf8'))).toMatchObject({ ascii: true });
    expect(load(ascii, undefined)).toMatchObject({ answer: 'café' });
  });

  it('the build makes the bundle all ASCII, and says so in its id', () => {
    const bundle = join(ROOT, 'dist', 'bundle', 'tsplay.cjs');
    expect(readFileSync(bundle).some((b) => b > 0x7f)).toBe(false);
    expect(JSON.parse(readFileSync(`${bundle}.id`, 'utf8'))).toMatchObject({ ascii: true });
  });

  it('runs without a cache when none is wanted or it cannot be written', () => {
    const file = script('d.cjs');
    expect(load(file, undefined)).toMatchObject({ cacheUse: 'none', saved: false, answer: 42 });
    const blocker = script('a-file-not-a-directory');
    expect(load(file, join(blocker, 'cache'))).toMatchObject({ cacheUse: 'none', saved: false, answer: 42 });
  });
});

describe('when the cache is written', () => {
  it('writes when there is none or it was refused, and when a run used more kinds of module', () => {
    expect(shouldSaveCache('none', 0, 3)).toBe(true);
    expect(shouldSaveCache('rejected', 9, 3)).toBe(true);
    expect(shouldSaveCache('accepted', 5, 5)).toBe(false);
    expect(shouldSaveCache('accepted', 5, 2)).toBe(false);
    expect(shouldSaveCache('accepted', 0, 1)).toBe(true);
  });

  it('lives in the user cache directory unless TSPLAY_CODE_CACHE says otherwise', () => {
    expect(codeCacheDir({ HOME: '/home/u' })).toMatch(/\/\.cache\/tsplay$/);
    expect(codeCacheDir({ XDG_CACHE_HOME: '/var/cache/u' })).toBe('/var/cache/u/tsplay');
    expect(codeCacheDir({ TSPLAY_CODE_CACHE: '/tmp/x' })).toBe('/tmp/x');
    expect(codeCacheDir({ TSPLAY_CODE_CACHE: '0' })).toBeUndefined();
  });
});

describe('the CLI and its code cache', () => {
  it('gives the same output without a cache, making it, and from it; template code is kept too', () => {
    const cacheDir = join(dir, 'cli-cache');
    const playbook = join(dir, 'play.yml');
    writeFileSync(join(dir, 'motd.j2'), '{% for n in [1, 2] %}line {{ n * 10 }}\n{% endfor %}');
    writeFileSync(
      playbook,
      [
        '- hosts: localhost',
        '  gather_facts: false',
        '  tasks:',
        `    - debug: msg="{{ [1, 2] | map('string') | join('+') }}"`,
        `    - debug: msg="{{ lookup('template', 'motd.j2') }}"`,
        '',
      ].join('\n'),
    );
    const run = (cache: string) => tsplay(['run', playbook], { env: { TSPLAY_CODE_CACHE: cache } });
    const plain = run('0');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('"msg": "1+2"');
    expect(plain.stdout).toContain('"msg": "line 10\\nline 20\\n"');
    expect(cacheFiles(cacheDir)).toEqual([]);
    const making = run(cacheDir);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
    const stores = readdirSync(cacheDir).filter((f) => f.endsWith('-templates.json'));
    expect(stores).toHaveLength(1);
    expect(Object.keys((JSON.parse(readFileSync(join(cacheDir, stores[0]!), 'utf8')) as { code: object }).code).length).toBeGreaterThanOrEqual(2);
    const cached = run(cacheDir);
    for (const r of [making, cached]) expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: plain.code, stdout: plain.stdout, stderr: plain.stderr });
  });

  it('remakes a cache that a smaller run made (`--version`), and only then', () => {
    const cacheDir = join(dir, 'cli-cache-used');
    const playbook = join(dir, 'used.yml');
    writeFileSync(playbook, ['- hosts: localhost', '  gather_facts: false', '  tasks:', '    - debug: msg=hi', '    - set_fact: x=1', ''].join('\n'));
    const cacheFile = (): string => join(cacheDir, cacheFiles(cacheDir)[0]!);
    const used = (): number => readFileSync(cacheFile()).readUInt32LE(4);
    expect(tsplay(['--version'], { env: { TSPLAY_CODE_CACHE: cacheDir } }).code).toBe(0);
    expect(used()).toBe(0);
    const run = (): void => expect(tsplay(['run', playbook], { env: { TSPLAY_CODE_CACHE: cacheDir } }).code).toBe(0);
    run();
    expect(used()).toBe(2); // debug and set_fact
    const made = statSync(cacheFile()).ino;
    run();
    expect(statSync(cacheFile()).ino).toBe(made); // not written again
  });

  it("removes the files of other builds for the same node, and keeps another node's", () => {
    const cacheDir = join(dir, 'cli-cache-builds');
    mkdirSync(cacheDir);
    const ours = `${process.version}-${process.arch}-`;
    const stale = [`${ours}0123456789abcdef0123-code.bin`, `${ours}0123456789abcdef0123-templates.json`];
    const foreign = ['v99.0.0-x64-0123456789abcdef0123-code.bin', 'notes.txt'];
    for (const f of [...stale, ...foreign]) writeFileSync(join(cacheDir, f), 'x');
    const res = tsplay(['--help'], { env: { TSPLAY_CODE_CACHE: cacheDir } });
    expect(res.code).toBe(0);
    const left = readdirSync(cacheDir);
    for (const f of stale) expect(left).not.toContain(f);
    for (const f of foreign) expect(left).toContain(f);
    expect(left.filter((f) => f.startsWith(ours) && f.endsWith('-code.bin'))).toHaveLength(1);
  });
});
