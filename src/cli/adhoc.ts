// `tsplay exec PATTERN -m MODULE -a ARGS`: an ad-hoc command as `ansible`
// runs one. It is a one-task play (gather_facts off) run by the same engine as
// `tsplay run`, printed as ansible's minimal or oneline callback prints it.
import { warningText } from '../output/textwrap.js';
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { ExitCode, OptionsError } from '../errors.js';
import { runOptions, type SharedRunFlags } from './run-options.js';
import { PromptError, promptSecret } from './prompt.js';
import { loadInventory } from '../inventory/index.js';
import { loadPlay } from '../playbook/load-playbook.js';
import type { Playbook } from '../playbook/types.js';
import { runPlaybooks } from '../executor/playbook-runner.js';
import { JsonReporter } from '../output/json.js';
import { AdhocReporter } from '../output/adhoc.js';
import { colorWanted, painter } from '../output/color.js';
import { addVaultOptions, setupRunVault, type VaultFlags } from '../vault/cli.js';
import { configureCommand, type SshExtras } from '../config/apply-config.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const increase = (_: string, previous: number) => previous + 1;

/** Modules ansible refuses to run without -a (C.MODULE_REQUIRE_ARGS). */
const REQUIRE_ARGS = new Set(['command', 'shell', 'raw', 'script', 'win_command', 'win_shell']);

interface ExecFlags extends VaultFlags, SharedRunFlags {
  /** --color / --no-color; undefined when neither is given. */
  color?: boolean;
  moduleName: string;
  args?: string;
  forks: string;
  oneLine?: boolean;
  listHosts?: boolean;
  background?: string;
  poll: string;
  askPass?: boolean;
  askBecomePass?: boolean;
  timeout: string;
  output: string;
}

async function ask(question: string): Promise<string> {
  try {
    return await promptSecret(question);
  } catch (e) {
    throw e instanceof PromptError ? new OptionsError(e.message) : e;
  }
}

/** -a as ansible reads it: a JSON object, else k=v text (free form for command-like modules, split by the task loader). */
export function moduleArgs(module: string, text: string | undefined): unknown {
  const t = text ?? '';
  if (t.startsWith('{') && t.endsWith('}')) {
    try {
      const parsed: unknown = JSON.parse(t.trim());
      if (parsed && typeof parsed === 'object' && Object.keys(parsed).length > 0) return parsed;
    } catch {
      // not JSON: k=v text, as ansible falls back
    }
  }
  return t === '' ? {} : t;
}

/** -B/-P: run the task in the background for at most `seconds`, checking every `poll` (0: do not wait). */
export interface Background {
  seconds: number;
  poll: number;
}

/** The play ansible builds for an ad-hoc command. */
export function adhocPlaybook(pattern: string, module: string, args: string | undefined, dir: string, background?: Background): Playbook {
  const task = { [module]: moduleArgs(module, args), ...(background ? { async: background.seconds, poll: background.poll } : {}) };
  const raw = { name: 'Ansible Ad-Hoc', hosts: pattern, gather_facts: false, tasks: [task] };
  const at = { file: '__adhoc_playbook__', line: 1, col: 1 };
  return { file: resolve(dir, '__adhoc_playbook__'), plays: [loadPlay(raw, at, dir)] };
}

/** -B and -P as ansible takes them: whole seconds; -P alone does nothing. */
function backgroundOf(flags: ExecFlags): Background | undefined {
  const whole = (text: string, name: string): number => {
    if (!/^\d+$/.test(text.trim())) throw new OptionsError(`argument ${name}: invalid int value: '${text}'`);
    return Number(text);
  };
  const poll = whole(flags.poll, '-P/--poll');
  if (flags.background === undefined) return undefined;
  const seconds = whole(flags.background, '-B/--background');
  return seconds > 0 ? { seconds, poll } : undefined;
}

async function execCommand(pattern: string, flags: ExecFlags, ssh: SshExtras): Promise<number> {
  const module = flags.moduleName;
  const forks = Number(flags.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new OptionsError(`invalid --forks value: ${flags.forks}`);
  const timeout = Number(flags.timeout);
  if (!(timeout > 0)) throw new OptionsError(`invalid --timeout value: ${flags.timeout}`);
  const background = backgroundOf(flags);
  const write = (t: string) => process.stdout.write(t);
  const writeError = (t: string) => process.stderr.write(t);
  const inventory = loadInventory(flags.inventory, { cwd: process.cwd() });
  const hosts = inventory.selectHosts(pattern, flags.limit);
  if (hosts.length === 0) {
    if (flags.limit !== undefined) throw new OptionsError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
    if (inventory.selectHosts(pattern).length === 0) writeError(`${warningText(`Could not match supplied host pattern, ignoring: ${pattern}`)}\n`);
    writeError('[WARNING]: No hosts matched, nothing to do\n');
  }
  if (flags.listHosts) {
    write(`  hosts (${hosts.length}):\n${hosts.map((h) => `    ${h}\n`).join('')}`);
    return ExitCode.ok;
  }
  if (REQUIRE_ARGS.has(module.replace(/^ansible\.(builtin|legacy)\./, '')) && !flags.args) {
    throw new OptionsError(`No argument passed to ${module} module${pattern.endsWith('.yml') ? ' (did you mean to run ansible-playbook?)' : ''}`);
  }
  if (hosts.length === 0) return ExitCode.ok;
  const sshPassword = flags.askPass ? await ask('SSH password: ') : undefined;
  const becomePassword = flags.askBecomePass ? await ask('BECOME password: ') : undefined;
  await setupRunVault(flags);
  const playbook = adhocPlaybook(pattern, module, flags.args, process.cwd(), background);
  const options = runOptions(flags, {
    forks,
    timeoutSeconds: timeout,
    tags: [],
    skipTags: [],
    sshPassword,
    becomePassword,
    askPassphrase: (keyFile) => ask(`Enter passphrase for key '${keyFile}': `),
    ssh,
  });
  const reporter =
    flags.output === 'json'
      ? new JsonReporter(write)
      : new AdhocReporter({
          module,
          oneLine: Boolean(flags.oneLine),
          diff: options.diff,
          verbosity: flags.verbose,
          write,
          writeError,
          // As `ansible` decides colour (src/output/color.ts): on a colour terminal, or forced.
          paint: painter(colorWanted({ env: process.env, isTTY: Boolean(process.stdout.isTTY), flag: flags.color })),
        });
  try {
    return await runPlaybooks([playbook], inventory, options, reporter);
  } finally {
    reporter.close();
  }
}

/** `tsplay exec`, with ansible's options. */
export function addExecCommand(program: Command): void {
  const exec = program
    .command('exec')
    .description('run one module on hosts, as the ansible command does (ad-hoc)')
    .argument('<pattern>', 'host pattern')
    .option('-m, --module-name <module>', 'module to run', 'command')
    .option('-a, --args <args>', "the module's options: k=v text, free form for command/shell, or a JSON object")
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the selected hosts')
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON/YAML text, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts to run at once', '50')
    .option('-C, --check', 'change nothing: report what would change')
    .option('-D, --diff', 'show the differences in files the module changes')
    .option('-o, --one-line', 'one line per host')
    .option('-B, --background <seconds>', 'run in the background, for at most this many seconds')
    .option('-P, --poll <interval>', 'with -B: check the background job every this many seconds (0: do not wait)', '15')
    .option('--color', 'colour the output, even when stdout is not a terminal')
    .option('--no-color', 'no colour in the output')
    .option('-c, --connection <type>', 'connection type (local, ssh)')
    .option('-u, --user <name>', 'remote user')
    .option('-b, --become', 'run with become')
    .option('--become-user <user>', 'user to become')
    .option('--become-method <method>', 'sudo or su')
    .option('-v, --verbose', 'more output (repeat for more)', increase, 0)
    .option('--list-hosts', 'list the matching hosts, run nothing')
    .option('--private-key <file>', 'SSH private key file')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become password')
    .option('-T, --timeout <seconds>', 'SSH connect timeout', '10')
    .addOption(new Option('--host-key-checking <mode>', 'verify host keys against known_hosts').choices(['strict', 'accept-new', 'off']))
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (pattern: string, flags: ExecFlags, cmd: Command) => {
      process.exitCode = await execCommand(pattern, flags, configureCommand(cmd, flags, { adhoc: true }));
    });
  addVaultOptions(exec);
}
