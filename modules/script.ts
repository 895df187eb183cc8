// script: copy a local script to the host and run it there with its
// arguments, as Ansible's script action does: creates/removes decide first
// (the task is skipped when they say so), chdir must be absolute, and the
// script's file goes to a private temporary directory that is removed after
// the run. The copy and the run are one round trip. Check mode predicts a run
// only where creates/removes can tell; otherwise it skips, as Ansible does.
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { globMatches } from '../src/host/command-run.js';
import { quote, splitArgs } from '../src/host/shell.js';
import { findControllerFile } from '../src/file-ops/copy-core.js';
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';

interface ScriptArgs {
  _raw_params?: string;
  cmd?: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  executable?: string;
  decrypt: boolean;
}

interface ScriptState {
  /** The controller-side script. */
  source: string;
  /** The user's text: the script's path, then its arguments (shell words, by intent). */
  text: string;
  scriptWord: string;
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

const script: Module<ScriptArgs, ScriptState> = {
  name: 'script',
  summary: 'Runs a local script on a remote node after transferring it',
  freeForm: '_raw_params',
  freeFormKeys: ['creates', 'removes', 'chdir', 'executable', 'decrypt'],
  supportsCheckMode: true,
  hostFiles: false,
  schema: {
    type: 'object',
    properties: {
      _raw_params: { type: 'string' },
      cmd: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      chdir: { type: 'string' },
      executable: { type: 'string' },
      decrypt: { type: 'boolean', default: true },
    },
  },
  async plan(ctx) {
    const a = ctx.args;
    const skip = (msg: string) => ({ changed: false, result: { changed: false, skipped: true, msg } });
    if (a.creates && (await globMatches(ctx.conn, a.creates))) return skip(`${a.creates} exists, matching creates option`);
    if (a.removes && !(await globMatches(ctx.conn, a.removes))) return skip(`${a.removes} does not exist, matching removes option`);
    if (a.chdir && !a.chdir.startsWith('/')) throw new ModuleFailure(`chdir ${a.chdir} must be an absolute path for a Unix-aware remote node`);
    const text = (a._raw_params ?? a.cmd ?? '').trim();
    const scriptWord = splitArgs(text)[0];
    if (!scriptWord) throw new ModuleFailure('no script given');
    const state = { source: findControllerFile(ctx, 'files', scriptWord), text, scriptWord };
    if (ctx.check && !a.creates && !a.removes) {
      return { changed: false, state, unpredictable: 'Check mode is not supported for this task.' };
    }
    return { changed: true, state, result: { changed: true } };
  },
  async apply(ctx, plan) {
    const a = ctx.args;
    const { source, text, scriptWord } = plan.state!;
    const dir = `/tmp/.tsplay-script-${randomBytes(8).toString('hex')}`;
    const path = `${dir}/${basename(source)}`;
    // As Ansible: the script's path in the user's text becomes the copy's; the rest stays their shell.
    const command = `${a.executable ? `${a.executable} ` : ''}${text.replace(scriptWord, quote(path))}`;
    const run = [
      `(umask 077; mkdir ${quote(dir)} && cat > ${quote(path)} && chmod 700 ${quote(path)}) || exit 125`,
      `(${a.chdir ? `cd ${quote(a.chdir)} && ` : ''}/bin/sh -c ${quote(command)}); rc=$?`,
      `rm -rf ${quote(dir)}; exit $rc`,
    ].join('\n');
    const res = await ctx.conn.exec(run, { stdin: ctx.readFile(source).data });
    const result: ModuleResult = {
      changed: true,
      rc: res.rc,
      stdout: res.stdout,
      stderr: res.stderr,
      stdout_lines: lines(res.stdout),
      stderr_lines: lines(res.stderr),
    };
    // Ansible's script action fails with an exception that holds no traceback ("NoneType: None").
    if (res.rc !== 0) throw new ModuleFailure('non-zero return code', { ...result, exception: 'NoneType: None\n' });
    return { result };
  },
};

export default script;
