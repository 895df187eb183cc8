// Whether a SysV init script's service runs, decided from `service NAME
// status` as Ansible's sysvinit module decides it (its output's words first,
// then the exit code, then ps), and whether it is enabled (S??NAME links).

/** Ansible's reading of a status command: [worked, started]. */
export function readStatusOutput(name: string, rc: number, out: string): [boolean, boolean] {
  if (name === 'iptables' && out.includes('ACCEPT')) return [true, true];
  if ((out.match(/\n/g) ?? []).length <= 1) {
    const clean = out.toLowerCase().split(name.toLowerCase()).join('');
    if (['stop', 'is dead ', 'dead but ', 'could not access pid file', 'inactive'].some((w) => clean.includes(w))) return [true, false];
    if (['run', 'start', 'active'].some((w) => clean.includes(w)) && !clean.includes('not ')) return [true, true];
  }
  if ([1, 2, 3, 4, 69].includes(rc)) return [true, false];
  if (rc === 0) return [true, true];
  return [false, false];
}

/** The verb to run for a state (Ansible strips p?ed: started -> start), or undefined when nothing is to do. */
export function stateVerb(state: string, started: boolean): string | undefined {
  const action = state.toLowerCase().replace(/p?ed$/, '');
  if (action === 'restart') return 'restart';
  if (started !== (action === 'start')) return action;
  if (started === (action === 'stop')) return action;
  return undefined;
}
