import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { frameCommand, MarkerCollector } from '../../src/connection/ssh-session.js';

describe('MarkerCollector', () => {
  const marker = Buffer.from('__END_0123456789__');
  const stream = Buffer.concat([Buffer.from('body __END_0123 partial\nmore'), marker, Buffer.from('42\nignored')]);

  it('finds the marker and trailer however the stream is split', () => {
    for (let split = 1; split <= stream.length; split++) {
      const c = new MarkerCollector(marker, true, 1 << 20);
      let done = false;
      for (let i = 0; i < stream.length && !done; i += split) done = c.push(stream.subarray(i, i + split));
      expect(done).toBe(true);
      expect(c.text()).toBe('body __END_0123 partial\nmore');
      expect(c.trailer).toBe('42');
    }
  });

  it('byte by byte, without trailer', () => {
    const c = new MarkerCollector(marker, false, 1 << 20);
    const s = Buffer.concat([Buffer.from('x'), marker]);
    let done = false;
    for (const b of s) done = c.push(Buffer.from([b]));
    expect(done).toBe(true);
    expect(c.text()).toBe('x');
  });

  it('flags overflow but still finds the marker', () => {
    const c = new MarkerCollector(marker, true, 10);
    expect(c.push(Buffer.alloc(100, 0x61))).toBe(false);
    expect(c.push(Buffer.concat([marker, Buffer.from('0\n')]))).toBe(true);
    expect(c.overflow).toBe(true);
  });
});

describe('frameCommand', () => {
  it('produces a script that runs under dash and bash', () => {
    const cmd = `printf '%s|' "$(cat)"; echo "it's"; exit 4`;
    for (const shell of ['/bin/sh', '/bin/bash']) {
      const f = frameCommand(cmd, Buffer.from('in put'));
      let out = '';
      let status = 0;
      try {
        out = execFileSync(shell, [], { input: f.script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        status = (e as { status: number }).status;
      }
      expect(status).toBe(0);
      expect(out).toBe(`in put|it's\n${f.outMarker.toString()}4\n`);
    }
  });

  it('rejects NUL bytes', () => {
    expect(() => frameCommand('echo \0')).toThrow(/NUL/);
  });
});
