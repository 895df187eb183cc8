// git's remote-ref resolution and scripts, pip's requirement reading: the
// parts the differential cases (71-git, 72-pip) do not isolate.
import { describe, expect, it } from 'vitest';
import { gitApplyScript, parseLsRemote, remoteHead, repoUrl, type GitSpec } from '../../src/vcs/git.js';
import { isPresent, packageSpec, satisfies } from '../../modules/pip.js';

describe('git', () => {
  const ls = 'aaa\tHEAD\nbbb\trefs/heads/dev\nccc\trefs/tags/v1\nddd\trefs/tags/v1^{}\n';
  it('resolves HEAD, a branch, an annotated tag (peeled) and a sha as Ansible does', () => {
    expect(remoteHead(parseLsRemote(ls, 'HEAD'), 'HEAD')).toBe('aaa');
    expect(remoteHead(parseLsRemote(ls, 'dev'), 'dev')).toBe('bbb');
    expect(remoteHead(parseLsRemote(ls, 'v1'), 'v1')).toBe('ddd');
    expect(remoteHead(parseLsRemote(ls, '1234abcd'), '1234abcd')).toBe('1234abcd');
  });
  it('gives a local path to git as file://', () => {
    expect(repoUrl('/srv/repo')).toBe('file:///srv/repo');
    expect(repoUrl('https://h/r.git')).toBe('https://h/r.git');
  });
  it('quotes every value in its scripts', () => {
    const spec: GitSpec = { dest: "/tmp/a b'c", repo: 'file:///r;rm -rf /', version: '$(x)', remote: 'origin', bare: false, force: false, depth: 1 };
    const script = gitApplyScript(spec, { clone: true, reset: false, setUrl: false, isBranch: true, isTag: false });
    expect(script).toContain(`d='/tmp/a b'"'"'c'`);
    expect(script).toContain(`r='file:///r;rm -rf /'`);
    expect(script).toContain(`v='$(x)'`);
    expect(script).toContain("git clone --origin=origin --depth 1 --branch '$(x)' -- \"$r\" \"$d\"");
  });
});

describe('pip', () => {
  it('reads a requirement and a version as Ansible assembles them', () => {
    expect(packageSpec('tinypkg')).toMatchObject({ name: 'tinypkg', spec: '' });
    expect(packageSpec('Tiny_Pkg >= 1.0, <2')).toMatchObject({ name: 'Tiny_Pkg', spec: '>=1.0,<2' });
    expect(packageSpec('tinypkg', '1.0').text).toBe('tinypkg==1.0');
    expect(packageSpec('tinypkg', '>=1.0').text).toBe('tinypkg>=1.0');
  });
  it('compares versions', () => {
    expect(satisfies('1.10', '>1.9')).toBe(true);
    expect(satisfies('1.0', '==1.0,!=2')).toBe(true);
    expect(satisfies('1.0', '<1.0')).toBe(false);
    expect(satisfies('1.4.2', '~=1.4.0')).toBe(true);
    expect(satisfies('1.5', '~=1.4.0')).toBe(false);
  });
  it('finds a package in freeze output, names normalised', () => {
    expect(isPresent('pip==23.0\ntiny-pkg==1.0\n', 'Tiny_Pkg', '')).toBe(true);
    expect(isPresent('tiny-pkg==1.0\n', 'tiny-pkg', '>=2')).toBe(false);
    expect(isPresent('other==1.0\n', 'tiny-pkg', '')).toBe(false);
  });
});
