import { describe, expect, it } from 'vitest';
import { parseKeyValue } from '../../src/playbook/kv.js';

describe('k=v argument strings', () => {
  it('splits options and strips quotes', () => {
    expect(parseKeyValue('path=/tmp/x state=touch mode="0644"')).toEqual({ path: '/tmp/x', state: 'touch', mode: '0644' });
    expect(parseKeyValue('msg="hello world"')).toEqual({ msg: 'hello world' });
  });

  it('keeps Jinja expressions whole', () => {
    expect(parseKeyValue('msg={{ a | join(" ") }} x=1')).toEqual({ msg: '{{ a | join(" ") }}', x: '1' });
  });

  it('keeps free-form text for command/shell, lifting only their own keys', () => {
    const args = parseKeyValue('echo a=b | tee x creates=/tmp/y', ['creates', 'chdir']);
    expect(args).toEqual({ creates: '/tmp/y', _raw_params: 'echo a=b | tee x' });
  });
});

describe('escapes in k=v values', () => {
  it("takes any text before a word's first unescaped = as its key, as parse_kv does", () => {
    expect(parseKeyValue('allow-unauthenticated=yes a.b=1 msg=x=y')).toEqual({ 'allow-unauthenticated': 'yes', 'a.b': '1', msg: 'x=y' });
    expect(parseKeyValue('=x a\\=b')).toEqual({ _raw_params: '=x a=b' });
    expect(parseKeyValue('echo a\\=b c=d', ['chdir'])).toEqual({ _raw_params: 'echo a=b c=d' });
    expect(parseKeyValue('FOO-BAR=1 echo', ['chdir'])).toEqual({ _raw_params: 'FOO-BAR=1 echo' });
  });

  it('decodes Python escape sequences as Ansible does', () => {
    expect(parseKeyValue('content="one\\ntwo\\n" dest=/x')).toEqual({ content: 'one\ntwo\n', dest: '/x' });
    expect(parseKeyValue('msg=a\\tb\\x41\\u00e9')).toEqual({ msg: 'a\tbAé' });
  });
});

describe('backreferences in k=v values', () => {
  it('keeps \\1 as written (Ansible 2.14 decodes no octal escapes)', () => {
    expect(parseKeyValue("regexp='color=(\\w+)' replace='colour=\\1'")).toEqual({ regexp: 'color=(\\w+)', replace: 'colour=\\1' });
  });
});
