// lineinfile: make sure one line is in a file (or not), Ansible 2.14's way. The
// plan reads the file in one probe and computes the new content on the
// controller (src/line-edits/lineinfile-edit.ts); apply writes exactly that. In
// a real run, a file an earlier task read or wrote is edited in one round trip
// (planAndEdit in src/line-edits/file-edit.ts).
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { bytesToStr, strToBytes } from '../src/file-ops/line-edits/bytes.js';
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
import { lineInFileAbsent, lineInFilePresent, type LineOptions } from '../src/file-ops/line-edits/lineinfile-edit.js';

interface LineInFileArgs extends EditArgs, LineOptions {
  state: 'present' | 'absent';
  create: boolean;
}


const EXCLUSIVE: [string, string][] = [
  ['insertbefore', 'insertafter'],
  ['regexp', 'search_string'],
  ['backrefs', 'search_string'],
];

/** Ansible's mutually_exclusive check (an explicit backrefs=false is not seen: defaults are already applied). */
function checkExclusive(args: Record<string, unknown>): void {
  const clash = EXCLUSIVE.filter(([a, b]) => args[a] !== undefined && args[b] !== undefined && args[a] !== false && args[b] !== false);
  if (clash.length > 0) throw new ModuleFailure(`parameters are mutually exclusive: ${clash.map((c) => c.join('|')).join(', ')}`);
}

/** Ansible warns when regexp or search_string is empty (it matches every line). */
function emptyPatternWarning(args: LineInFileArgs): string | undefined {
  if (args.regexp !== '' && args.search_string !== '') return undefined;
  const what = args.regexp === '' ? 'regular expression' : 'search string';
  const hint = args.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : '';
  return (
    `The ${what} is an empty string, which will match every line in the file. This may have unintended ` +
    `consequences, such as replacing the last line in the file rather than appending.${hint}`
  );
}

/** The plan from the file as found (file-edit.ts probes it, or knows it). */
function planFrom(ctx: ModuleContext<LineInFileArgs>, target: Target): Plan<EditState> {
  const { args } = ctx;
  checkExclusive(args as unknown as Record<string, unknown>);
  attributeSpec(args); // a bad mode fails first, as in Ansible
  const st = target.state;
  if (st.type === 'directory') throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
  let edit;
  if (args.state === 'present') {
    if (args.backrefs && args.regexp === undefined) throw new ModuleFailure('regexp is required with backrefs=true');
    if (args.line === undefined) throw new ModuleFailure('line is required with state=present');
    if (!st.exists && !args.create) {
      throw new ModuleFailure(`Destination ${args.path} does not exist !`, { rc: 257 });
    }
    edit = lineInFilePresent(bytesToStr(st.content ?? Buffer.alloc(0)), args);
  } else {
    if (args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
      throw new ModuleFailure('one of line, search_string, or regexp is required with state=absent');
    }
    if (!st.exists) return { changed: false, result: { msg: 'file not present' } };
    edit = lineInFileAbsent(bytesToStr(st.content ?? Buffer.alloc(0)), args);
  }
  const edited = { before: st.content ?? Buffer.alloc(0), data: strToBytes(edit.text), changed: edit.changed, msg: edit.msg };
  return editPlan(ctx, target, edited, (msg) => {
    const result: ModuleResult = { msg, backup: '' };
    if (edit.found !== undefined) result.found = edit.found;
    const warning = emptyPatternWarning(args);
    if (warning) result.warnings = [warning];
    return result;
  });
}

const lineinfile: Module<LineInFileArgs, EditState> = {
  name: 'lineinfile',
  summary: 'Manage lines in text files',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      ...COMMON_OPTIONS,
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      regexp: { type: 'string' },
      search_string: { type: 'string' },
      line: { type: 'string' },
      insertafter: { type: 'string' },
      insertbefore: { type: 'string' },
      backrefs: { type: 'boolean', default: false },
      create: { type: 'boolean', default: false },
      firstmatch: { type: 'boolean', default: false },
    },
    required: ['path'],
  },
  optionAliases: { ...PATH_ALIASES, regex: 'regexp', value: 'line', attr: 'attributes' },

  ...editSteps(planFrom, 'backup'),
};

export default withSelinuxContext(lineinfile, (a) => ({ path: a.path }), { attrsMessage: ATTRS_MSG });
