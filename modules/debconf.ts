// debconf: one answer in the debconf database, as Ansible 2.14's debconf
// module decides it: read with debconf-show, set with debconf-set-selections
// (the line on stdin). A password's value never appears in results or diffs.
import { ModuleFailure, planOfSteps, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { mustRun, probe } from '../src/host/run.js';
import { raw, sh } from '../src/host/shell.js';
import { dictDiff } from '../src/file-ops/file-attributes.js';
import { debconfValue, parseDebconfShow, selectionLine } from '../src/debian/debconf.js';

interface DebconfArgs {
  name: string;
  question?: string;
  vtype?: string;
  value?: string;
  unseen: boolean;
}

interface DebconfState {
  line: string;
}

/** What Ansible shows for a value given in a no_log option. */
const HIDDEN = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';

const debconf: Module<DebconfArgs, DebconfState> = {
  name: 'debconf',
  summary: 'Configure a .deb package',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The package whose debconf database is read' },
      question: { type: 'string', description: 'The question (a debconf setting) to answer' },
      vtype: {
        type: 'string',
        enum: ['boolean', 'error', 'multiselect', 'note', 'password', 'seen', 'select', 'string', 'text', 'title'],
        description: "The question's type",
      },
      value: { type: 'string', description: 'The answer' },
      unseen: { type: 'boolean', default: false, description: 'Do not mark the question as seen (debconf-set-selections -u)' },
    },
    required: ['name'],
  },
  optionAliases: { pkg: 'name', selection: 'question', setting: 'question', answer: 'value' },
  async plan(ctx) {
    const a = ctx.args;
    const given = [a.question, a.vtype, a.value].filter((v) => v !== undefined && v !== null).length;
    if (given > 0 && given < 3) throw new ModuleFailure('parameters are required together: question, vtype, value');
    // Ansible runs `debconf-show NAME` split on blanks.
    const res = await probe(ctx.conn, raw(sh`debconf-show ${a.name.split(/\s+/).filter((w) => w !== '')}`));
    if (res.rc !== 0) throw new ModuleFailure(res.stderr);
    const prev = parseDebconfShow(res.stdout);
    if (a.question === undefined) return planOfSteps([], { msg: '', current: prev });
    const known = a.question in prev;
    // Ansible lowercases a boolean's value only to compare it with one debconf has.
    const value = known && a.vtype === 'boolean' ? a.value!.toLowerCase() : a.value!;
    if (known && value === (a.vtype === 'boolean' ? prev[a.question]!.toLowerCase() : prev[a.question])) {
      return planOfSteps([], { msg: '', current: prev });
    }
    const shown = a.vtype === 'password' ? HIDDEN : value;
    const previous = { [a.question]: known ? prev[a.question]! : '' };
    const current = { [a.question]: shown };
    const result: ModuleResult = { changed: true, msg: '', current, previous, diff: {} };
    return {
      changed: true,
      result,
      diff: [dictDiff(previous, { ...previous, ...current })],
      state: { line: selectionLine(a.name, a.question, a.vtype!, debconfValue(a.vtype!, value)) },
    };
  },
  async apply(ctx, p) {
    const res = await mustRun(ctx.conn, ['debconf-set-selections', ...(ctx.args.unseen ? ['-u'] : [])], { stdin: p.state!.line });
    return { result: { ...p.result, msg: res.stdout } };
  },
};

export default debconf;
