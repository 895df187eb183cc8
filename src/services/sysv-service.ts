// A SysV init script, for `service` on hosts without systemd: running state
// from `service NAME status`, enablement from update-rc.d or chkconfig.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure, type ModuleResult } from '../module-api/module-types.js';
import { probe, type Step } from '../host/run.js';
import { quote, raw } from '../host/shell.js';
import type { UnitState } from './systemd-unit.js';

export interface SysvStatus {
  found: boolean;
  running: boolean;
  enabled: boolean;
  /** The tool that enables a script here. */
  enabler?: 'update-rc.d' | 'chkconfig';
}

export async function readSysv(conn: Connection, name: string): Promise<SysvStatus> {
  const n = quote(name);
  const script =
    `[ -x /etc/init.d/${n} ] && echo found; service ${n} status >/dev/null 2>&1 && echo running; ` +
    `if command -v update-rc.d >/dev/null 2>&1; then echo enabler=update-rc.d; ls /etc/rc[2345].d/S??${n} >/dev/null 2>&1 && echo enabled; ` +
    `elif command -v chkconfig >/dev/null 2>&1; then echo enabler=chkconfig; chkconfig ${n} >/dev/null 2>&1 && echo enabled; fi`;
  const out = (await probe(conn, raw(script), { timeout: 60 })).stdout;
  const has = (w: string) => new RegExp(`^${w}$`, 'm').test(out);
  const enabler = /^enabler=(.*)$/m.exec(out)?.[1] as SysvStatus['enabler'];
  return { found: has('found'), running: has('running'), enabled: has('enabled'), enabler };
}

export function sysvPlan(name: string, req: { state?: UnitState; enabled?: boolean; arguments: string }, s: SysvStatus): { steps: Step[]; result: ModuleResult } {
  if (!s.found) throw new ModuleFailure(`Could not find the requested service ${name}: host`);
  const steps: Step[] = [];
  const result: ModuleResult = { name };
  if (req.enabled !== undefined) {
    result.enabled = req.enabled;
    if (s.enabled !== req.enabled) {
      if (!s.enabler) throw new ModuleFailure(`no way to enable or disable ${name} on this host (neither update-rc.d nor chkconfig)`);
      const argv = s.enabler === 'update-rc.d' ? ['update-rc.d', name, req.enabled ? 'enable' : 'disable'] : ['chkconfig', name, req.enabled ? 'on' : 'off'];
      steps.push({ summary: argv.join(' '), command: argv });
    }
  }
  if (req.state !== undefined) {
    result.state = req.state;
    const verb = req.state === 'started' ? (s.running ? undefined : 'start') : req.state === 'stopped' ? (s.running ? 'stop' : undefined) : req.state.slice(0, -2);
    const extra = req.arguments.trim() ? req.arguments.trim().split(/\s+/) : [];
    if (verb) steps.push({ summary: `service ${name} ${verb}`, command: ['service', name, verb, ...extra] });
  }
  return { steps, result };
}
