// Services as Ansible's service_facts sees them on a Linux host: SysV init
// scripts from `service --status-all`, then systemd's units from
// list-units and list-unit-files (a unit only in the files asked for its
// ActiveState), all read by one host script.

export interface ServiceEntry {
  name: string;
  state: string;
  status?: string;
  source: 'sysv' | 'systemd';
}

export const SERVICES_SCRIPT = `export LANG=C LC_ALL=C
if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && ! command -v rc-status >/dev/null 2>&1; then
  echo @@sysv; service --status-all 2>/dev/null
fi
grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null 2>&1 || exit 0
echo @@units; units=$(systemctl list-units --no-pager --type service --all); printf '%s\\n' "$units"
echo @@files; files=$(systemctl list-unit-files --no-pager --type service --all); printf '%s\\n' "$files"
printf '%s\\n' "$files" | grep '\\.service' | awk '{print $1}' | while read -r n; do
  printf '%s\\n' "$units" | awk '{ if ($1 == "●" || $1 == "*") print $2; else print $1 }' | grep -qxF "$n" && continue
  out=$(systemctl show "$n" --property=ActiveState 2>/dev/null) && printf '@@show %s %s\\n' "$n" "\${out#ActiveState=}" || printf '@@show %s\\n' "$n"
done`;

const BAD_STATES = ['not-found', 'masked', 'failed'];

function section(out: string, name: string): string[] {
  const at = out.indexOf(`@@${name}\n`);
  if (at < 0) return [];
  const rest = out.slice(at + name.length + 3);
  const end = rest.search(/^@@/m);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n');
}

/** The services of SERVICES_SCRIPT's output, by name. */
export function parseServices(out: string): Record<string, ServiceEntry> {
  const services: Record<string, ServiceEntry> = {};
  for (const line of section(out, 'sysv')) {
    const m = /^\s*\[ (\+|-) \]\s+(.+)$/.exec(line);
    if (m) services[m[2]!] = { name: m[2]!, state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
  for (const line of section(out, 'units').filter((l) => l.includes('.service'))) {
    let fields = line.split(/\s+/).filter((f) => f !== '');
    let status = 'unknown';
    const bad = BAD_STATES.find((b) => fields.includes(b));
    if (bad) {
      status = bad;
      fields = fields.slice(1);
    } else status = fields[2] ?? 'unknown';
    const name = fields[0]!;
    services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
  const shown = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^@@show (\S+)(?: (.*))?$/.exec(line);
    if (m) shown.set(m[1]!, m[2] === undefined || m[2] === '' ? 'unknown' : m[2].trimEnd());
  }
  for (const line of section(out, 'files').filter((l) => l.includes('.service'))) {
    const [name, status] = line.split(/\s+/).filter((f) => f !== '');
    if (!name || !status) continue;
    const known = services[name];
    if (!known) services[name] = { name, state: shown.get(name) ?? 'unknown', status, source: 'systemd' };
    else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
  }
  return services;
}
