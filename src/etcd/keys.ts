// A key (or a prefix / v2 directory) in etcd: read in one probe, and the step
// that brings it to what the task asks. v3: get/put/del [--prefix]; v2: get,
// mk (a new key) or set, rm [--recursive].
import type { Connection } from '../connection/connection.js';
import { commandFailure } from '../host/run.js';
import { ModuleFailure, type FileDiff, type ModuleResult } from '../module-api/module-types.js';
import { etcdMessage, etcdStep, runEtcd, type EtcdStep, type EtcdTarget } from './command.js';
import { sameValue, valueText } from './json-value.js';
import { parseGetV2, parseGetV3, parseKeysV2, parseKeysV3 } from './parse.js';

export interface KeyRequest {
  key: string;
  value?: unknown;
  state: 'present' | 'absent';
  prefix: boolean;
}

/** What the probe found: the value (undefined: no such key), a v2 directory, or the keys under a prefix. */
export interface KeyState {
  value?: string;
  dir?: boolean;
  keys?: string[];
}

/** The probe: `get` of the key, or of the keys under the prefix (v2: `ls --recursive`). */
export function keyProbe(t: EtcdTarget, req: KeyRequest): EtcdStep {
  const args =
    t.api === 'v3'
      ? ['get', ...(req.prefix ? ['--prefix', '--keys-only'] : []), '-w', 'json', '--', req.key]
      : ['-o', 'json', ...(req.prefix ? ['ls', '--recursive'] : ['get']), '--', req.key];
  return etcdStep(t, `etcdctl get ${req.key}`, [args]);
}

/** Reads the key in one round trip. A v2 "Key not found" (error 100) is an absent key; other errors fail the task. */
export async function readKey(conn: Connection, t: EtcdTarget, req: KeyRequest): Promise<KeyState> {
  const probe = keyProbe(t, req);
  const res = await runEtcd(conn, probe, true);
  if (t.api === 'v2' && res.rc !== 0) {
    if (/Key not found/.test(res.stderr)) return req.prefix ? { keys: [] } : {};
    if (!req.prefix && /is a directory/.test(res.stderr)) return { dir: true };
  }
  if (res.rc !== 0) throw commandFailure(probe.argv, res, etcdMessage(res));
  if (req.prefix) return { keys: t.api === 'v3' ? parseKeysV3(res.stdout) : parseKeysV2(res.stdout) };
  return t.api === 'v3' ? { value: parseGetV3(res.stdout) } : parseGetV2(res.stdout);
}

const lines = (text: string): string => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

function keyDiff(key: string, before: string, after: string): FileDiff {
  return { before: lines(before), after: lines(after), before_header: `${key} (etcd)`, after_header: `${key} (etcd)` };
}

/** The step that writes the value: on stdin, never a word of the command (an empty value, which stdin cannot carry, is an argument). */
function writeStep(t: EtcdTarget, key: string, text: string, exists: boolean): EtcdStep {
  const verb = t.api === 'v3' ? 'put' : exists ? 'set' : 'mk';
  return etcdStep(t, `etcdctl ${verb} ${key}`, [[verb, '--', key, ...(text === '' ? [''] : [])]], text === '' ? undefined : text);
}

/** The steps, result and diff that bring the key to the request. */
export function keyPlan(t: EtcdTarget, req: KeyRequest, found: KeyState): { steps: EtcdStep[]; result: ModuleResult; diff?: FileDiff } {
  const result: ModuleResult = { key: req.key, state: req.state };
  if (req.prefix) {
    if (req.state !== 'absent') throw new ModuleFailure('prefix applies to state=absent only');
    const keys = found.keys ?? [];
    result.deleted = keys;
    if (keys.length === 0) return { steps: [], result };
    const args = t.api === 'v3' ? ['del', '--prefix', '--', req.key] : ['rm', '--recursive', '--', req.key];
    return { steps: [etcdStep(t, `etcdctl ${args[0]} ${args[1]} ${req.key}`, [args])], result, diff: keyDiff(req.key, keys.join('\n'), '') };
  }
  if (found.dir) throw new ModuleFailure(`${req.key} is a directory${req.state === 'absent' ? ' (prefix: true removes it with what it holds)' : ''}`);
  if (req.state === 'absent') {
    if (found.value === undefined) return { steps: [], result };
    const verb = t.api === 'v3' ? 'del' : 'rm';
    return { steps: [etcdStep(t, `etcdctl ${verb} ${req.key}`, [[verb, '--', req.key]])], result, diff: keyDiff(req.key, found.value, '') };
  }
  if (req.value === undefined || req.value === null) throw new ModuleFailure('state is present but value is missing');
  if (found.value !== undefined && sameValue(found.value, req.value)) return { steps: [], result };
  const text = valueText(req.value);
  return { steps: [writeStep(t, req.key, text, found.value !== undefined)], result, diff: keyDiff(req.key, found.value ?? '', text) };
}
