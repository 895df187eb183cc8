// The engine's RunOptions from the flags `run` and `exec` share, so that both
// commands connect, become and template alike.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunOptions } from '../executor/context.js';
import { hostKeyCheckingFromEnv, type ConnectionSettings } from '../connection/factory.js';
import type { HostKeyChecking } from '../connection/ssh.js';
import type { SshExtras } from '../config/apply-config.js';
import { parseExtraVars } from './extra-vars.js';

export interface SharedRunFlags {
  inventory: string[];
  limit?: string;
  extraVars: string[];
  check?: boolean;
  diff?: boolean;
  connection?: string;
  user?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  verbose: number;
  privateKey?: string;
  hostKeyChecking?: string;
}

export interface RunSpecifics {
  forks: number;
  timeoutSeconds: number;
  tags: string[];
  skipTags: string[];
  startAtTask?: string;
  sshPassword?: string;
  becomePassword?: string;
  askPassphrase: ConnectionSettings['askPassphrase'];
  /** ansible.cfg's ssh_args. */
  ssh: SshExtras;
}

export function runOptions(flags: SharedRunFlags, s: RunSpecifics): RunOptions {
  return {
    check: Boolean(flags.check),
    diff: Boolean(flags.diff),
    forks: s.forks,
    limit: flags.limit,
    tags: s.tags,
    skipTags: s.skipTags,
    extraVars: parseExtraVars(flags.extraVars),
    verbosity: flags.verbose,
    startAtTask: s.startAtTask,
    inventorySources: flags.inventory.map((i) => (i.includes(',') && !existsSync(i) ? i : resolve(i))),
    connection: flags.connection,
    user: flags.user,
    become: Boolean(flags.become),
    becomeUser: flags.becomeUser,
    becomeMethod: flags.becomeMethod,
    becomePassword: s.becomePassword,
    connectionSettings: {
      connection: flags.connection,
      user: flags.user,
      privateKey: flags.privateKey,
      password: s.sshPassword,
      askPassphrase: s.askPassphrase,
      timeoutSeconds: s.timeoutSeconds,
      hostKeyChecking: (flags.hostKeyChecking as HostKeyChecking | undefined) ?? hostKeyCheckingFromEnv(process.env) ?? 'strict',
      ...s.ssh,
    },
    exitAfterRun: true,
  };
}
