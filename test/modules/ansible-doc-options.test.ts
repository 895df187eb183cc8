// Every module's options and aliases are those ansible-core 2.14 takes:
// ansible-doc's, plus what Ansible's code accepts without documenting it (each
// listed below with where Ansible takes it). An option tsplay takes and 2.14
// refuses (command's `warn`, copy's `thirsty`) would make a playbook pass here
// and fail there.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findModule, moduleNames } from '../../modules/index.js';

/** Pseudo-options ansible-doc lists for free-form text, not options a task can name. */
const PSEUDO = new Set(['free_form', 'free-form', 'others', 'key_value']);

/** Taken by Ansible's code but not in ansible-doc, per module: options, then aliases as alias->option. */
const UNDOCUMENTED: Record<string, string[]> = {
  // plugins/action/assemble.py reads `follow` itself.
  assemble: ['follow'],
  // plugins/action/assert.py takes `msg` as the old name of fail_msg.
  assert: ['msg', '-msg->fail_msg'],
  // plugins/action/gather_facts.py passes its arguments on to the setup module.
  gather_facts: ['gather_subset', 'filter', 'gather_timeout', 'fact_path'],
  // plugins/action/reboot.py reads each timeout under its old *_sec name too.
  reboot: ['connect_timeout_sec->connect_timeout', 'post_reboot_delay_sec->post_reboot_delay', 'pre_reboot_delay_sec->pre_reboot_delay', 'reboot_timeout_sec->reboot_timeout'],
  // shell runs the command module, which takes strip_empty_ends.
  shell: ['strip_empty_ends'],
  // modules/stat.py still has get_md5 in its argument_spec.
  stat: ['get_md5'],
  // plugins/action/validate_argument_spec.py reads it.
  validate_argument_spec: ['validate_args_context'],
  // add_host takes any key (host variables); its name and groups aliases are read by the module.
  add_host: ['-group->groups', '-groupname->groups', '-host->name', '-hostname->name'],
};

/** tsplay's own modules (not in ansible-core), and service_facts, which ansible-doc cannot document. */
const NOT_IN_ANSIBLE_DOC = new Set(['etcdctl', 'iplink', 'service_facts']);

type DocOption = { aliases?: string[] };

const hasDoc = spawnSync('ansible-doc', ['--version']).status === 0;
describe.skipIf(!hasDoc && process.env.CI !== 'true')("every module's options are ansible-core 2.14's", () => {
  const names = moduleNames().filter((n) => !NOT_IN_ANSIBLE_DOC.has(n));
  const docs = JSON.parse(execFileSync('ansible-doc', ['--json', '-t', 'module', ...names], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, { doc: { options?: Record<string, DocOption> } }>;

  it.each(names)('%s', (name) => {
    const options = docs[name]?.doc.options ?? {};
    const module = findModule(name)!;
    const mine = Object.keys((module.schema as { properties: object }).properties).filter((o) => !o.startsWith('_'));
    const myAliases = Object.entries(module.optionAliases ?? {}).map(([a, o]) => `${a}->${o}`);
    const theirs = Object.keys(options).filter((o) => !PSEUDO.has(o));
    const theirAliases = Object.entries(options).flatMap(([o, d]) => (d.aliases ?? []).map((a) => `${a}->${o}`));
    const extra = UNDOCUMENTED[name] ?? [];
    // "-x": documented by Ansible, taken by tsplay another way (see above).
    const expected = [...theirs, ...theirAliases, ...extra.filter((e) => !e.startsWith('-'))].filter((e) => !extra.includes(`-${e}`));
    expect([...mine, ...myAliases].sort()).toEqual(expected.sort());
  });
});
