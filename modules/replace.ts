// replace: substitute every match of a (Python-style) regex in a file, like
// Ansible 2.14's module. The plan reads the file in one probe and computes the
// new text on the controller (src/line-edits/replace-edit.ts); apply writes it.
import { ModuleFailure, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { replaceInText, type ReplaceOptions } from '../src/file-ops/line-edits/replace-edit.js';
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

interface ReplaceArgs extends EditArgs, ReplaceOptions {
  encoding: string;
}


/** Decode/encode with the `encoding` option (Node's TextDecoder names; writing only utf-8, latin-1, ascii, utf-16le). */
function codec(encoding: string): { decode(b: Buffer): string; encode(s: string): Buffer } {
  const name = encoding.toLowerCase().replace(/_/g, '-');
  const node: Record<string, BufferEncoding> = {
    'utf-8': 'utf8', utf8: 'utf8', 'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1',
    ascii: 'latin1', 'us-ascii': 'latin1', 'utf-16le': 'utf16le', 'utf-16-le': 'utf16le',
  };
  const enc = node[name];
  if (!enc) throw new ModuleFailure(`unsupported encoding: ${encoding}`);
  return { decode: (b) => b.toString(enc), encode: (s) => Buffer.from(s, enc) };
}

/** The plan from the file as found (file-edit.ts probes it, or knows it). */
function planFrom(ctx: ModuleContext<ReplaceArgs>, target: Target): Plan<EditState> {
  const { args } = ctx;
  attributeSpec(args); // a bad mode fails first, as in Ansible
  const { encode, decode } = codec(args.encoding);
  const st = target.state;
  if (st.type === 'directory') throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
  if (!st.exists) throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
  const before = st.content ?? Buffer.alloc(0);
  const text = decode(before);
  const edit = replaceInText(text, args);
  // A before/after pattern that does not match ends the task: no attributes either.
  if (!edit.changed && edit.msg) return { changed: false, result: { rc: 0, msg: edit.msg } };
  const data = edit.changed ? encode(edit.text) : before;
  // Ansible shows replace's text change alone, with the path as both headers.
  const textDiff = () => (edit.changed ? [{ before: text, after: edit.text, before_header: args.path, after_header: args.path }] : undefined);
  return editPlan(ctx, target, { before, data, changed: edit.changed, msg: edit.msg }, (msg) => ({ rc: 0, msg }), textDiff);
}

const replace: Module<ReplaceArgs, EditState> = {
  name: 'replace',
  summary: 'Replace all instances of a particular string in a file using a back-referenced regular expression',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      ...COMMON_OPTIONS,
      regexp: { type: 'string' },
      replace: { type: 'string', default: '' },
      after: { type: 'string' },
      before: { type: 'string' },
      encoding: { type: 'string', default: 'utf-8' },
    },
    required: ['path', 'regexp'],
  },
  optionAliases: { ...PATH_ALIASES, attr: 'attributes' },

  ...editSteps(planFrom, 'backup_file'),
};

export default withSelinuxContext(replace, (a) => ({ path: a.path }), { attrsMessage: ATTRS_MSG });
