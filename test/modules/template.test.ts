import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import template from '../../modules/template.js';
import { runModule, tempDir } from './module-harness.js';

let dir: string;
let fixtures: string;
let cleanup: () => void;
const vars = { x: 5 };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  fixtures = join(dir, 'play');
  mkdirSync(join(fixtures, 'templates'), { recursive: true });
  writeFileSync(join(fixtures, 'templates', 'tpl.j2'), 'x={{ x }}\n{% if true %}\nline\n{% endif %}\n');
});
afterEach(() => cleanup());

describe('template', () => {
  it('renders on the controller and writes like copy, then is ok', async () => {
    const dest = join(dir, 'tp');
    const opts = { fixtures, vars, diff: true };
    const r = await runModule(template, { src: 'tpl.j2', dest, mode: '0600' }, opts);
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({
      dest,
      checksum: '8e0f9b0f15ccc00d9fde5b46898e762f8145d93d',
      md5sum: 'a6359394b52c093e2f64db89a66bfb79',
      mode: '0600',
      size: 9,
      state: 'file',
    });
    expect(r.diff).toEqual([{ before: '', after: 'x=5\nline\n', after_header: join(fixtures, 'templates', 'tpl.j2') }]);
    expect(readFileSync(dest, 'utf8')).toBe('x=5\nline\n');
    expect((statSync(dest).mode & 0o777).toString(8)).toBe('600');
    const again = await runModule(template, { src: 'tpl.j2', dest, mode: '0600' }, opts);
    expect(again.changed).toBe(false);
  });

  it('check mode shows the content diff against the current file', async () => {
    const dest = join(dir, 'tp');
    writeFileSync(dest, 'x=4\nline\n');
    chmodSync(dest, 0o644);
    const r = await runModule(template, { src: 'tpl.j2', dest }, { fixtures, vars, diff: true, check: true });
    expect(r.changed).toBe(true);
    expect(r.diff?.[0]).toMatchObject({ before: 'x=4\nline\n', before_header: dest, after: 'x=5\nline\n' });
    expect(readFileSync(dest, 'utf8')).toBe('x=4\nline\n');
  });

  it('puts the file inside a directory dest and honours newline_sequence', async () => {
    const r = await runModule(template, { src: 'tpl.j2', dest: dir, newline_sequence: '\r\n' }, { fixtures, vars });
    expect(r.result.dest).toBe(join(dir, 'tpl.j2'));
    expect(readFileSync(join(dir, 'tpl.j2'), 'utf8')).toBe('x=5\r\nline\r\n');
  });

  it('fails when the template is missing', async () => {
    await expect(runModule(template, { src: 'nope.j2', dest: join(dir, 'x') }, { fixtures })).rejects.toThrow(
      "Could not find or access 'nope.j2'",
    );
  });
});
