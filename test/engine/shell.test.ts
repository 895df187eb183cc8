import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quote, quoteArgv, raw, sh, splitArgs } from '../../src/host/shell.js';

function echoBack(word: string): string {
  const res = spawnSync('/bin/sh', ['-c', `printf '%s' ${quote(word)}`], { encoding: 'utf8' });
  return res.stdout;
}

describe('shell quoting', () => {
  const hostile = ['; rm -rf /tmp/x', "it's", '$(id)', '`id`', 'a\nb', '"double"', '*', '$HOME', 'a b', '', '\\', "'; echo pwned; '"];

  it.each(hostile)('passes %j through the shell as literal text', (word) => {
    expect(echoBack(word)).toBe(word);
  });

  it('leaves safe words bare', () => {
    expect(quote('/etc/hosts')).toBe('/etc/hosts');
    expect(quoteArgv(['ls', '-l', 'a b'])).toBe("ls -l 'a b'");
  });

  it('quotes every interpolation in sh`` unless marked raw', () => {
    expect(sh`mkdir -p ${'a b'} && ${raw('echo ok')}`).toBe("mkdir -p 'a b' && echo ok");
    expect(sh`rm ${['x', 'y z']}`).toBe("rm x 'y z'");
  });

  it('splits command lines like shlex', () => {
    expect(splitArgs(`echo "a b" 'c d' e\\ f`)).toEqual(['echo', 'a b', 'c d', 'e f']);
    expect(() => splitArgs('echo "open')).toThrow(/No closing quotation/);
  });
});
