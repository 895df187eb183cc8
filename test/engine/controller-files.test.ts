// One dispatch of a task finds and reads a controller file once for all its hosts.
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ControllerFiles } from '../../src/executor/controller-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-controller-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ControllerFiles', () => {
  it('searches once a key, and searches again after a failure', () => {
    const files = new ControllerFiles();
    let searches = 0;
    const found = () => {
      searches++;
      return '/found/here';
    };
    expect(files.find('k', found)).toBe('/found/here');
    expect(files.find('k', found)).toBe('/found/here');
    expect(searches).toBe(1);
    let attempts = 0;
    const missing = () => {
      attempts++;
      throw new Error('Could not find');
    };
    expect(() => files.find('m', missing)).toThrow('Could not find');
    expect(() => files.find('m', missing)).toThrow('Could not find');
    expect(attempts).toBe(2);
  });

  it('reads a file once, with its permission bits; a new instance sees changes', () => {
    const path = join(dir, 'src.j2');
    writeFileSync(path, 'one');
    chmodSync(path, 0o640);
    const files = new ControllerFiles();
    expect(files.read(path)).toEqual({ data: Buffer.from('one'), mode: 0o640 });
    writeFileSync(path, 'two');
    expect(files.read(path).data.toString()).toBe('one');
    expect(new ControllerFiles().read(path).data.toString()).toBe('two');
  });
});
