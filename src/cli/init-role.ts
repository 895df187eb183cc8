// `tsplay init role NAME [--path DIR]`: a new role's skeleton, in the layout
// Ansible expects, that passes a syntax check and runs as it is (one harmless
// task), with an argument spec and a test playbook to start from.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OptionsError, TsplayError } from '../errors.js';

/** The files of a new role, by path inside it; a path ending in / is an empty directory. */
export function roleSkeleton(name: string): Record<string, string> {
  const option = `${name.replace(/[^A-Za-z0-9_]/g, '_')}_message`;
  return {
    'tasks/main.yml': `---
# The role's tasks. This one only prints: replace it with your own.
- name: Say what the role was given
  ansible.builtin.debug:
    msg: "{{ ${option} }}"
`,
    'handlers/main.yml': `---
# Handlers: tasks run once at the end of a section when a task notifies them.
[]
`,
    'defaults/main.yml': `---
# Defaults: the lowest-precedence variables, for users of the role to override.
${option}: Hello from ${name}
`,
    'vars/main.yml': `---
# Role variables: high precedence, for values users should not need to change.
{}
`,
    'templates/': '',
    'files/': '',
    'meta/main.yml': `---
galaxy_info:
  author: your name
  description: What ${name} sets up
  license: MIT
  min_ansible_version: "2.14"
dependencies: []
`,
    'meta/argument_specs.yml': `---
# Checked before the role's tasks run (a task "Validating arguments against arg spec 'main'").
argument_specs:
  main:
    short_description: What ${name} sets up
    options:
      ${option}:
        type: str
        description: The message the role prints
        default: Hello from ${name}
`,
    'README.md': `# ${name}

What this role does, in a sentence or two.

## Variables

| Name | Default | Meaning |
| --- | --- | --- |
| \`${option}\` | \`Hello from ${name}\` | The message the role prints |

Every variable is declared in \`meta/argument_specs.yml\`, which is checked before the
role's tasks run.

## Trying it

\`\`\`sh
tsplay run tests/test.yml -i tests/inventory --syntax-check
tsplay run tests/test.yml -i tests/inventory --check --diff
tsplay run tests/test.yml -i tests/inventory
\`\`\`
`,
    'tests/inventory': `localhost ansible_connection=local
`,
    'tests/test.yml': `---
# Runs the role on this machine: tsplay run tests/test.yml -i tests/inventory
- name: Test ${name}
  hosts: localhost
  gather_facts: false
  roles:
    - role: ../../${name}
`,
  };
}

/** Write the skeleton of role `name` under `path` (default ./roles); returns the role's directory. */
export function initRole(name: string, path: string | undefined): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new OptionsError(`invalid role name '${name}': use letters, digits, '_', '-' and '.'`);
  }
  const dir = resolve(path ?? 'roles', name);
  // Never touch what is there: a half-overwritten role is worse than none (exit 1, as ansible-galaxy).
  if (existsSync(dir)) throw new TsplayError(`${dir} already exists; not overwriting it`);
  for (const [file, text] of Object.entries(roleSkeleton(name))) {
    const target = join(dir, file);
    if (file.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}
