import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import slurp from '../../modules/slurp.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let cleanup: () => void;

beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('slurp', () => {
  it('returns the content base64-encoded', async () => {
    const src = join(dir, 'tp');
    writeFileSync(src, 'x=5\nline\n');
    const r = await runModule(slurp, { src }, { check: true });
    expect(r).toEqual({
      changed: false,
      result: { changed: false, content: 'eD01CmxpbmUK', encoding: 'base64', source: src },
      diff: undefined,
    });
    expect((await runModule(slurp, { path: src })).result.content).toBe('eD01CmxpbmUK');
  });

  it('fails like Ansible for a missing file or a directory', async () => {
    await expect(runModule(slurp, { src: join(dir, 'nope') })).rejects.toThrow(`file not found: ${join(dir, 'nope')}`);
    await expect(runModule(slurp, { src: dir })).rejects.toThrow(`source is a directory and must be a file: ${dir}`);
  });
});
