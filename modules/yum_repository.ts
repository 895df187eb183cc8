// yum_repository: one repository's section in a .repo file (reposdir/file.repo),
// written as Ansible writes it (src/packages/yum-repo-file.ts). The change is
// decided on Ansible's sorted dump of the file, which is also the diff; the
// file is put with copy-core's writer (atomic, mode/owner/group) and removed
// when its last section goes.
import { posix } from 'node:path';
import { ModuleFailure, type Applied, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { planWrite, applyWrite, type WriteArgs, type WritePlanState } from '../src/file-ops/copy-core.js';
import { SELINUX_OPTIONS } from '../src/file-ops/file-attributes.js';
import { withSelinuxContext } from '../src/file-ops/selinux-module.js';
import { probePaths, type RemoteFileState } from '../src/host/remote-files.js';
import { runSteps, type Step } from '../src/host/run.js';
import { dumpRepoFile, parseRepoFile, renderRepoFile, repoSection, withoutSection, withSection, REPO_KEYS, type RepoFile } from '../src/packages/yum-repo-file.js';

interface YumRepoArgs extends Record<string, unknown> {
  name: string;
  description?: string;
  file?: string;
  reposdir: string;
  state: 'present' | 'absent';
  baseurl?: string[];
  metalink?: string;
  mirrorlist?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}

type YumRepoState = { write: WritePlanState } | { remove: Step[] };

const str = { type: 'string' };
const bool = { type: 'boolean' };
const list = { type: 'array', items: { type: 'string' } };
const choice = (...values: string[]) => ({ type: 'string', enum: values });

/** Ansible's options that become keys of the section. */
const KEY_OPTIONS: Record<string, Record<string, unknown>> = {
  async: bool, bandwidth: str, baseurl: list, cost: str, deltarpm_metadata_percentage: str, deltarpm_percentage: str,
  enabled: bool, enablegroups: bool, exclude: list, failovermethod: choice('roundrobin', 'priority'), gpgcakey: str,
  gpgcheck: bool, gpgkey: list, module_hotfixes: bool, http_caching: choice('all', 'packages', 'none'), include: str,
  includepkgs: list, ip_resolve: choice('4', '6', 'IPv4', 'IPv6', 'whatever'), keepalive: bool, keepcache: choice('0', '1'),
  metadata_expire: str, metadata_expire_filter: choice('never', 'read-only:past', 'read-only:present', 'read-only:future'),
  metalink: str, mirrorlist: str, mirrorlist_expire: str, password: str, priority: str, protect: bool, proxy: str,
  proxy_password: str, proxy_username: str, repo_gpgcheck: bool, retries: str, s3_enabled: bool, skip_if_unavailable: bool,
  sslcacert: str, ssl_check_cert_permissions: bool, sslclientcert: str, sslclientkey: str, sslverify: bool, throttle: str,
  timeout: str, ui_repoid_vars: str, username: str,
};

/** The file as it is on the host (empty when absent); a file configparser could not read fails the task. */
function readRepoFile(dest: string, st: RemoteFileState): RepoFile {
  if (!st.exists) return { defaults: [], sections: [] };
  try {
    return parseRepoFile(st.content?.toString('utf8') ?? '');
  } catch (e) {
    throw new ModuleFailure(`cannot parse ${dest}: ${(e as Error).message}`);
  }
}

function desiredFile(args: YumRepoArgs, file: RepoFile): RepoFile {
  if (args.state === 'absent') return withoutSection(file, args.name);
  if (!args.baseurl && !args.metalink && !args.mirrorlist) {
    throw new ModuleFailure("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
  }
  if (args.description === undefined) throw new ModuleFailure("Parameter 'description' is required.");
  const keys = Object.fromEntries(REPO_KEYS.map((k) => [k, args[k]]));
  return withSection(file, repoSection(args.name, { ...keys, description: args.description }));
}

const destOf = (args: YumRepoArgs): string => posix.join(args.reposdir, `${args.file ?? args.name}.repo`);

async function plan(ctx: ModuleContext<YumRepoArgs>): Promise<Plan<YumRepoState>> {
  const { args } = ctx;
  const dest = destOf(args);
  const [st, parent, reposdir] = await probePaths(ctx.conn, [dest, posix.dirname(dest), args.reposdir], {
    follow: true,
    checksum: true,
    content: true,
  });
  if (reposdir!.type !== 'directory') throw new ModuleFailure(`Repo directory '${args.reposdir}' does not exist.`);
  const before = readRepoFile(dest, st!);
  const after = desiredFile(args, before);
  const diff = { before_header: dest, before: dumpRepoFile(before), after_header: dest, after: dumpRepoFile(after) };
  const result = { repo: args.name, state: args.state };
  const changed = diff.before !== diff.after;
  if (changed && after.sections.length === 0 && after.defaults.length === 0) {
    const remove: Step[] = [{ summary: `remove ${dest}`, command: ['rm', '-f', '--', dest] }];
    return { changed, result: { ...result, changed }, diff: [diff], state: { remove } };
  }
  if (!st!.exists && !changed) return { changed: false, result };
  // Unchanged: the bytes already there, so only mode/owner/group can change (as Ansible's file arguments).
  const data = changed ? Buffer.from(renderRepoFile(after), 'utf8') : st!.content ?? Buffer.alloc(0);
  const write = await planWrite(ctx, writeArgs(args, dest), { data, header: dest }, [st!, parent!]);
  return { ...write, result: { ...result, changed: write.changed }, diff: changed ? [diff] : write.diff, state: write.state && { write: write.state } };
}

const writeArgs = (args: YumRepoArgs, dest: string): WriteArgs => ({ dest, mode: args.mode, owner: args.owner, group: args.group });

async function apply(ctx: ModuleContext<YumRepoArgs>, p: Plan<YumRepoState>): Promise<Applied> {
  const state = p.state!;
  if ('remove' in state) await runSteps(ctx.conn, state.remove);
  else await applyWrite(ctx, writeArgs(ctx.args, state.write.dest), { ...p, state: state.write });
  return { result: { ...p.result } };
}

const yumRepository: Module<YumRepoArgs, YumRepoState> = {
  name: 'yum_repository',
  summary: 'Add or remove YUM repositories',
  supportsCheckMode: true,
  hostFiles: true,
  schema: {
    type: 'object',
    properties: {
      name: str,
      description: str,
      file: str,
      reposdir: { type: 'string', default: '/etc/yum.repos.d' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      mode: { type: ['string', 'integer'] },
      owner: str,
      group: str,
      ...SELINUX_OPTIONS,
      attributes: { type: 'string', description: 'Filesystem attributes (chattr) of the file (accepted, not set).' },
      unsafe_writes: { type: 'boolean', default: false, description: 'Accepted; the file is always written atomically.' },
      ...KEY_OPTIONS,
    },
    required: ['name'],
  },
  optionAliases: { attr: 'attributes', ca_cert: 'sslcacert', client_cert: 'sslclientcert', client_key: 'sslclientkey', validate_certs: 'sslverify' },
  plan,
  apply,
};

// Ansible sets the file's attributes whenever the file is there at the end (not when its last section went).
export default withSelinuxContext(yumRepository, (args, p) => (p.state && 'remove' in p.state ? undefined : { path: destOf(args) }));
