// known_hosts: add or remove a host's key in a known_hosts file, as Ansible's
// known_hosts module does (ssh-keygen -F finds the host, -R removes a host
// without a key; the file is rewritten atomically), with its diff.
import { createHmac, randomBytes } from 'node:crypto';
import { quote } from '../src/host/shell.js';
import { mustRun } from '../src/host/run.js';
import { writeFileAtomic } from '../src/host/remote-files.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probeSections } from '../src/accounts/databases.js';
import { contentAfter, pathInfo, pathInfoScript, searchHostKey, type Search } from '../src/accounts/known-hosts-file.js';

interface KnownHostsArgs {
  name: string;
  key?: string;
  path: string;
  hash_host: boolean;
  state: 'present' | 'absent';
}

interface KnownHostsState {
  path: string;
  search: Search;
  after: string;
  exists: boolean;
}

/** The path with ~ and ~user expanded on the host, as shell text. */
function pathShell(path: string): string {
  const m = /^~([^/]*)(\/.*)?$/.exec(path);
  if (!m) return quote(path);
  const home = m[1] ? `"$(getent passwd ${quote(m[1])} | cut -d: -f6)"` : '"$HOME"';
  return `${home}${m[2] ? quote(m[2]) : ''}`;
}

/** The key's host field replaced by an HMAC-SHA1 hash of the host, as ssh-keygen -H writes it. */
function hashHost(host: string, key: string): string {
  const salt = randomBytes(20);
  const parts = key.trim().split(/\s+/);
  const i = parts[0]!.startsWith('@') ? 1 : 0;
  parts[i] = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
  return parts.join(' ');
}

const knownHosts: Module<KnownHostsArgs, KnownHostsState> = {
  name: 'known_hosts',
  summary: 'Add or remove a host from the known_hosts file',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', description: 'The host to add or remove (must match the host in key).' },
      key: { type: 'string', description: 'The SSH public host key, as a known_hosts line.' },
      path: { type: 'string', default: '~/.ssh/known_hosts', description: 'The known_hosts file to edit.' },
      hash_host: { type: 'boolean', default: false, description: 'Hash the hostname in the known_hosts file.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the host key should be present.' },
    },
  },
  optionAliases: { host: 'name' },
  async plan(ctx) {
    const a = ctx.args;
    const host = a.name.toLowerCase();
    if (!a.key && a.state !== 'absent') throw new ModuleFailure('No key specified when adding a host');
    let key = a.key;
    if (key && a.hash_host) key = hashHost(host, key);
    if (key && !key.endsWith('\n')) key += '\n';
    if (key && /\S+(\s+)?,(\s+)?/.test(host)) {
      throw new ModuleFailure('Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.');
    }
    const p = pathShell(a.path);
    const probed = await probeSections(ctx.conn, {
      path: `printf '%s' ${p}`,
      exists: `test -e ${p}`,
      content: `cat ${p}`,
      stat: pathInfoScript(p),
      // ssh-keygen -F's stdout and stderr, told apart by a mark.
      search: `test -e ${p} || exit 0; o=$(mktemp) || exit 99; ssh-keygen -F ${quote(host)} -f ${p} 2>&1 1>"$o"; r=$?; printf '@@out\\n'; cat "$o"; rm -f "$o"; exit $r`,
      ...(key
        ? { sanity: `t=$(mktemp) && printf '%s' ${quote(key)} > "$t" && ssh-keygen -F ${quote(host)} -f "$t"; r=$?; rm -f "$t"; exit $r` }
        : {}),
    });
    if (key && (probed.sanity?.out ?? '') === '') throw new ModuleFailure('Host parameter does not match hashed host field in supplied key');
    const path = probed.path?.out ?? a.path;
    const exists = probed.exists?.rc === 0;
    let search: Search = { found: false, replaceOrAdd: false };
    if (exists) {
      const out = probed.search?.out ?? '';
      const mark = out.indexOf('@@out\n');
      const stderr = mark >= 0 ? out.slice(0, mark) : '';
      const stdout = mark >= 0 ? out.slice(mark + 6) : out;
      const rc = probed.search?.rc ?? 0;
      if (stdout === '' && stderr === '' && (rc === 0 || rc === 1)) search = { found: false, replaceOrAdd: false };
      else if (rc !== 0) throw new ModuleFailure(`ssh-keygen failed (rc=${rc}, stdout='${stdout}',stderr='${stderr}')`);
      else search = searchHostKey(stdout, key);
    }
    const before = exists ? probed.content?.out ?? '' : '';
    const after = contentAfter(before, search, a.state, key);
    const diff = { before_header: exists ? path : '/dev/null', after_header: path, before, after };
    const params = { name: a.name, key: a.key ?? null, path, hash_host: a.hash_host, state: a.state };
    if (a.state === 'absent' && search.foundLine === undefined && key) {
      return { changed: false, result: { ...params, diff, changed: false, ...pathInfo(probed.stat?.out) } };
    }
    const changed = search.replaceOrAdd || (a.state === 'present') !== search.found;
    const state = { path, search, after, exists };
    if (ctx.check) return { changed, diff: [diff], state, result: { changed, diff } };
    return { changed, diff: [diff], state, result: { ...params, diff, changed, ...pathInfo(probed.stat?.out) } };
  },
  async apply(ctx, plan) {
    const a = ctx.args;
    const { path, search } = plan.state!;
    if (search.found && !a.key && a.state === 'absent') await mustRun(ctx.conn, ['ssh-keygen', '-R', a.name.toLowerCase(), '-f', path]);
    // Without a key, ssh-keygen -R was the change (Ansible then rewrites the file as it is).
    else if (search.replaceOrAdd || search.found !== (a.state === 'present')) {
      try {
        await writeFileAtomic(ctx.conn, path, plan.state!.after);
      } catch (e) {
        throw new ModuleFailure(`Failed to write to file ${path}: ${(e as Error).message}`);
      }
    }
    // Ansible reports the file as it is after the change.
    const after = await probeSections(ctx.conn, { stat: pathInfoScript(quote(path)) });
    return { result: { ...plan.result, ...pathInfo(after.stat?.out) } };
  },
};

export default knownHosts;
