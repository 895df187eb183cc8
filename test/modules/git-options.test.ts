// git's options beyond the checkout (differential cases 140-143 run them
// side by side with Ansible): the archive format by extension, the clone's
// words, and that every value in the change's script is quoted.
import { describe, expect, it } from 'vitest';
import { archiveFormat, gitProbeScript, type GitSpec } from '../../src/vcs/git.js';
import { gitApplyScript, type GitChange } from '../../src/vcs/git-apply.js';
import git from '../../modules/git.js';
import { checkArgs } from '../../src/module-api/module-args.js';

const spec = (over: Partial<GitSpec> = {}): GitSpec => ({ dest: '/srv/c', repo: 'file:///srv/r', version: 'main', remote: 'origin', bare: false, force: false, ...over });
const clone: GitChange = { clone: true, reset: false, setUrl: false, isBranch: true, isTag: false };

describe('git options', () => {
  it('takes the archive format from the last extension, as Python splitext', () => {
    expect(archiveFormat('/a/b.zip')).toBe('zip');
    expect(archiveFormat('/a/b.tar.gz')).toBe('tar.gz');
    expect(archiveFormat('/a/b.tgz')).toBe('tgz');
    expect(archiveFormat('/a/b.tar')).toBe('tar');
    expect(archiveFormat('/a/b.rar')).toBeUndefined();
    expect(archiveFormat('/a.zip/.tar')).toBeUndefined();
  });
  it('clones with reference, single_branch and separate_git_dir', () => {
    const script = gitApplyScript(spec({ reference: '/srv/ref', singleBranch: true, separateGitDir: '/srv/c.git' }), clone);
    expect(script).toContain('git clone --origin=origin --reference /srv/ref --single-branch --branch main --separate-git-dir="$sgd" -- "$r" "$d"');
    expect(script).toContain("sgd=$(realpath -m -- /srv/c.git)");
  });
  it('updates submodules (--remote when tracked), verifies, archives', () => {
    const script = gitApplyScript(
      spec({ recursive: true, trackSubmodules: true, verifyCommit: true, gpgWhitelist: ["AB'CD"], archive: { path: '/o/a b.zip', format: 'zip', prefix: "p'x/" } }),
      clone,
    );
    expect(script).toContain('git submodule update --init --recursive --remote');
    expect(script).toContain('verify "$v"');
    expect(script).toContain(`for w in 'AB'"'"'CD'; do`);
    expect(script).toContain(`archive --format zip --prefix 'p'"'"'x/' --output "$at/new" "$v"`);
    expect(script).toContain(`a='/o/a b.zip'`);
    expect(gitApplyScript(spec({ recursive: false }), clone)).not.toContain('submodule');
    expect(gitApplyScript(spec({ bare: true }), clone)).not.toContain('submodule');
  });
  it('moves an existing repository to separate_git_dir before anything else', () => {
    const script = gitApplyScript(spec({ separateGitDir: '/x' }), { ...clone, clone: false, relocate: true, update: false });
    expect(script.indexOf('mv -- "$rp" "$sgd"')).toBeGreaterThan(0);
    expect(script).not.toContain('fetch');
  });
  it('sets the umask first, and probes only the remote without dest', () => {
    expect(gitApplyScript(spec({ umask: '0077' }), clone).startsWith('umask 0077 ||')).toBe(true);
    const probe = gitProbeScript(spec({ dest: undefined }));
    expect(probe).not.toContain('exists');
    expect(probe).toContain('git ls-remote "$r"');
  });
  it('has every option of Ansible 2.14', () => {
    const options = ['accept_hostkey', 'accept_newhostkey', 'archive', 'archive_prefix', 'bare', 'clone', 'depth', 'dest', 'executable', 'force', 'gpg_whitelist', 'key_file', 'recursive', 'reference', 'refspec', 'remote', 'repo', 'separate_git_dir', 'single_branch', 'ssh_opts', 'track_submodules', 'umask', 'update', 'verify_commit', 'version'];
    expect(Object.keys(git.schema.properties).sort()).toEqual(options);
    expect(checkArgs(git, { repo: 'r', separate_git_dir: '/x', bare: true }).ok).toBe(false);
    expect(checkArgs(git, { repo: 'r', separate_git_dir: '/x' }).ok).toBe(true);
    expect(checkArgs(git, { repo: 'r', dest: '/d', archive_prefix: 'x' }).ok).toBe(false);
  });
});
