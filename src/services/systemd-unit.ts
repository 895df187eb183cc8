// A systemd unit as the systemd and service modules see it: its state read in
// one round trip (`systemctl show`, `is-enabled`, an init script's presence),
// and the steps that bring it to what the task asks, decided as Ansible's
// systemd module decides them (mask, then enable, then the state).
import type { Connection } from '../connection/connection.js';
import { ModuleFailure, type ModuleResult, type PlannedLookup, type PlannedTarget } from '../module-api/module-types.js';
import { probe, type Step } from '../host/run.js';
import { quote, raw } from '../host/shell.js';

export type UnitState = 'started' | 'stopped' | 'restarted' | 'reloaded';

/** The options the systemd and service modules share, as their schemas write them. */
export const UNIT_OPTIONS = {
  name: { type: 'string' },
  state: { type: 'string', enum: ['reloaded', 'restarted', 'started', 'stopped'] },
  enabled: { type: 'boolean' },
};

export interface UnitRequest {
  name: string;
  state?: UnitState;
  enabled?: boolean;
  masked?: boolean;
  /** systemctl's options before the verb (--user, --no-block, --force). */
  flags: string[];
}

export interface UnitStatus {
  /** `systemctl show` as a dict. */
  status: Record<string, string>;
  found: boolean;
  /** `is-enabled` said enabled (not indirect or alias). */
  enabled: boolean;
  masked: boolean;
  /** systemd manages the host (PID 1), as the service module asks. */
  systemd?: boolean;
}

const MARK = '@@tsplay-unit@@';

/** `systemctl show` output as a dict; Exec* values may span lines between { and }. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of text.split('\n')) {
    if (key === undefined) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      out[k] = v.trim();
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        out[key] = multi.join('\n').trim();
        key = undefined;
      }
    }
  }
  return out;
}

/** Reads a unit's state in one round trip. */
export async function readUnit(conn: Connection, name: string, flags: string[]): Promise<UnitStatus> {
  const systemctl = ['systemctl', ...flags].map(quote).join(' ');
  const unit = quote(name);
  const script =
    `${systemctl} show ${unit} 2>/dev/null; echo ${MARK}; ` +
    `${systemctl} is-enabled ${unit} -l 2>/dev/null; echo "${MARK}$?"; ` +
    `[ -x /etc/init.d/${quote(name.replace(/\.service$/, ''))} ] && echo initd; [ -d /run/systemd/system ] && echo systemd`;
  const res = await probe(conn, raw(script), { timeout: 60 });
  const [show = '', enabledOut = '', tail = ''] = res.stdout.split(MARK);
  const status = parseShow(show);
  const enabledRc = Number(/^(\d+)/.exec(tail)?.[1] ?? 1);
  const initd = /\binitd\b/.test(tail);
  const systemd = /^systemd$/m.test(tail);
  const loaded = status.LoadState !== undefined && status.LoadState !== 'not-found';
  if (loaded && status.LoadState !== 'masked' && status.LoadError) {
    throw new ModuleFailure(`Error loading unit file '${name}': ${status.LoadError}`);
  }
  const lines = enabledOut.trim().split('\n');
  return {
    status,
    found: loaded || initd,
    systemd,
    enabled: enabledRc === 0 && !(lines.length === 1 && (lines[0] === 'indirect' || lines[0] === 'alias')),
    masked: lines[0] === 'masked',
  };
}

const running = (s: Record<string, string>): boolean => s.ActiveState === 'active' || s.ActiveState === 'activating';

function missing(name: string): ModuleFailure {
  return new ModuleFailure(`Could not find the requested service ${name}: host`);
}

/** A failed start shows the unit's last journal lines after systemctl's message. */
function verbStep(req: UnitRequest, verb: string): Step {
  const systemctl = ['systemctl', ...req.flags, verb, req.name].map(quote).join(' ');
  const journal = ['journalctl', '--no-pager', '-n', '10', '-u', req.name].map(quote).join(' ');
  return {
    summary: `systemctl ${verb} ${req.name}`,
    command: raw(
      verb === 'start' || verb === 'restart' || verb === 'reload'
        ? `${systemctl} || { rc=$?; printf '%s\\n' '@@journal@@' >&2; ${journal} >&2 2>/dev/null; exit $rc; }`
        : systemctl,
    ),
    failure: (res) => {
      const [err = '', journal = ''] = res.stderr.split('@@journal@@\n');
      const tail = journal.trim() ? `\nLast lines of its journal:\n${journal.trimEnd()}` : '';
      return `Unable to ${verb} service ${req.name}: ${err}${tail}`;
    },
  };
}

/** The steps that bring the unit to the request, and the result Ansible reports. */
export function unitPlan(req: UnitRequest, unit: UnitStatus): { steps: Step[]; result: ModuleResult } {
  const steps: Step[] = [];
  const result: ModuleResult = { name: req.name, status: unit.status };
  if (req.masked !== undefined && unit.masked !== req.masked) {
    // As Ansible: a failed (un)mask fails the task only for a unit that does not exist.
    const verb = req.masked ? 'mask' : 'unmask';
    const step = verbStep(req, verb);
    steps.push(
      unit.found
        ? { ...step, command: raw(`${['systemctl', ...req.flags, verb, req.name].map(quote).join(' ')} || :`) }
        : { ...step, failure: () => `Could not find the requested service ${req.name}: host` },
    );
  }
  if (req.enabled !== undefined) {
    if (!unit.found) throw missing(req.name);
    result.enabled = unit.enabled;
    if (unit.enabled !== req.enabled) {
      const verb = req.enabled ? 'enable' : 'disable';
      steps.push({ ...verbStep(req, verb), failure: (res) => `Unable to ${verb} service ${req.name}: ${res.stdout}${res.stderr}` });
      result.enabled = req.enabled;
    }
  }
  if (req.state !== undefined) {
    if (!unit.found) throw missing(req.name);
    result.state = req.state;
    if (unit.status.ActiveState === undefined) throw new ModuleFailure('Service is in unknown state', { status: unit.status });
    const up = running(unit.status);
    let verb: string | undefined;
    if (req.state === 'started') verb = up ? undefined : 'start';
    else if (req.state === 'stopped') verb = up || unit.status.ActiveState === 'deactivating' ? 'stop' : undefined;
    else {
      verb = up ? req.state.slice(0, -2) : 'start';
      result.state = 'started';
    }
    if (verb) steps.push(verbStep(req, verb));
  }
  return { steps, result };
}

const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/**
 * In a dry run, a unit that is not there yet but that an earlier task would
 * make (its unit file, or a package, which may bring it) is taken as a new,
 * stopped and disabled unit; the plan then depends on that task.
 */
export function plannedUnit(name: string, unit: UnitStatus, planned: PlannedLookup | undefined): { unit: UnitStatus; dependsOn?: string } {
  if (unit.found || !planned) return { unit };
  const file = name.includes('.') ? name : `${name}.service`;
  const dependsOn = UNIT_DIRS.map((d) => planned.by('file', `${d}/${file}`)).find(Boolean) ?? planned.any('package');
  if (!dependsOn) return { unit };
  return { unit: { status: { LoadState: 'loaded', ActiveState: 'inactive' }, found: true, enabled: false, masked: false }, dependsOn };
}

/** What a dry run remembers of a unit the steps start, restart or enable. */
export function unitCreates(name: string, steps: Step[]): PlannedTarget[] {
  return steps.some((s) => /^systemctl (start|restart|reload|enable) /.test(s.summary)) ? [{ kind: 'unit', key: name }] : [];
}
