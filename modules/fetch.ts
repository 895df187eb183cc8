// fetch: copy a file from the host to the controller, to
// dest/<inventory_hostname>/<src path> (or dest itself with flat), as
// Ansible's fetch action does. Changed only when the controller's copy has
// other content (SHA-1 compared first, so an unchanged file is not sent).
// Check mode is not supported, as in Ansible: the task is skipped.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, basename } from 'node:path';
import { homedir } from 'node:os';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probePath, sha1 } from '../src/host/remote-files.js';
import { md5 } from '../src/file-ops/copy-core.js';
import { writeControllerFile } from '../src/executor/controller-writes.js';

interface FetchArgs {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

interface FetchState {
  dest: string;
  remoteChecksum: string;
}

const MISSING = 'the remote file does not exist, not transferring, ignored';
const IS_DIR = 'remote file is a directory, fetch cannot work on directories';

/** Where the file goes on the controller: Ansible's layout, relative paths from the playbook's directory. */
function controllerDest(args: FetchArgs, host: string, playbookDir: string): string {
  const expanded = args.dest.replace(/^~(?=\/|$)/, homedir());
  const dwim = (p: string) => (isAbsolute(p) ? p : join(playbookDir, p));
  if (!args.flat) return normalize(`${dwim(expanded)}/${host}/${args.src}`);
  if (!expanded.endsWith('/') && existsSync(expanded) && statSync(expanded).isDirectory()) {
    throw new ModuleFailure('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
  }
  return normalize(dwim(expanded.endsWith('/') ? join(expanded, basename(args.src)) : expanded));
}

function localChecksum(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? sha1(readFileSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

const fetch: Module<FetchArgs, FetchState> = {
  name: 'fetch',
  summary: 'Fetch files from remote nodes',
  supportsCheckMode: false,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'The file on the host to fetch (not a directory).' },
      dest: { type: 'string', description: 'Directory on the controller to save it under (the file itself with flat).' },
      flat: { type: 'boolean', default: false, description: 'Save to dest itself, without the host name and path of src.' },
      fail_on_missing: { type: 'boolean', default: true, description: 'Fail when src is missing or a directory.' },
      validate_checksum: { type: 'boolean', default: true, description: 'Verify the fetched file against the host checksum.' },
    },
    required: ['src', 'dest'],
  },
  async plan(ctx) {
    const { args } = ctx;
    if (ctx.check) return { changed: false, unpredictable: 'check mode not (yet) supported for this module' };
    const st = await probePath(ctx.conn, args.src, { follow: true, checksum: true });
    if (!st.exists || st.type === 'directory' || st.checksum === undefined) {
      const dir = st.type === 'directory';
      if (!args.fail_on_missing) {
        const result: ModuleResult = dir ? { msg: `${IS_DIR}, not transferring, ignored` } : { changed: false, file: args.src, msg: MISSING };
        return { changed: false, result };
      }
      throw new ModuleFailure(dir ? IS_DIR : st.exists ? `file is not readable: ${args.src}` : MISSING);
    }
    const dest = controllerDest(args, ctx.host, ctx.task.playbookDir);
    const local = localChecksum(dest);
    if (local === st.checksum) {
      const data = readFileSync(dest);
      return { changed: false, result: { changed: false, md5sum: md5(data), file: args.src, dest, checksum: local } };
    }
    return { changed: true, result: { changed: true }, state: { dest, remoteChecksum: st.checksum } };
  },
  async apply(ctx, plan) {
    const { dest, remoteChecksum } = plan.state!;
    const st = await probePath(ctx.conn, ctx.args.src, { follow: true, content: true });
    if (!st.content) throw new ModuleFailure(`file is not readable: ${ctx.args.src}`);
    const data = st.content;
    try {
      writeControllerFile(dest, data);
    } catch (e) {
      throw new ModuleFailure(`Failed to fetch the file: ${(e as Error).message}`);
    }
    const checksum = sha1(data);
    const sums = { md5sum: md5(data), checksum, remote_checksum: remoteChecksum };
    if (ctx.args.validate_checksum && checksum !== remoteChecksum) {
      throw new ModuleFailure('checksum mismatch', { ...sums, file: ctx.args.src, dest, remote_md5sum: null });
    }
    return { result: { changed: true, md5sum: sums.md5sum, dest, remote_md5sum: null, checksum, remote_checksum: remoteChecksum } };
  },
};

export default fetch;
