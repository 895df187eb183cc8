// tempfile: create a uniquely named temporary file (mode 0600) or directory
// (0700) on the host, with Ansible's default prefix, in the host's temporary
// directory unless `path` says where. Always changed; no check mode, as Ansible.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { raw, sh } from '../src/host/shell.js';
import { formatMode } from '../src/file-ops/file-attributes.js';

interface TempfileArgs {
  state: 'file' | 'directory';
  path?: string;
  prefix: string;
  suffix: string;
}

const tempfile: Module<TempfileArgs, undefined> = {
  name: 'tempfile',
  summary: 'Creates temporary files and directories',
  supportsCheckMode: false,
  hostFiles: false,
  schema: {
    type: 'object',
    properties: {
      state: { type: 'string', enum: ['file', 'directory'], default: 'file', description: 'Whether to create a file or a directory.' },
      path: { type: 'string', description: 'Directory to create it in (default: the host temporary directory).' },
      prefix: { type: 'string', default: 'ansible.', description: 'Prefix of the name.' },
      suffix: { type: 'string', default: '', description: 'Suffix of the name.' },
    },
  },
  async plan() {
    return { changed: true, result: { changed: true } };
  },
  async apply(ctx) {
    const { state, path, prefix, suffix } = ctx.args;
    // mktemp wants its X run last in the template: the suffix goes by --suffix; Python's 8 random characters.
    const dir = path !== undefined ? sh`${path}` : '"${TMPDIR:-/tmp}"';
    const flags = state === 'directory' ? '-d ' : '';
    const script = [
      `p=$(mktemp ${flags}--tmpdir=${dir} ${sh`--suffix=${suffix} -- ${`${prefix}XXXXXXXX`}`}) || exit 1`,
      `stat -c '%n|%a|%u|%g|%U|%G|%s' -- "$p"`,
    ].join('\n');
    const res = await probe(ctx.conn, raw(script));
    if (res.rc !== 0) throw new ModuleFailure(res.stderr.trim() || `exit ${res.rc}`);
    const line = res.stdout.trimEnd();
    const [size, group, owner, gid, uid, mode] = line.split('|').reverse();
    const created = line.slice(0, line.length - [mode, uid, gid, owner, group, size].join('|').length - 1);
    return {
      result: {
        changed: true,
        path: created,
        uid: Number(uid),
        gid: Number(gid),
        owner,
        group,
        mode: formatMode(parseInt(mode!, 8)),
        state,
        size: Number(size),
      },
    };
  },
};

export default tempfile;
