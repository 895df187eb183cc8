// blockinfile: keep a block of lines between marker lines in a file, Ansible
// 2.14's way. The plan reads the file in one probe and computes the new content
// on the controller (src/line-edits/blockinfile-edit.ts); apply writes it.
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-types.js';
import { bytesToStr, strToBytes } from '../src/line-edits/bytes.js';
import { blockInFile, DEFAULT_MARKER, type BlockOptions } from '../src/line-edits/blockinfile-edit.js';
import {
  attributeSpec,
  editSteps,
  COMMON_OPTIONS,
  editDiffs,
  PATH_ALIASES,
  withAttributes,
  type EditArgs,
  type Target,
  type EditState,
} from '../src/line-edits/file-edit.js';

interface BlockInFileArgs extends EditArgs, BlockOptions {
  create: boolean;
}

/** The plan from the file as found (file-edit.ts probes it, or knows it). */
function planFrom(ctx: ModuleContext<BlockInFileArgs>, target: Target): Plan<EditState> {
  const { args } = ctx;
  if (args.insertafter !== undefined && args.insertbefore !== undefined) {
    throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
  }
  const spec = attributeSpec(args);
  const st = target.state;
  if (st.type === 'directory') throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
  if (!st.exists && !args.create) throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
  if (!st.exists && args.state === 'absent') {
    return { changed: false, result: { msg: `File ${args.path} not present` } };
  }
  const before = st.content ?? Buffer.alloc(0);
  const edit = blockInFile(st.exists ? bytesToStr(before) : undefined, args);
  const data = strToBytes(edit.text);
  const { changed, msg, attrs } = withAttributes(st, spec, edit.changed, edit.msg);
  const result: ModuleResult = { msg };
  const diff = ctx.diff
    ? editDiffs(before, data, `${args.path} (content)`, { header: `${args.path} (file attributes)`, changes: attrs })
    : undefined;
  const state = { realPath: target.realPath, existed: st.exists, data, writeContent: edit.changed, attrs, result };
  return { changed, result, diff, state };
}

const blockinfile: Module<BlockInFileArgs, EditState> = {
  name: 'blockinfile',
  supportsCheckMode: true,
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
  optionAliases: { ...PATH_ALIASES, content: 'block' },

  ...editSteps(planFrom, 'backup_file'),
};

export default blockinfile;
