// user and env facts (Ansible's UserFactCollector and EnvFactCollector).
import { keyValueMap } from './sections.js';

export function userFacts(section: string | undefined): Record<string, unknown> {
  const kv = keyValueMap(section);
  const facts: Record<string, unknown> = { user_id: kv.get('user_id') ?? '' };
  // A passwd line: name:password:uid:gid:gecos:dir:shell
  const pw = (kv.get('pw') ?? '').split(':');
  if (pw.length >= 7) {
    Object.assign(facts, { user_uid: Number(pw[2]), user_gid: Number(pw[3]), user_gecos: pw[4], user_dir: pw[5], user_shell: pw[6] });
  }
  const rgid = Number(kv.get('rgid'));
  // As Ansible: effective_group_id is the real gid (it calls os.getgid() for both).
  Object.assign(facts, { real_user_id: Number(kv.get('ruid')), effective_user_id: Number(kv.get('euid')), real_group_id: rgid, effective_group_id: rgid });
  return facts;
}

/** The environment `env -0` (NUL-separated) or `env` (one per line) printed. */
export function envFact(section: string | undefined): Record<string, string> {
  const text = section ?? '';
  const entries = text.includes('\0') ? text.split('\0') : text.split('\n');
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
