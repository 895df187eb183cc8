// tsplay doc, --version, completion, and README's module list: all made from
// the module registry and the command line's own definition.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleNames } from '../modules/index.js';
import { withModuleList } from '../src/build/readme-modules.js';
import { ROOT, tsplay } from './cli-helpers.js';

describe('tsplay doc', () => {
  it('lists every module of the registry with its summary', () => {
    const r = tsplay(['doc', '--list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(moduleNames().map((n) => `ansible.builtin.${n}`));
    expect(r.stdout).toMatch(/^ansible\.builtin\.copy +Copy files to remote locations$/m);
  });

  it("shows a module's options as ansible-doc does: mandatory marks, aliases, choices, defaults, types", () => {
    const r = tsplay(['doc', 'ansible.builtin.stat']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^> ANSIBLE\.BUILTIN\.STAT {4}\(tsplay\)\n\n {8}Retrieve file or file system status\n/);
    expect(r.stdout).toContain('OPTIONS (= is mandatory):');
    expect(r.stdout).toMatch(/^= path\n(?: {8}.*\n)*? {8}aliases: \[dest, name\]\n(?: {8}.*\n)*? {8}type: str\n/m);
    expect(r.stdout).toMatch(/^- checksum_algorithm\n(?: {8}.*\n)*? {8}choices: \[md5, sha1, sha224, sha256, sha384, sha512\]\n {8}default: sha1\n/m);
    expect(r.stdout).toMatch(/^- follow\n(?: {8}.*\n)*? {8}default: false\n {8}type: bool\n/m);
    expect(r.stdout).toContain('EXAMPLES:\n\n- name: Use stat\n  ansible.builtin.stat:\n    path: <str>\n');
  });

  it('names an unknown module as a bad option (exit 5)', () => {
    const r = tsplay(['doc', 'nope']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('module nope not found');
  });
});

describe('tsplay --version', () => {
  it('prints the version, the config file in use, node and the module count', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = tsplay(['--version'], { env: { ANSIBLE_CONFIG: join(ROOT, 'package.json') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `tsplay ${version}\n  config file = ${join(ROOT, 'package.json')}\n  node version = ${process.version}\n  modules = ${moduleNames().length}\n  executable location = ${join(ROOT, 'bin', 'tsplay.js')}\n`,
    );
  });
});

describe('tsplay completion', () => {
  for (const shell of ['bash', 'zsh'] as const) {
    it(`${shell}: a script the shell parses, offering the commands and each command's options`, () => {
      const r = tsplay(['completion', shell]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/run doc completion|run .*doc/);
      expect(r.stdout).toContain('--check');
      expect(r.stdout).toContain('--start-at-task');
      if (shell === 'bash') {
        const check = spawnSync('bash', ['-n'], { input: r.stdout, encoding: 'utf8' });
        expect(check.status, check.stderr).toBe(0);
        // Completing `tsplay run --che` offers --check.
        const complete = spawnSync('bash', ['-c', `${r.stdout}\nCOMP_WORDS=(tsplay run --che); COMP_CWORD=2; _tsplay; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
        expect(complete.stdout.trim()).toBe('--check');
      }
    });
  }
  it('refuses another shell', () => {
    expect(tsplay(['completion', 'fish']).code).toBe(5);
  });
});

describe("README's module list", () => {
  it('is the registry\'s (run `npm run readme-modules` after adding a module)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withModuleList(readme));
  });
});
