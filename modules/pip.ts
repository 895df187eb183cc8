// pip: manage Python packages, as Ansible's pip module does: a virtualenv
// is created first when missing (virtualenv_command), then pip runs; the
// change is what pip says ("Successfully installed/uninstalled"). Check mode
// compares with `pip list --format=freeze`, and, as Ansible, predicts a change
// whenever extra_args, requirements or state=latest are given.
import { ModuleFailure, type Module, type ModuleResult } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, raw, splitArgs } from '../src/host/shell.js';
import { sections } from '../src/web/response.js';

type PipState = 'present' | 'absent' | 'latest' | 'forcereinstall';

interface PipArgs {
  name?: string[];
  version?: string;
  requirements?: string;
  virtualenv?: string;
  virtualenv_site_packages: boolean;
  virtualenv_command: string;
  virtualenv_python?: string;
  state: PipState;
  extra_args?: string;
  editable: boolean;
  chdir?: string;
  executable?: string;
  umask?: string;
}

const STATE_ARGS: Record<PipState, string[]> = {
  present: ['install'],
  absent: ['uninstall', '-y'],
  latest: ['install', '-U'],
  forcereinstall: ['install', '-U', '--force-reinstall'],
};

/** A requirement as pip reads it: name, and a version specifier if any. */
export function packageSpec(text: string, version?: string): { name: string; spec: string; text: string } {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(text);
  const name = m?.[1] ?? text;
  let spec = (m?.[3] ?? '').replace(/\s+/g, '');
  if (version !== undefined) {
    const v = version.trim();
    spec = /^\d/.test(v) ? `==${v}` : v.replace(/\s+/g, '');
  }
  return { name, spec, text: version !== undefined ? `${name}${m?.[2] ?? ''}${spec}` : text };
}

const normal = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** Does an installed version satisfy "==1.0,>=0.9"? (The common operators.) */
export function satisfies(installed: string, spec: string): boolean {
  return spec
    .split(',')
    .filter(Boolean)
    .every((clause) => {
      const m = /^(===|==|!=|~=|>=|<=|>|<)(.+)$/.exec(clause);
      if (!m) return true;
      const c = compareVersions(installed, m[2]!.replace(/\.\*$/, ''));
      switch (m[1]) {
        case '==':
        case '===':
          return m[2]!.endsWith('.*') ? installed.startsWith(m[2]!.slice(0, -1)) : c === 0;
        case '!=':
          return c !== 0;
        case '>=':
          return c >= 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '<':
          return c < 0;
        default: {
          const prefix = m[2]!.split('.').slice(0, -1).join('.');
          return c >= 0 && installed.startsWith(prefix);
        }
      }
    });
}

/** Is the package in `pip list --format=freeze` output (with a satisfying version)? */
export function isPresent(freeze: string, name: string, spec: string): boolean {
  for (const line of freeze.split('\n')) {
    const [n, v] = line.trim().split('==');
    if (n && v && normal(n) === normal(name)) return spec === '' || satisfies(v, spec);
  }
  return false;
}

/** The words of the virtualenv command, as Ansible assembles them. */
function venvCommand(a: PipArgs): string[] {
  const words = splitArgs(a.virtualenv_command);
  const isVenv = /pyvenv|-m venv/.test(a.virtualenv_command);
  if (a.virtualenv_site_packages) words.push('--system-site-packages');
  if (!isVenv) words.push(`-p${a.virtualenv_python ?? 'python3'}`);
  else if (a.virtualenv_python) throw new ModuleFailure('virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command');
  return words;
}

/** Shell: $pip is the pip to run (the virtualenv's, executable, or pip3/pip on PATH). */
function pipLookup(a: PipArgs, env: string | undefined): string {
  if (env) return `if [ -x ${quote(`${env}/bin/pip3`)} ]; then pip=${quote(`${env}/bin/pip3`)}; else pip=${quote(`${env}/bin/pip`)}; fi`;
  if (a.executable) return `pip=${quote(a.executable)}`;
  return 'pip=$(command -v pip3 || command -v pip) || { echo "@@tsplay:nopip@@"; exit 0; }';
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

const pip: Module<PipArgs, undefined> = {
  name: 'pip',
  summary: 'Manages Python library dependencies',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'array', items: { type: 'string' }, description: 'packages (with version specifiers) or URLs' },
      version: { type: 'string', description: 'version of the one package in name' },
      requirements: { type: 'string', description: 'path of a pip requirements file on the host' },
      virtualenv: { type: 'string', description: 'virtualenv directory to install into (created when missing)' },
      virtualenv_site_packages: { type: 'boolean', default: false, description: 'give the virtualenv the global site-packages' },
      virtualenv_command: { type: 'string', default: 'virtualenv', description: 'command that creates the virtualenv' },
      virtualenv_python: { type: 'string', description: 'Python for a virtualenv (not with venv)' },
      state: { type: 'string', enum: ['present', 'absent', 'latest', 'forcereinstall'], default: 'present', description: 'state of the packages' },
      extra_args: { type: 'string', description: 'extra arguments for pip' },
      editable: { type: 'boolean', default: false, description: 'install in editable mode (-e)' },
      chdir: { type: 'string', description: 'directory to run pip in' },
      executable: { type: 'string', description: 'pip to run (not with virtualenv)' },
      umask: { type: 'string', description: 'umask (octal) while pip runs' },
    },
  },
  rules: { requiredOneOf: [['name', 'requirements']], mutuallyExclusive: [['name', 'requirements'], ['executable', 'virtualenv']] },
  async plan(ctx) {
    const a = ctx.args;
    if (a.state === 'latest' && a.version !== undefined) throw new ModuleFailure('version is incompatible with state=latest');
    if (a.umask !== undefined && !/^[0-7]+$/.test(a.umask)) throw new ModuleFailure('umask must be an octal integer');
    const packages = (a.name ?? []).filter(Boolean).map((n) => packageSpec(n));
    if (a.version !== undefined) {
      if (packages.length > 1) {
        throw new ModuleFailure("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.");
      }
      if (packages[0]!.spec) {
        throw new ModuleFailure("The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.");
      }
      packages[0] = packageSpec(packages[0]!.name, a.version);
    }
    const chdir = a.chdir ?? '/tmp';
    const env = a.virtualenv && a.chdir && !a.virtualenv.startsWith('/') ? `${a.chdir}/${a.virtualenv}` : a.virtualenv;
    const script = [
      env ? `if [ ! -e ${quote(`${env}/bin/activate`)} ]; then echo "@@tsplay:novenv@@"; fi` : '',
      pipLookup(a, env),
      'echo "@@tsplay:pip@@"; echo "$pip"',
      ctx.check ? `echo "@@tsplay:freeze@@"; cd ${quote(chdir)} && "$pip" list --format=freeze 2>/dev/null` : '',
      'exit 0',
    ].filter(Boolean);
    if (ctx.check && (a.extra_args || a.requirements || a.state === 'latest' || packages.length === 0)) return { changed: true, result: { changed: true } };
    const parts = sections((await probe(ctx.conn, raw(script.join('\n')))).stdout);
    if (!ctx.check) return { changed: true, state: undefined, result: { changed: true } };
    if (parts.has('novenv')) return { changed: true, result: { changed: true } };
    if (parts.has('nopip')) throw new ModuleFailure('Unable to find any of pip3, pip to use.  pip needs to be installed.');
    const freeze = parts.get('freeze') ?? '';
    const pipPath = (parts.get('pip') ?? '').trim();
    const changed = packages.some((p) => {
      const present = isPresent(freeze, p.name, p.spec);
      return (a.state === 'present' && !present) || (a.state === 'absent' && present);
    });
    return { changed, result: { changed, cmd: `${pipPath} list --format=freeze`, stdout: freeze, stderr: '' } };
  },
  async apply(ctx) {
    const a = ctx.args;
    const packages = (a.name ?? []).filter(Boolean).map((n) => packageSpec(n, a.version));
    const chdir = a.chdir ?? '/tmp';
    const env = a.virtualenv && a.chdir && !a.virtualenv.startsWith('/') ? `${a.chdir}/${a.virtualenv}` : a.virtualenv;
    let extra = a.extra_args ? splitArgs(a.extra_args) : [];
    if (a.editable && !extra.includes('-e')) extra = [...extra, '-e'];
    const tail = [...STATE_ARGS[a.state], ...extra, ...(packages.length ? packages.map((p) => p.text) : ['-r', a.requirements!])];
    const venv = env ? venvCommand(a) : [];
    const script = [
      a.umask ? `umask ${quote(a.umask)}` : '',
      `cd ${quote(chdir)} || exit 1`,
      env
        ? `if [ ! -e ${quote(`${env}/bin/activate`)} ]; then echo "@@tsplay:venv@@"; ${venv.map(quote).join(' ')} ${quote(env)} 2>&3 || { echo "@@tsplay:venv-failed@@"; exit 0; }; fi`
        : '',
      pipLookup(a, env),
      'echo "@@tsplay:pip@@"; echo "$pip"',
      `echo "@@tsplay:out@@"; ${env ? `PATH=${quote(`${env}/bin`)}:"$PATH" ` : ''}"$pip" ${tail.map(quote).join(' ')} 2>&3; rc=$?; echo "@@tsplay:rc@@"; echo $rc`,
      'exit 0',
    ].filter(Boolean);
    const res = await probe(ctx.conn, raw(`{ ${script.join('\n')}\n} 3>&2`), { timeout: 3600 });
    const parts = sections(res.stdout);
    if (parts.has('nopip')) throw new ModuleFailure('Unable to find any of pip3, pip to use.  pip needs to be installed.');
    const created = parts.has('venv');
    const venvOut = parts.get('venv') ?? '';
    if (parts.has('venv-failed')) {
      throw new ModuleFailure(`stdout: ${venvOut}\n:stderr: ${res.stderr}`, { cmd: [...venv, env] });
    }
    const cmd = [(parts.get('pip') ?? '').trim(), ...tail];
    const out = venvOut + (parts.get('out') ?? '');
    const rc = Number((parts.get('rc') ?? '1').trim());
    const err = res.stderr;
    const absentOk = rc === 1 && a.state === 'absent' && /not installed/.test(out + err);
    if (rc !== 0 && !absentOk) throw new ModuleFailure(`stdout: ${out}\n:stderr: ${err}`, { cmd });
    const said = parts.get('out') ?? '';
    const changed = (a.state === 'absent' ? said.includes('Successfully uninstalled') : said.includes('Successfully installed')) || created;
    const result: ModuleResult = {
      changed,
      cmd,
      name: a.name ?? null,
      version: a.version ?? null,
      state: a.state,
      requirements: a.requirements ?? null,
      virtualenv: env ?? null,
      stdout: out,
      stderr: err,
      stdout_lines: lines(out),
      stderr_lines: lines(err),
    };
    return { result, changed };
  },
};

export default pip;
