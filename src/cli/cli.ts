// The command line: `tsplay run PLAYBOOK... [options]`, with ansible-playbook's
// flags so muscle memory works. Errors are printed once, with their place, and
// turned into Ansible's exit codes here and nowhere else.
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { ExitCode, OptionsError, TsplayError, formatError } from '../errors.js';
import { runOptions, type SharedRunFlags } from './run-options.js';
import { loadInventory } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import { JsonReporter, jsonError } from '../output/json.js';
import { BufferedOutput } from '../output/buffered-output.js';
import { TextReporter, displayColumns } from '../output/text.js';
import { colorWanted, painter, setOutputPaint } from '../output/color.js';
import { INTERRUPTED, onInterrupt } from './interrupt.js';
import { runPlaybooks } from '../executor/playbook-runner.js';
import { listing } from './listing.js';
import { PromptError, promptSecret } from './prompt.js';
import { TaskSpinner } from '../output/task-spinner.js';
import { playbooksUseHostFiles } from '../executor/host-files.js';
import { initRole } from './init-role.js';
import { addInfoCommands } from './info-commands.js';
import { addVaultCommand, addVaultOptions, setupRunVault, type VaultFlags } from '../vault/cli.js';
import { configureCommand, type SshExtras } from '../config/apply-config.js';
import { addExecCommand } from './adhoc.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const increase = (_: string, previous: number) => previous + 1;

interface RunFlags extends VaultFlags, SharedRunFlags {
  tags: string[];
  skipTags: string[];
  forks: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  output: string;
  askPass?: boolean;
  askBecomePass?: boolean;
  timeout: string;
  /** --color / --no-color; undefined when neither is given. */
  color?: boolean;
}

/** A prompt for a command-line flag (-k, -K): no answer is a bad option. */
async function askFlag(question: string): Promise<string> {
  try {
    return await promptSecret(question);
  } catch (e) {
    throw e instanceof PromptError ? new OptionsError(e.message) : e;
  }
}

/**
 * Asks once per key file for its passphrase, however many hosts use it;
 * `beforeAsking` lets the output written so far out first.
 */
function passphrasePrompter(beforeAsking: () => void): (keyFile: string) => Promise<string> {
  const asked = new Map<string, Promise<string>>();
  return (keyFile) => {
    let answer = asked.get(keyFile);
    if (!answer) {
      beforeAsking();
      answer = promptSecret(`Enter passphrase for key '${keyFile}': `);
      asked.set(keyFile, answer);
    }
    return answer;
  };
}

function splitTags(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}

async function runCommand(playbookFiles: string[], flags: RunFlags, ssh: SshExtras = {}): Promise<number> {
  const forks = Number(flags.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new OptionsError(`invalid --forks value: ${flags.forks}`);
  const timeout = Number(flags.timeout);
  if (!(timeout > 0)) throw new OptionsError(`invalid --timeout value: ${flags.timeout}`);
  // Asked in ansible-playbook's order: the SSH password, then the become password.
  const sshPassword = flags.askPass ? await askFlag('SSH password: ') : undefined;
  const becomePassword = flags.askBecomePass ? await askFlag('BECOME password: ') : undefined;
  // Colour as ansible-playbook decides it (src/output/color.ts); never in JSON.
  const color = flags.output !== 'json' && colorWanted({ env: process.env, isTTY: Boolean(process.stdout.isTTY), flag: flags.color });
  setOutputPaint(painter(color));
  await setupRunVault(flags); // then the vault passwords, before any file is read
  const options = runOptions(flags, {
    forks,
    timeoutSeconds: timeout,
    tags: splitTags(flags.tags),
    skipTags: splitTags(flags.skipTags),
    startAtTask: flags.startAtTask,
    sshPassword,
    becomePassword,
    askPassphrase: passphrasePrompter(() => buffered?.flush()),
    ssh,
  });
  // Everything is loaded and checked before any host is touched.
  const inventory = loadInventory(flags.inventory, { cwd: process.cwd() });
  const playbooks = playbookFiles.map((f) => loadPlaybook(resolve(f)));
  options.connectionSettings.agentAtConnect = playbooksUseHostFiles(playbooks);
  const write = (t: string) => process.stdout.write(t);
  if (flags.syntaxCheck) {
    write(`\nplaybook: ${playbookFiles.join(', ')}\n`);
    return ExitCode.ok;
  }
  if (flags.listHosts || flags.listTasks || flags.listTags) {
    write(listing(playbooks, inventory, options, { hosts: flags.listHosts, tasks: flags.listTasks, tags: flags.listTags }, playbookFiles));
    return ExitCode.ok;
  }
  const spinner = flags.output === 'json' ? undefined : taskSpinner();
  // Text is written once a turn of the event loop; not under the spinner,
  // which must be cleared around every line.
  const buffered = flags.output === 'json' || spinner ? undefined : new BufferedOutput(write);
  const reporter =
    flags.output === 'json'
      ? new JsonReporter(write)
      : new TextReporter(buffered?.write ?? write, {
          spinner,
          diff: options.diff,
          verbosity: options.verbosity,
          writeError: (t) => process.stderr.write(t),
          flush: () => buffered?.flush(),
          paint: painter(color),
          columns: displayColumns(process.stdout.isTTY ? process.stdout.columns : undefined),
        });
  // On Ctrl-C: the spinner gone and the output out before the message; in JSON, an error event.
  const offInterrupt = onInterrupt(async () => {
    reporter.close();
    buffered?.flush();
    if (flags.output === 'json') write(jsonError(INTERRUPTED));
  });
  try {
    return await runPlaybooks(playbooks, inventory, options, reporter);
  } finally {
    offInterrupt();
    reporter.close();
    buffered?.close();
  }
}

/**
 * The spinner on stderr when it is a terminal; ora is loaded only when a task
 * is slow enough to show it. A terminal that reports no width (a
 * pseudo-terminal nobody sized, e.g. under `script`) gets none: ora would
 * clear lines forever there.
 */
function taskSpinner(): TaskSpinner | undefined {
  if (!process.stderr.isTTY || !(process.stderr.columns > 0) || process.env.CI) return undefined;
  return new TaskSpinner(async () => {
    const { default: ora } = await import('ora');
    // discardStdin off: no raw mode on the terminal, so Ctrl-C stays a plain SIGINT.
    return (text) => ora({ text, stream: process.stderr, discardStdin: false });
  });
}

export function buildProgram(): Command {
  const program = new Command('tsplay').description('Run Ansible-style playbooks, fast.').exitOverride();
  const run = program
    .command('run')
    .description('run playbooks against hosts')
    .argument('<playbook...>', 'playbook files')
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the selected hosts')
    .option('-t, --tags <tags>', 'only run tasks with these tags', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', collect, [])
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON/YAML text, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts to run at once', '50')
    .option('-C, --check', 'plan only: report what would change, change nothing')
    .option('-D, --diff', 'show the differences in files a task changes')
    .option('-c, --connection <type>', 'connection type (local, ssh)')
    .option('-u, --user <name>', 'remote user')
    .option('-b, --become', 'run operations with become')
    .option('--become-user <user>', 'user to become')
    .option('--become-method <method>', 'sudo or su')
    .option('-v, --verbose', 'more output (repeat for more)', increase, 0)
    .option('--list-hosts', 'list the hosts each play would run on')
    .option('--list-tasks', 'list the tasks each play would run')
    .option('--list-tags', 'list the tags in the playbooks')
    .option('--syntax-check', 'check the playbooks, run nothing')
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--private-key <file>', 'SSH private key file')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become password')
    .option('-T, --timeout <seconds>', 'SSH connect timeout', '10')
    .addOption(
      new Option('--host-key-checking <mode>', 'verify host keys against known_hosts').choices(['strict', 'accept-new', 'off']),
    )
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--color', 'colour the text output, even when stdout is not a terminal')
    .option('--no-color', 'no colour in the text output')
    .action(async (files: string[], flags: RunFlags, cmd: Command) => {
      try {
        process.exitCode = await runCommand(files, flags, configureCommand(cmd, flags));
      } catch (e) {
        // Whoever reads the JSON on stdout learns why the run stopped (stderr still says it).
        if (flags.output === 'json') process.stdout.write(errorLine(e));
        throw e;
      }
    });
  addVaultOptions(run);
  addVaultCommand(program);
  addInfoCommands(program);
  addExecCommand(program);
  program
    .command('init')
    .description('start something new')
    .command('role')
    .description('scaffold a role: tasks, handlers, defaults, vars, meta with an argument spec, README, tests')
    .argument('<name>', 'role name')
    .option('--path <dir>', 'directory to create the role in', 'roles')
    .action((name: string, flags: { path: string }) => {
      process.stdout.write(`- Role ${name} was created in ${initRole(name, flags.path)}\n`);
    });
  return program;
}

/** An error that stops `run`, as the JSON output's error event. */
function errorLine(e: unknown): string {
  if (e instanceof TsplayError) return jsonError(e.message, e.location);
  return jsonError(`Unexpected Exception, this is probably a bug: ${e instanceof Error ? e.message : String(e)}`);
}

/** How many -v the command line has (-vvv, -v -v, --verbose). */
function verbosityOf(argv: string[]): number {
  return argv.reduce((n, a) => n + (/^-v+$/.test(a) ? a.length - 1 : a === '--verbose' ? 1 : 0), 0);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed its message; argparse-style misuse is exit 2 in ansible-playbook.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof TsplayError) {
      process.stderr.write(formatError(e) + '\n');
      return e.exitCode;
    }
    // A bug, not the user's input: its message, and the stack only at -vvv (as ansible-playbook).
    const message = e instanceof Error ? e.message : String(e);
    const trace = verbosityOf(argv) >= 3 && e instanceof Error ? `${e.stack ?? ''}\n` : 'to see the full traceback, use -vvv\n';
    process.stderr.write(`ERROR! Unexpected Exception, this is probably a bug: ${message}\n${trace}`);
    return ExitCode.unexpected;
  }
}
