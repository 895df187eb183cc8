import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attributeChanges, chmodArgument, formatMode, resolveMode, serializeDict } from '../../src/file-ops/file-attributes.js';
import { tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('file attributes', () => {
  it('reads octal numbers and strings like Ansible', () => {
    expect(resolveMode(0o644, 0, false)).toBe(0o644);
    expect(resolveMode('0644', 0, false)).toBe(0o644);
    expect(resolveMode('644', 0, false)).toBe(0o644);
    expect(resolveMode('01777', 0, true)).toBe(0o1777);
    expect(formatMode(0o1777)).toBe('01777');
    expect(formatMode(0o40)).toBe('0040');
    expect(() => resolveMode('u+q', 0, false)).toThrow('mode must be in octal or symbolic form');
  });

  it('computes symbolic modes as chmod does (who omitted = all, not umask)', () => {
    const cases: [string, number, boolean][] = [
      ['u+rwx,g-w,o=r', 0o640, false],
      ['u=rwX,g=rX,o=', 0o666, false],
      ['u=rwX,g=rX,o=', 0o600, true],
      ['a+X', 0o644, false],
      ['a+X', 0o744, false],
      ['+x', 0o600, false],
      ['g=u', 0o751, false],
      ['u+s,g+s,+t', 0o755, true],
      ['o-rwx', 0o777, false],
    ];
    for (const [mode, start, isDir] of cases) {
      const p = join(dir, `${isDir ? 'd' : 'f'}${start.toString(8)}${mode.replace(/\W/g, '_')}`);
      if (isDir) mkdirSync(p);
      else writeFileSync(p, '');
      chmodSync(p, start);
      execFileSync('chmod', [chmodArgument(mode), p]);
      expect(formatMode(resolveMode(mode, start, isDir)), mode).toBe(formatMode(statSync(p).mode));
    }
  });

  it('compares owner and group by name or id', () => {
    const st = { mode: '644', uid: 0, gid: 0, owner: 'root', group: 'root' };
    expect(attributeChanges(st, { owner: 'root', group: '0', mode: '0644' }, false)).toEqual({});
    expect(attributeChanges(st, { owner: 'nobody', mode: 'g+w' }, false)).toEqual({
      owner: { before: 0, after: 'nobody' },
      mode: { before: '0644', after: '0664' },
    });
  });

  it('serialises diff dicts like Ansible (sorted keys, 4-space indent)', () => {
    expect(serializeDict({ state: 'absent', path: '/x' })).toBe('{\n    "path": "/x",\n    "state": "absent"\n}\n');
  });
});
