// The legacy `include` task of Ansible 2.14 (deprecated): a tasks file taken
// in statically (as import_tasks) unless it loops or names its file with a
// template (then dynamically, as include_tasks). Its k=v words are variables.
// At play level `include` is refused, as 2.14 refuses it (load-playbook.ts).
import type { Raw } from './field-checks.js';
import { WITH_LOOPS } from './keywords.js';
import { outputPaint } from '../output/color.js';
import { deprecationText } from '../output/textwrap.js';

const DEPRECATION =
  '"include" is deprecated, use include_tasks/import_tasks instead. See https://docs.ansible.com/ansible-core/2.14/user_guide/playbooks_reuse_includes.html for details. This feature will be removed in version 2.16. Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.';

let warned = false;

/** Ansible prints its deprecation once, when the playbook loads (unless ANSIBLE_DEPRECATION_WARNINGS is off). */
function warnOnce(): void {
  if (warned) return;
  warned = true;
  const setting = (process.env.ANSIBLE_DEPRECATION_WARNINGS ?? 'true').trim().toLowerCase();
  if (['0', 'false', 'no', 'off', 'n', 'f'].includes(setting)) return;
  process.stderr.write(`${outputPaint()(deprecationText(DEPRECATION), 'deprecate')}\n`);
}

export interface LegacyInclude {
  action: 'import_tasks' | 'include_tasks';
  args: Raw;
  /** The k=v words: variables of the included tasks. */
  vars: Raw;
}

/** What an `include` task stands for. */
export function legacyInclude(args: Raw, raw: Raw): LegacyInclude {
  warnOnce();
  const { _raw_params, file, ...vars } = args;
  const target = file ?? _raw_params;
  const loops = raw.loop !== undefined || Object.keys(raw).some((k) => WITH_LOOPS.has(k));
  const templated = typeof target === 'string' && target.includes('{{');
  if (loops || templated) return { action: 'include_tasks', args: { file: target, vars }, vars: {} };
  return { action: 'import_tasks', args: { file: target }, vars };
}
