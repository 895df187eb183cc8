// The commands around a run: `tsplay doc` (as ansible-doc), `tsplay completion`
// (bash and zsh), and `tsplay --version`.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findModule, moduleNames } from '../../modules/index.js';
import { OptionsError } from '../errors.js';
import { findConfigFile } from '../config/find-config.js';
import { projectRoot } from '../paths.js';
import { moduleDoc, moduleList } from './module-doc.js';
import { completionScript } from './completion.js';

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `tsplay --version`, laid out as `ansible-playbook --version`. */
export function versionText(): string {
  const config = findConfigFile();
  return [
    `tsplay ${packageVersion()}`,
    `  config file = ${config.file ?? 'None'}`,
    `  node version = ${process.version}`,
    `  modules = ${moduleNames().length}`,
    `  executable location = ${process.argv[1] ?? 'tsplay'}`,
    '',
  ].join('\n');
}

export function addInfoCommands(program: Command): void {
  program.option('--version', 'show the version, the config file in use and the module count');
  program.on('option:version', () => {
    process.stdout.write(versionText());
    process.exit(0);
  });
  program
    .command('doc')
    .description("show a module's documentation (as ansible-doc)")
    .argument('[module]', 'module name (copy, ansible.builtin.copy)')
    .option('-l, --list', 'list every module with its summary')
    .action((name: string | undefined, flags: { list?: boolean }) => {
      if (flags.list || name === undefined) {
        process.stdout.write(moduleList());
        return;
      }
      const module = findModule(name);
      if (!module) throw new OptionsError(`module ${name} not found (tsplay doc --list shows every module)`);
      process.stdout.write(moduleDoc(module));
    });
  program
    .command('completion')
    .description('print a shell completion script: eval "$(tsplay completion bash)"')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new OptionsError(`completion: unknown shell '${shell}' (bash or zsh)`);
      process.stdout.write(completionScript(program, shell));
    });
}
