// subversion: check out, update, switch or export a Subversion repository with
// the host's svn client, deciding as Ansible's module does; before/after are
// svn info's revision (and URL) lines. The password goes on svn's stdin.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { Svn, svnProbe } from '../src/vcs/subversion.js';

interface SubversionArgs {
  repo: string;
  dest?: string;
  revision: string;
  force: boolean;
  username?: string;
  password?: string;
  executable?: string;
  export: boolean;
  checkout: boolean;
  update: boolean;
  switch: boolean;
  in_place: boolean;
  validate_certs: boolean;
}

const done = (result: ModuleResult) => ({ changed: result.changed === true, result });

const subversion: Module<SubversionArgs, undefined> = {
  name: 'subversion',
  summary: 'Deploys a subversion repository',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      repo: { type: 'string', description: 'The subversion URL to the repository.' },
      dest: { type: 'string', description: 'Absolute path where the repository should be deployed.' },
      revision: { type: 'string', default: 'HEAD', description: 'Specific revision to checkout.' },
      force: { type: 'boolean', default: false, description: 'Discard modified files, or export over an existing directory.' },
      username: { type: 'string', description: '--username parameter passed to svn.' },
      password: { type: 'string', description: '--password parameter passed to svn (sent on stdin).' },
      executable: { type: 'string', description: 'Path to svn executable to use.' },
      export: { type: 'boolean', default: false, description: 'Export instead of checkout/update.' },
      checkout: { type: 'boolean', default: true, description: 'Check out the repository when dest does not exist.' },
      update: { type: 'boolean', default: true, description: 'Update an existing working copy.' },
      switch: { type: 'boolean', default: true, description: 'Switch the working copy to repo first.' },
      in_place: { type: 'boolean', default: false, description: 'Check out over an existing directory that is not a working copy.' },
      validate_certs: { type: 'boolean', default: false, description: 'Validate the server certificate (else --trust-server-cert).' },
    },
    required: ['repo'],
  },
  optionAliases: { name: 'repo', repository: 'repo', rev: 'revision', version: 'revision' },
  async plan(ctx) {
    const a = ctx.args;
    if (!a.dest && (a.checkout || a.update || a.export)) {
      throw new ModuleFailure('the destination directory must be specified unless checkout=no, update=no, and export=no');
    }
    const probed = await svnProbe(ctx.conn, a.dest, a.executable);
    if (!probed.svn) throw new ModuleFailure('Failed to find required executable "svn" in paths');
    const svn = new Svn(ctx.conn, { svn: probed.svn, username: a.username, password: a.password, validateCerts: a.validate_certs });
    if (!a.export && !a.update && !a.checkout) return done({ changed: false, after: await svn.remoteRevision(a.repo) });
    const dest = a.dest!;
    const rev = ['-r', a.revision];
    if (a.export || !probed.exists) {
      if (ctx.check) return done({ changed: true });
      if (!a.export && !a.checkout) return done({ changed: false });
      if (!a.export) await svn.run(['checkout', ...rev, a.repo, dest]);
      else {
        await svn.run(['export', ...(a.force ? ['--force'] : []), ...rev, a.repo, dest]);
        return done({ changed: true });
      }
      return done({ changed: true, before: null, after: await svn.revision(dest) });
    }
    if ((await svn.try(['info', dest])).rc === 0) {
      if (!a.update) return done({ changed: false });
      if (ctx.check) {
        if ((await svn.hasLocalMods(dest)) && !a.force) throw new ModuleFailure('ERROR: modified files exist in the repository.');
        const [before] = await svn.revision(dest);
        const after = await svn.targetRevision(dest, a.revision);
        const number = (line: string) => Number(line.split(':')[1]);
        return done({ changed: number(before) < number(after), before, after });
      }
      const before = await svn.revision(dest);
      const localMods = await svn.hasLocalMods(dest);
      let changed = a.switch ? await svn.changes(['switch', '--revision', a.revision, a.repo, dest]) : false;
      if (localMods) {
        if (!a.force) throw new ModuleFailure('ERROR: modified files exist in the repository.');
        // As Ansible: a revert "changes" when a line does not start with "Reverted ".
        changed = (await svn.run(['revert', '-R', dest])).some((l) => !l.startsWith('Reverted ')) || changed;
      }
      changed = (await svn.changes(['update', ...rev, dest])) || changed;
      return done({ changed: changed || localMods, before, after: await svn.revision(dest) });
    }
    if (a.in_place) {
      if (ctx.check) return done({ changed: true });
      await svn.run(['checkout', '--force', ...rev, a.repo, dest]);
      const localMods = await svn.hasLocalMods(dest);
      if (localMods && a.force) await svn.run(['revert', '-R', dest]);
      return done({ changed: true, before: null, after: await svn.revision(dest) });
    }
    throw new ModuleFailure(`ERROR: ${dest} folder already exists, but its not a subversion repository.`);
  },
};

export default subversion;
