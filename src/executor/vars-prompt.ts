// vars_prompt as ansible-playbook 2.14 asks it: before its play starts, each
// entry whose name -e does not set. On a terminal: "prompt [default]: " (twice
// with confirm, until both answers agree), hidden unless private is false.
// Off a terminal: a warning, no question. An empty answer (or none) is the
// default, or the text "None" without one; encrypt hashes the value as
// password_hash does; unsafe keeps it from being templated where it is used.
import { promptLine } from '../cli/prompt.js';
import { toBoolean } from '../module-api/module-args.js';
import type { Play } from '../playbook/types.js';
import { pyStr } from '../templating/python-repr.js';
import type { RunContext } from './context.js';

/** The terminal the questions are asked on (a stand-in in tests). */
export interface Asker {
  interactive(): boolean;
  ask(question: string, secret: boolean): Promise<string>;
}

export const terminalAsker: Asker = {
  interactive: () => process.stdin.isTTY === true,
  ask: promptLine,
};

const warned = new WeakSet<RunContext>();

const flag = (value: unknown, fallback: boolean): boolean =>
  value === undefined || value === null ? fallback : (toBoolean(value) ?? Boolean(value));

/** Asks `play`'s vars_prompt and sets the answers as play vars. */
export async function askVarsPrompt(play: Play, run: RunContext, asker: Asker = terminalAsker): Promise<void> {
  const { templar, options, reporter } = run;
  for (const raw of play.varsPrompt) {
    // Its fields may use the play's vars and extra vars, as in Ansible.
    const entry = templar.render(raw, templar.view({ ...play.vars, ...options.extraVars })) as Record<string, unknown>;
    const name = String(entry.name);
    if (name in options.extraVars) continue;
    const def = entry.default ?? undefined;
    let answer: string | undefined;
    if (asker.interactive()) {
      const prompt = entry.prompt ? pyStr(entry.prompt) : '';
      const question = prompt ? (def !== undefined ? `${prompt} [${pyStr(def)}]: ` : `${prompt}: `) : `input for ${name}: `;
      const secret = flag(entry.private, true);
      reporter.pause?.();
      for (;;) {
        answer = await asker.ask(question, secret);
        if (!flag(entry.confirm, false)) break;
        if ((await asker.ask(`confirm ${question}`, secret)) === answer) break;
        reporter.emit({ kind: 'display', text: '***** VALUES ENTERED DO NOT MATCH ****' });
        reporter.pause?.();
      }
    } else {
      // Once a run, as Ansible shows a warning once.
      if (!warned.has(run)) reporter.emit({ kind: 'warning', message: 'Not prompting as we are not in interactive mode' });
      warned.add(run);
    }
    // Python's to_text of None: no answer and no default is the text "None".
    let value = answer ? answer : def !== undefined ? pyStr(def) : (answer ?? 'None');
    if (entry.encrypt) value = hashed(run, value, entry);
    if (flag(entry.unsafe, false) && /[{][{%#]/.test(value)) value = `{% raw %}${value}{% endraw %}`;
    play.vars[name] = value;
  }
}

/** encrypt/salt/salt_size: the answer hashed as the password_hash filter hashes it. */
function hashed(run: RunContext, value: string, entry: Record<string, unknown>): string {
  const { templar } = run;
  const args = { v: value, e: entry.encrypt, s: entry.salt ?? null, n: entry.salt_size ?? null };
  return String(templar.render('{{ v | password_hash(e, s, n) }}', templar.view(args)));
}
