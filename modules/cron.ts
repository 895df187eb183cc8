// cron: a job (or an environment variable) in a user's crontab or a cron file,
// named by its `#Ansible: <name>` line, as Ansible 2.14's cron module edits it
// (src/cron/crontab.ts). One probe reads the crontab; the change writes it
// whole: `crontab -` from stdin for a user's, an atomic write for a file.
import { ModuleFailure, type FileDiff, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { mustRun, probe } from '../src/host/run.js';
import { quote, raw, sh } from '../src/host/shell.js';
import { writeFileAtomic } from '../src/host/remote-files.js';
import {
  addEnv,
  envNames,
  findEnv,
  findJob,
  isEmpty,
  jobHasBreaks,
  jobLine,
  jobNames,
  parseCronFile,
  parseCrontabListing,
  render,
  replaceEnv,
  replaceJob,
  crontabCommand,
  type CronText,
} from '../src/cron/crontab.js';

interface CronArgs {
  name: string;
  user?: string;
  job?: string;
  cron_file?: string;
  state: 'present' | 'absent';
  backup: boolean;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  special_time?: string;
  disabled: boolean;
  env: boolean;
  insertafter?: string;
  insertbefore?: string;
}

interface CronState {
  /** The crontab's new text; undefined: the cron file is removed. */
  after?: string;
  before: string;
}

/** The cron file's path: a bare name is under /etc/cron.d. */
const cronFilePath = (f: string): string => (f.startsWith('/') ? f : `/etc/cron.d/${f}`);

const NO_FILE = 3;

async function readCrontab(ctx: ModuleContext<CronArgs>, path: string | undefined): Promise<CronText & { exists: boolean }> {
  if (path) {
    const res = await probe(ctx.conn, raw(sh`[ -f ${path} ] || exit ${NO_FILE}; cat -- ${path}`));
    if (res.rc === NO_FILE) return { ...parseCronFile(''), exists: false };
    if (res.rc !== 0) return { ...parseCronFile(''), exists: true };
    return { ...parseCronFile(res.stdout), exists: true };
  }
  const res = await probe(ctx.conn, raw(crontabCommand(ctx.args.user, '-l')));
  // 1: no crontab yet.
  if (res.rc !== 0 && res.rc !== 1) throw new ModuleFailure('Unable to read crontab');
  return { ...parseCrontabListing(res.stdout), exists: true };
}

function checkArgs(a: CronArgs): string[] {
  const warnings: string[] = [];
  if (a.cron_file) {
    if (a.cron_file === '/etc/crontab') throw new ModuleFailure('Will not manage /etc/crontab via cron_file, see documentation.');
    const base = a.cron_file.split('/').pop() ?? '';
    if (!/^[A-Z0-9_-]+$/i.test(base)) {
      warnings.push(`Filename portion of cron_file ("${base}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`);
    }
  }
  if (a.special_time && [a.minute, a.hour, a.day, a.month, a.weekday].some((f) => f !== '*')) {
    throw new ModuleFailure('You must specify time and date fields or special time.');
  }
  if (a.state === 'present') {
    if (a.cron_file && !a.user) throw new ModuleFailure('To use cron_file=... parameter you must specify user=... as well');
    if (a.job === undefined || a.job === null) throw new ModuleFailure("You must specify 'job' to install a new cron job or variable");
    if ((a.insertafter || a.insertbefore) && !a.env) throw new ModuleFailure('Insertafter and insertbefore parameters are valid only with env=yes');
  }
  if (a.env && a.name.includes(' ')) throw new ModuleFailure('Invalid name for environment variable');
  return warnings;
}

/** The lines after the task's edit, and whether that is a change (Ansible's rules). */
function edit(a: CronArgs, lines: string[], filePath: string | undefined, warnings: string[]): { lines: string[]; changed: boolean } {
  const install = a.state === 'present';
  if (a.env) {
    const decl = `${a.name}="${a.job ?? ''}"`;
    const old = findEnv(lines, a.name);
    if (install && old.length === 0) {
      const problem = addEnv(lines, decl, a.insertafter, a.insertbefore);
      if (problem) throw new ModuleFailure(problem);
      return { lines, changed: true };
    }
    if (install && old[1] !== decl) return { lines: replaceEnv(lines, a.name, decl), changed: true };
    if (!install && old.length > 0) return { lines: replaceEnv(lines, a.name), changed: true };
    return { lines, changed: false };
  }
  if (!install) {
    return findJob(lines, a.name).length > 0 ? { lines: replaceJob(lines, a.name), changed: true } : { lines, changed: false };
  }
  if (jobHasBreaks(a.job!)) warnings.push('Job should not contain line breaks');
  const job = jobLine({ ...a, job: a.job!, special: a.special_time, fileUser: filePath ? a.user : undefined });
  const old = findJob(lines, a.name, job);
  if (old.length === 0) return { lines: [...lines, `#Ansible: ${a.name}`, job], changed: true };
  if (old[1] !== job || old.length > 2) return { lines: replaceJob(lines, a.name, job), changed: true };
  return { lines, changed: false };
}

function header(a: CronArgs, filePath: string | undefined): string {
  return filePath ?? (a.user ? `crontab for user "${a.user}"` : 'crontab');
}

async function plan(ctx: ModuleContext<CronArgs>): Promise<Plan<CronState>> {
  const a = ctx.args;
  const warnings = checkArgs(a);
  const filePath = a.cron_file ? cronFilePath(a.cron_file) : undefined;
  const read = await readCrontab(ctx, filePath);
  const lines = [...read.lines];
  const edited = edit(a, lines, filePath, warnings);
  const head = header(a, filePath);
  const extra: ModuleResult = warnings.length ? { warnings } : {};
  // A cron file left without jobs is removed.
  if (filePath && a.state === 'absent' && !a.env && edited.changed && isEmpty(edited.lines)) {
    const changed = read.exists;
    const diff: FileDiff[] = [{ before: read.existing, after: '', before_header: head, after_header: '/dev/null' }];
    return { changed, result: { changed, cron_file: a.cron_file, state: a.state, ...extra }, diff, state: { before: read.existing } };
  }
  // Ansible also writes a crontab that lacks its last newline.
  const changed = edited.changed || (read.existing !== '' && !/[\r\n]$/.test(read.existing));
  const after = render(edited.lines);
  const result: ModuleResult = { changed, jobs: jobNames(edited.lines), envs: envNames(edited.lines), ...extra };
  if (a.cron_file) result.cron_file = a.cron_file;
  const diff: FileDiff[] = changed ? [{ before: read.existing, after, before_header: head, after_header: head }] : [];
  return { changed, result, diff, state: { after, before: render(read.lines) } };
}

async function apply(ctx: ModuleContext<CronArgs>, p: Plan<CronState>): Promise<{ result: ModuleResult }> {
  const a = ctx.args;
  const s = p.state!;
  const result = { ...p.result! };
  if (a.backup) {
    // Ansible's backup: the crontab as it was, in a new /tmp/crontab* file.
    const res = await mustRun(ctx.conn, raw(`f=$(mktemp /tmp/crontabXXXXXXXX) && printf %s ${quote(s.before)} > "$f" && printf %s "$f"`));
    result.backup_file = res.stdout;
  }
  const filePath = a.cron_file ? cronFilePath(a.cron_file) : undefined;
  if (filePath && s.after === undefined) await mustRun(ctx.conn, ['rm', '-f', '--', filePath]);
  else if (filePath) {
    await writeFileAtomic(ctx.conn, filePath, s.after!, {}).catch((e: Error) => {
      throw new ModuleFailure(e.message);
    });
  } else {
    const res = await probe(ctx.conn, raw(crontabCommand(a.user, '-')), { stdin: s.after! });
    if (res.rc !== 0) throw new ModuleFailure(res.stderr);
  }
  return { result };
}

const cron: Module<CronArgs, CronState> = {
  name: 'cron',
  summary: 'Manage cron.d and crontab entries',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: "The job's (or variable's) name: the `#Ansible: <name>` line above it" },
      user: { type: 'string', description: 'Whose crontab (default: the user running the task)' },
      job: { type: 'string', description: 'The command to run (or the variable\'s value with env=true)' },
      cron_file: { type: 'string', description: 'A file under /etc/cron.d (or an absolute path) instead of a user crontab' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the job or variable should exist' },
      backup: { type: 'boolean', default: false, description: 'Keep a copy of the crontab as it was (backup_file)' },
      minute: { type: 'string', default: '*', description: 'Minute field' },
      hour: { type: 'string', default: '*', description: 'Hour field' },
      day: { type: 'string', default: '*', description: 'Day of month field' },
      month: { type: 'string', default: '*', description: 'Month field' },
      weekday: { type: 'string', default: '*', description: 'Day of week field' },
      special_time: {
        type: 'string',
        enum: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'],
        description: 'A special time (@daily...) instead of the time fields',
      },
      disabled: { type: 'boolean', default: false, description: 'Write the job commented out' },
      env: { type: 'boolean', default: false, description: 'Manage an environment variable (name="job") instead of a job' },
      insertafter: { type: 'string', description: 'With env: put a new variable after this one' },
      insertbefore: { type: 'string', description: 'With env: put a new variable before this one' },
    },
    required: ['name'],
  },
  optionAliases: { value: 'job', dom: 'day', dow: 'weekday' },
  rules: { mutuallyExclusive: [['insertafter', 'insertbefore']] },
  plan,
  apply,
};

export default cron;
