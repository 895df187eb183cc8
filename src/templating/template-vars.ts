// The variables Ansible 2.14 adds when it renders a template file (the template
// lookup here; the template action in Ansible): ansible_managed and template_*.
import { statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { PyDateTime, fieldsOf, now, strftime } from './datetime.js';

/** Ansible's DEFAULT_MANAGED_STR; its {host} {uid} {file} fields and strftime codes are filled in. */
export const DEFAULT_MANAGED_STR = 'Ansible managed';

// userInfo() reads the password database: once a run, not once a host and task.
let me: { uid: number; username: string } | undefined;

function ownerName(uid: number): string {
  me ??= userInfo();
  return me.uid === uid ? me.username : String(uid);
}

const localFields = (ms: number) => fieldsOf(new Date(ms - new Date(ms).getTimezoneOffset() * 60_000));

export function templateVars(path: string, destPath: string | null = null): Record<string, unknown> {
  const st = statSync(path);
  const uid = ownerName(st.uid);
  const host = hostname();
  const managed = DEFAULT_MANAGED_STR.replace(/\{host\}/g, host).replace(/\{uid\}/g, uid).replace(/\{file\}/g, path);
  const mtime = Math.trunc(st.mtimeMs);
  return {
    template_host: host,
    template_path: path,
    template_mtime: new PyDateTime(new Date(mtime - new Date(mtime).getTimezoneOffset() * 60_000)),
    template_uid: uid,
    template_run_date: now(false),
    template_destpath: destPath,
    template_fullpath: resolve(path),
    template_basename: basename(path),
    ansible_managed: strftime(managed, localFields(mtime)),
  };
}
