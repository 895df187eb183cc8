// sysvinit: a SysV init script's service started, stopped, restarted or
// reloaded (the script run directly) and enabled per runlevel with
// update-rc.d (or chkconfig), as Ansible 2.14's sysvinit module decides it.
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, quoteArgv, raw, splitArgs } from '../src/host/shell.js';
import { readStatusOutput, stateVerb } from '../src/sysvinit/sysv-status.js';

interface SysvinitArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  sleep: number;
  pattern?: string;
  arguments?: string;
  runlevels?: string[];
  daemonize: boolean;
}

interface SysvinitState {
  script: string;
  /** The enabling command (update-rc.d or chkconfig), when enablement changes. */
  enable?: string[];
  /** The script's verbs to run (stop then start for a restart). */
  verbs: string[];
}

const scriptOf = (name: string): string => (name.startsWith('/') ? name : `/etc/init.d/${name}`);

/** One probe: the script's existence, each runlevel's S link, the tools, and the service's status (or ps for a pattern). */
function probeScript(a: SysvinitArgs): string {
  const n = quote(a.name);
  const levels = a.runlevels?.length ? a.runlevels : ['?'];
  const links = levels.map((rl) => {
    const glob = `/etc/rc${rl === '?' ? '?' : quote(rl)}.d/S??${n}`;
    return `set -- ${glob}; [ -e "$1" ] && echo "@enabled ${rl === '?' ? '' : quote(rl)}"`;
  });
  const status = a.pattern
    ? // This probe's own command line holds the pattern too: lines with its mark are left out.
      `ps=$(ps auxww); printf '%s\\n' "$ps" | grep -vF -- '@@tsplay-ps' | grep -qF -- ${quote(a.pattern)} && echo @pattern`
    : `if command -v service >/dev/null 2>&1; then out=$(service ${n} status 2>/dev/null); rc=$?; else out=$(${quote(scriptOf(a.name))} status 2>/dev/null); rc=$?; fi
echo "@status $rc"; printf '%s\\n' "$out"`;
  return [
    `[ -e ${quote(scriptOf(a.name))} ] || { echo @missing; exit 0; }`,
    ...links,
    'for t in update-rc.d chkconfig; do command -v $t >/dev/null 2>&1 && echo "@tool $t"; done',
    'echo @@tsplay-ps >/dev/null',
    status,
  ].join('\n');
}

async function plan(ctx: ModuleContext<SysvinitArgs>): Promise<Plan<SysvinitState>> {
  const a = ctx.args;
  const res = await probe(ctx.conn, raw(probeScript(a)));
  const out = res.stdout;
  if (/^@missing$/m.test(out)) throw new ModuleFailure(`Could not find the requested service ${a.name}: `);
  const enabledIn = new Set([...out.matchAll(/^@enabled (.*)$/gm)].map((m) => m[1]!.trim()));
  const tool = /^@tool (update-rc\.d|chkconfig)$/m.exec(out)?.[1];
  let started: boolean;
  if (a.pattern) started = /^@pattern$/m.test(out);
  else {
    const m = /^@status (\d+)\n([\s\S]*)$/m.exec(out);
    const rc = Number(m?.[1] ?? 1);
    const text = (m?.[2] ?? '').replace(/\n$/, '');
    started = readStatusOutput(a.name, rc, text ? `${text}\n` : '')[1];
  }

  const status: Record<string, Record<string, unknown>> = {};
  const enabled: Record<string, unknown> = { changed: false, rc: null, stdout: null, stderr: null };
  status.enabled = enabled;
  let changed = false;
  let enable: string[] | undefined;
  if (a.runlevels?.length) {
    enabled.runlevels = a.runlevels;
    if (a.runlevels.some((rl) => a.enabled !== enabledIn.has(rl))) changed = true;
    if (changed && tool === 'update-rc.d') enable = ['update-rc.d', a.name, a.enabled ? 'enable' : 'disable', ...a.runlevels];
    else if (changed && tool === 'chkconfig') enable = ['chkconfig', '--level', a.runlevels.join(''), a.name, a.enabled ? 'on' : 'off'];
  } else if (a.enabled !== undefined && a.enabled !== enabledIn.has('')) {
    changed = true;
    if (tool === 'update-rc.d') enable = ['update-rc.d', a.name, a.enabled ? 'defaults' : 'disable'];
    else if (tool === 'chkconfig') enable = ['chkconfig', a.name, a.enabled ? 'on' : 'off'];
  }
  enabled.changed = changed;

  // Ansible keys the state's entry by the option's value (null when not given).
  const stateEntry: Record<string, unknown> = { changed: false, rc: null, stdout: null, stderr: null };
  status[a.state ?? 'null'] = stateEntry;
  const verb = a.state ? stateVerb(a.state, started) : undefined;
  if (verb) {
    changed = true;
    stateEntry.changed = true;
  }
  const result: ModuleResult = { name: a.name, changed, status };
  const verbs = verb === 'restart' ? ['stop', 'start'] : verb ? [verb] : [];
  return { changed, result, state: { script: scriptOf(a.name), enable, verbs } };
}

async function apply(ctx: ModuleContext<SysvinitArgs>, p: Plan<SysvinitState>): Promise<{ result: ModuleResult }> {
  const a = ctx.args;
  const s = p.state!;
  const result = structuredClone(p.result!) as ModuleResult & { status: Record<string, Record<string, unknown>> };
  if (result.status.enabled!.changed && s.enable) {
    const res = await probe(ctx.conn, s.enable);
    Object.assign(result.status.enabled!, { rc: res.rc, stdout: res.stdout, stderr: res.stderr });
    if (res.stderr.includes('illegal runlevel specified')) {
      throw new ModuleFailure(`Illegal runlevel specified for enable operation on service ${a.name}`, result);
    }
  }
  const entry = result.status[a.state ?? 'null']!;
  for (const verb of s.verbs) {
    // Ansible splits "script verb arguments" as a command line.
    const argv = [s.script, verb, ...splitArgs(a.arguments ?? '')];
    const cmd = a.daemonize ? raw(`setsid ${quoteArgv(argv)} </dev/null`) : argv;
    const res = await probe(ctx.conn, cmd);
    const action = a.state!.toLowerCase().replace(/p?ed$/, '');
    if (res.rc !== 0) throw new ModuleFailure(`Failed to ${action} service: ${a.name}`, { rc: res.rc, stdout: res.stdout, stderr: res.stderr });
    Object.assign(entry, { rc: res.rc, stdout: res.stdout, stderr: res.stderr });
    if (verb === 'stop' || verb === 'start') if (s.verbs.length > 1 && a.sleep) await probe(ctx.conn, ['sleep', String(a.sleep)]);
  }
  return { result };
}

const sysvinit: Module<SysvinitArgs, SysvinitState> = {
  name: 'sysvinit',
  summary: 'Manage SysV services.',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The init script (in /etc/init.d, or a path)' },
      state: { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'What the service should be, or do' },
      enabled: { type: 'boolean', description: 'Whether it starts at boot' },
      sleep: { type: 'integer', default: 1, description: 'Seconds between stop and start of a restart' },
      pattern: { type: 'string', description: "A text to find in ps's output when the script has no usable status" },
      arguments: { type: 'string', description: 'Extra arguments for the script' },
      runlevels: { type: 'array', items: { type: 'string' }, description: 'Runlevels to enable or disable it in' },
      daemonize: { type: 'boolean', default: false, description: 'Run the script detached (setsid)' },
    },
    required: ['name'],
  },
  optionAliases: { service: 'name', args: 'arguments' },
  rules: { requiredOneOf: [['state', 'enabled']] },
  plan,
  apply,
};

export default sysvinit;
