// blockinfile: keep a block of lines between marker lines in a file, Ansible
// 2.14's way. The plan reads the file in one probe and computes the new content
// on the controller (src/line-edits/blockinfile-edit.ts); apply writes it.
import { ModuleFailure, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { bytesToStr, strToBytes } from '../src/file-ops/line-edits/bytes.js';
import { blockInFile, DEFAULT_MARKER, type BlockOptions } from '../src/file-ops/line-edits/blockinfile-edit.js';
import {
  attributeSpec,
  editPlan,
  editSteps,
  COMMON_OPTIONS,
  ATTRS_MSG,
  PATH_ALIASES,
  type EditArgs,
  type Target,
  type EditState,
} from '../src/file-ops/line-edits/file-edit.js';
import { withSelinuxContext } from '../src/file-ops/selinux-module.js';

interface BlockInFileArgs extends EditArgs, BlockOptions {
  create: boolean;
}

/** The plan from the file as found (file-edit.ts probes it, or knows it). */
function planFrom(ctx: ModuleContext<BlockInFileArgs>, target: Target): Plan<EditState> {
  const { args } = ctx;
  if (args.insertafter !== undefined && args.insertbefore !== undefined) {
    throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
  }
  attributeSpec(args); // a bad mode fails first, as in Ansible
  const st = target.state;
  if (st.type === 'directory') throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
  if (!st.exists && !args.create) throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
  if (!st.exists && args.state === 'absent') {
    return { changed: false, result: { msg: `File ${args.path} not present` } };
  }
  const before = st.content ?? Buffer.alloc(0);
  const edit = blockInFile(st.exists ? bytesToStr(before) : undefined, args);
  return editPlan(ctx, target, { before, data: strToBytes(edit.text), changed: edit.changed, msg: edit.msg }, (msg) => ({ msg }));
}

const blockinfile: Module<BlockInFileArgs, EditState> = {
  name: 'blockinfile',
  summary: 'Insert/update/remove a text block surrounded by marker lines',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      ...COMMON_OPTIONS,
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      marker: { type: 'string', default: DEFAULT_MARKER },
      block: { type: 'string', default: '' },
      insertafter: { type: 'string' },
      insertbefore: { type: 'string' },
      create: { type: 'boolean', default: false },
      marker_begin: { type: 'string', default: 'BEGIN' },
      marker_end: { type: 'string', default: 'END' },
    },
    required: ['path'],
  },
  optionAliases: { ...PATH_ALIASES, content: 'block', attr: 'attributes' },

  ...editSteps(planFrom, 'backup_file'),
};

export default withSelinuxContext(blockinfile, (a) => ({ path: a.path }), { attrsMessage: ATTRS_MSG });
