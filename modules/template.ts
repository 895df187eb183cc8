// template: render a controller-side Jinja template, then put the result at
// dest exactly as copy does with content.
import { basename } from 'node:path';
import { ModuleFailure, type ControllerFile, type Module, type ModuleContext } from '../src/module-api/module-types.js';
import { contentWriter, findControllerFile, type ContentSource, type WriteArgs, type WritePlanState } from '../src/file-ops/copy-core.js';
import { templateVars } from '../src/templating/template-vars.js';
import { TemplateNotFound, TemplateTypeError, UndefinedVariableError } from '../src/templating/errors.js';
import { SELINUX_OPTIONS } from '../src/file-ops/file-attributes.js';
import { destOf, withSelinuxContext } from '../src/file-ops/selinux-module.js';

export interface TemplateArgs extends WriteArgs {
  src: string;
  newline_sequence: '\n' | '\r' | '\r\n';
  trim_blocks?: boolean;
  lstrip_blocks?: boolean;
  output_encoding?: string;
}

/** The rendered template, as the content copy-core puts at dest. */
function renderSource(ctx: ModuleContext<TemplateArgs>): ContentSource {
  const srcPath = findControllerFile(ctx, 'templates', ctx.args.src);
  let source: ControllerFile;
  let text: string;
  try {
    source = ctx.readFile(srcPath);
    // ansible_managed and template_* as Ansible sets them for a template.
    text = ctx.renderTemplate(source.data.toString('utf8'), templateVars(srcPath, ctx.args.dest), srcPath);
  } catch (e) {
    // Ansible reports Jinja's own exception for a template an include names but cannot find
    if (e instanceof TemplateNotFound) throw new ModuleFailure(e.message, { exception: `jinja2.exceptions.${e.message}` });
    if (e instanceof TemplateTypeError) throw new ModuleFailure(`AnsibleError: ${e.message}`, { exception: `ansible.errors.AnsibleError: ${e.message}` });
    // An undefined variable is named as Ansible's AnsibleUndefinedVariable does (its message twice).
    if (e instanceof UndefinedVariableError) {
      const msg = `${e.message}. ${e.message}`;
      throw new ModuleFailure(`AnsibleUndefinedVariable: ${msg}`, { exception: `ansible.errors.AnsibleUndefinedVariable: ${msg}` });
    }
    throw new ModuleFailure(`AnsibleError: ${(e as Error).message}`);
  }
  const nl = ctx.args.newline_sequence ?? '\n';
  if (nl !== '\n') text = text.replace(/\r\n|\r|\n/g, nl);
  return {
    data: Buffer.from(text, 'utf8'),
    header: srcPath,
    basename: basename(srcPath),
    src: srcPath,
    mode: source.mode,
  };
}

const template: Module<TemplateArgs, WritePlanState> = {
  name: 'template',
  summary: 'Template a file out to a target host',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string' },
      dest: { type: 'string' },
      mode: { type: ['string', 'integer'] },
      owner: { type: 'string' },
      group: { type: 'string' },
      backup: { type: 'boolean', default: false },
      force: { type: 'boolean', default: true },
      validate: { type: 'string' },
      follow: { type: 'boolean', default: false },
      newline_sequence: { type: 'string', enum: ['\n', '\r', '\r\n'], default: '\n' },
      trim_blocks: { type: 'boolean', default: true },
      lstrip_blocks: { type: 'boolean', default: false },
      output_encoding: { type: 'string', default: 'utf-8' },
      variable_start_string: { type: 'string' },
      variable_end_string: { type: 'string' },
      block_start_string: { type: 'string' },
      block_end_string: { type: 'string' },
      comment_start_string: { type: 'string' },
      comment_end_string: { type: 'string' },
      ...SELINUX_OPTIONS,
      unsafe_writes: { type: 'boolean', default: false },
      attributes: { type: 'string' },
    },
    required: ['src', 'dest'],
  },
  optionAliases: { attr: 'attributes' },
  ...contentWriter(renderSource),
};

export default withSelinuxContext(template, (a, plan) => destOf(plan, a));
