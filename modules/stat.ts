// stat: describe a host path (never changes anything).
import { modeFlags } from '../src/file-ops/mode-flags.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { formatMode } from '../src/file-ops/file-attributes.js';
import { statPaths, type ChecksumAlgorithm } from '../src/host/remote-stat.js';

interface StatArgs {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  checksum_algorithm: ChecksumAlgorithm;
  get_mime?: boolean;
  get_attributes?: boolean;
  get_md5?: boolean;
}

const stat: Module<StatArgs, undefined> = {
  name: 'stat',
  summary: 'Retrieve file or file system status',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      follow: { type: 'boolean', default: false },
      get_checksum: { type: 'boolean', default: true },
      checksum_algorithm: {
        type: 'string',
        enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
        default: 'sha1',
      },
      get_mime: { type: 'boolean', default: true },
      get_attributes: { type: 'boolean', default: true },
      get_md5: { type: 'boolean', default: false },
    },
    required: ['path'],
  },
  optionAliases: {
    dest: 'path',
    name: 'path',
    checksum: 'checksum_algorithm',
    checksum_algo: 'checksum_algorithm',
    mime: 'get_mime',
    mime_type: 'get_mime',
    'mime-type': 'get_mime',
    attributes: 'get_attributes',
    attr: 'get_attributes',
  },
  async plan(ctx) {
    const { path, follow, get_checksum, checksum_algorithm } = ctx.args;
    const [st] = await statPaths(ctx.conn, [
      { path, follow, checksum: get_checksum ? (checksum_algorithm ?? 'sha1') : undefined },
    ]);
    if (!st) throw new ModuleFailure(`could not stat ${path}`);
    if (!st.exists) return { changed: false, result: { changed: false, stat: { exists: false } } };
    const m = st.rawMode!;
    const out: Record<string, unknown> = {
      exists: true,
      path,
      mode: formatMode(m),
      isdir: st.kind === 'directory',
      ischr: st.kind === 'chr',
      isblk: st.kind === 'blk',
      isreg: st.kind === 'file',
      isfifo: st.kind === 'fifo',
      islnk: st.kind === 'link',
      issock: st.kind === 'socket',
      uid: st.uid,
      gid: st.gid,
      size: st.size,
      inode: st.inode,
      dev: st.dev,
      nlink: st.nlink,
      atime: st.atime,
      mtime: st.mtime,
      ctime: st.ctime,
      ...modeFlags(m),
      blocks: st.blocks,
      block_size: st.blockSize,
      device_type: st.deviceType,
      readable: st.readable,
      writeable: st.writeable,
      executable: st.executable,
      pw_name: st.owner,
      gr_name: st.group,
    };
    if (st.kind === 'link') {
      out.lnk_source = st.realPath;
      out.lnk_target = st.linkTarget;
    }
    if (st.checksum !== undefined) out.checksum = st.checksum;
    return { changed: false, result: { changed: false, stat: out } };
  },
};

export default stat;
