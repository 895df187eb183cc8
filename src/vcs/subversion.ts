// Running svn on a host as Ansible's subversion module does: non-interactive,
// no auth cache, the C locale (its output is read), the password on stdin
// (--password-from-stdin, svn >= 1.10), never on the command line.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { quote, quoteArgv } from '../host/shell.js';

export interface SvnSettings {
  svn: string;
  username?: string;
  password?: string;
  validateCerts: boolean;
}

/** "Revision: 3" as svn info prints it (any language's word before the colon). */
const REVISION_RE = /^\w+\s?:\s+\d+$/m;

export class Svn {
  constructor(
    private readonly conn: Connection,
    private readonly s: SvnSettings,
  ) {}

  /** The svn command line for `args` and its stdin. */
  private line(args: string[]): { command: string; stdin?: string } {
    const bits = [this.s.svn, '--non-interactive', '--no-auth-cache'];
    if (!this.s.validateCerts) bits.push('--trust-server-cert');
    if (this.s.username) bits.push('--username', this.s.username);
    if (this.s.password) bits.push('--password-from-stdin');
    return { command: `LANG=C LC_ALL=C LC_MESSAGES=C ${quoteArgv([...bits, ...args])}`, stdin: this.s.password };
  }

  /** rc and output of an svn command. */
  async try(args: string[]): Promise<{ rc: number; stdout: string; stderr: string }> {
    const { command, stdin } = this.line(args);
    return this.conn.exec(command, stdin === undefined ? {} : { stdin });
  }

  /** Output lines of an svn command that must succeed (fails as Ansible's run_command with check_rc). */
  async run(args: string[]): Promise<string[]> {
    const res = await this.try(args);
    if (res.rc !== 0) {
      const cmd = [this.s.svn, '--non-interactive', '--no-auth-cache', ...(this.s.validateCerts ? [] : ['--trust-server-cert']), ...args];
      throw new ModuleFailure(res.stderr.trim() || res.stdout.trim() || `exit ${res.rc}`, { cmd: cmd.join(' '), rc: res.rc, stdout: res.stdout, stderr: res.stderr });
    }
    return res.stdout.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
  }

  /** [revision line, URL line] of a working copy, as Ansible returns before/after. */
  async revision(dest: string): Promise<[string, string]> {
    const text = (await this.run(['info', dest])).join('\n');
    return [REVISION_RE.exec(text)?.[0] ?? 'Unable to get revision', /^URL\s?:.*$/m.exec(text)?.[0] ?? 'Unable to get URL'];
  }

  async remoteRevision(repo: string): Promise<string> {
    const text = (await this.run(['info', repo])).join('\n');
    return REVISION_RE.exec(text)?.[0] ?? 'Unable to get remote revision';
  }

  /** The revision line of `revision` for the working copy (what an update would reach). */
  async targetRevision(dest: string, revision: string): Promise<string> {
    const text = (await this.run(['info', '-r', revision, dest])).join('\n');
    return REVISION_RE.exec(text)?.[0] ?? 'Unable to get revision';
  }

  /** Versioned files added or modified (unversioned ones do not count). */
  async hasLocalMods(dest: string): Promise<boolean> {
    return (await this.run(['status', '--quiet', '--ignore-externals', dest])).some((l) => /^[^?X]/.test(l));
  }

  /** Runs switch/update and says whether files changed (a line starting with A B D U C G E). */
  async changes(args: string[]): Promise<boolean> {
    return (await this.run(args)).some((l) => /^[ABDUCGE]\s/.test(l));
  }
}

/** Whether `path` exists on the host, and the svn program (executable, else svn on PATH). */
export async function svnProbe(conn: Connection, dest: string | undefined, executable: string | undefined): Promise<{ exists: boolean; svn: string | undefined }> {
  const find = executable ? `echo ${quote(executable)}` : 'command -v svn || true';
  const res = await conn.exec(`${dest ? `if [ -e ${quote(dest)} ]; then echo exists; else echo absent; fi; ` : 'echo absent; '}${find}`);
  const [where = '', svn = ''] = res.stdout.split('\n');
  return { exists: where === 'exists', svn: svn.trim() || undefined };
}
