// apt_key: a key in apt's keyrings through apt-key (deprecated upstream, kept
// for the playbooks that use it), as Ansible 2.14's apt_key decides it: the
// key's id from `id`, or from gpg reading the file, data or URL (fetched on
// the host); present when apt-key's listing has it. `before`/`after` list the
// keys, as Ansible returns them.
import { ModuleFailure, type Module, type ModuleContext, type ModuleResult, type Plan } from '../src/module-api/module-types.js';
import { probe } from '../src/host/run.js';
import { quote, quoteArgv, raw } from '../src/host/shell.js';
import { fetchInto, keyIdsOfListing } from '../src/keys/gpg-keys.js';

interface AptKeyArgs {
  id?: string;
  url?: string;
  data?: string;
  file?: string;
  keyring?: string;
  validate_certs: boolean;
  keyserver?: string;
  state: 'present' | 'absent';
}

interface AptKeyState {
  /** The shell lines that add (or remove) the key, then list the keys again. */
  script: string;
  stdin?: string;
  failure: string;
  short: boolean;
  check: (keys: string[]) => boolean;
}

const aptKey = (a: AptKeyArgs): string[] => ['apt-key', ...(a.keyring ? ['--keyring', a.keyring] : [])];
const listCommand = (a: AptKeyArgs): string => `${quoteArgv([...aptKey(a), 'adv', '--list-public-keys', '--keyid-format=long'])} 2>/dev/null`;

/** apt_key's key id rules: 8, 16 or more than 16 hex digits, optional 0x: [short, fingerprint (last 16), whole]. */
export function parseKeyId(id: string): [string, string, string] | undefined {
  let k = id.toUpperCase();
  if (k.startsWith('0X')) k = k.slice(2);
  if (!/^[0-9A-F]+$/.test(k)) return undefined;
  if (k.length !== 8 && k.length !== 16 && k.length <= 16) return undefined;
  return [k.slice(-8), k.length > 16 ? k.slice(-16) : k, k];
}

/** The probe: the key's id from gpg (when `id` is not given), then apt-key's listing. */
function probeScript(a: AptKeyArgs): string {
  const lines: string[] = ['export LANG=C LC_ALL=C LC_MESSAGES=C'];
  if (!a.id) {
    if (a.file) lines.push(`echo @@key; gpg --with-colons ${quote(a.file)} || exit 5`);
    else if (a.url) lines.push(fetchInto('f', a.url, a.validate_certs), 'trap \'rm -f "$f"\' EXIT', 'echo @@key; gpg --with-colons "$f" || exit 5');
    else if (a.data) lines.push('echo @@key; gpg --with-colons - || exit 5');
  }
  lines.push(`echo @@list; ${listCommand(a)} || exit 6`);
  return lines.join('\n');
}

function addScript(a: AptKeyArgs, keyId: string): { script: string; stdin?: string } {
  const add = aptKey(a);
  if (a.file) return { script: `${quoteArgv([...add, 'add', a.file])}` };
  if (a.keyserver) return { script: `${quoteArgv([...add, 'adv', '--no-tty', '--keyserver', a.keyserver, '--recv', keyId])}` };
  if (a.data) return { script: `${quoteArgv([...add, 'add', '-'])}`, stdin: a.data };
  return { script: `${fetchInto('f', a.url!, a.validate_certs)}\n${quoteArgv([...add, 'add'])} "$f"; rc=$?; rm -f "$f"; [ $rc = 0 ]` };
}

async function plan(ctx: ModuleContext<AptKeyArgs>): Promise<Plan<AptKeyState>> {
  const a = ctx.args;
  if (!a.id && a.keyserver) throw new ModuleFailure('Missing key_id, required with keyserver.');
  const res = await probe(ctx.conn, raw(probeScript(a)), { stdin: !a.id && !a.file && !a.url ? a.data : undefined });
  if (res.rc === 4) throw new ModuleFailure(`error getting key id from url: ${a.url}`);
  if (res.rc === 5) throw new ModuleFailure(`Unable to extract key from '${a.file ?? 'inline data'}'`, { stdout: res.stdout, stderr: res.stderr });
  if (res.rc === 6) throw new ModuleFailure('Unable to list public keys', { rc: res.rc, stdout: res.stdout, stderr: res.stderr });
  const [keyOut = '', listOut = ''] = res.stdout.replace(/^@@key\n/, '').split('@@list\n');
  const id = a.id ?? keyIdsOfListing(keyOut)[0] ?? null;
  const r: ModuleResult = { id };
  const parsed = id === null ? undefined : parseKeyId(id);
  if (!parsed) throw new ModuleFailure('Invalid key_id', r);
  const [short, fp, keyId] = parsed;
  Object.assign(r, { short_id: short, fp, key_id: keyId });
  const shortFormat = keyId.length === 8;
  const keys = keyIdsOfListing(listOut, shortFormat);
  r.before = keys;
  const has = (list: string[]) => list.includes(shortFormat ? short : fp);
  const noError = 'apt-key did not return an error, but %s (check that the id is correct and *not* a subkey)';
  if (a.state === 'present') {
    if (has(keys)) return { changed: false, result: { changed: false, ...r } };
    const { script, stdin } = addScript(a, keyId);
    return {
      changed: true,
      result: { changed: true, ...r },
      state: { script, stdin, failure: noError.replace('%s', 'failed to add the key'), short: shortFormat, check: (after) => has(after) },
    };
  }
  // Ansible compares the fingerprint here, also for a short id.
  if (!keys.includes(fp)) return { changed: false, result: { changed: false, ...r } };
  return {
    changed: true,
    result: { changed: true, ...r },
    state: { script: quoteArgv([...aptKey(a), 'del', short]), failure: noError.replace('%s', 'the key was not removed'), short: shortFormat, check: (after) => !after.includes(fp) },
  };
}

async function apply(ctx: ModuleContext<AptKeyArgs>, p: Plan<AptKeyState>): Promise<{ result: ModuleResult }> {
  const s = p.state!;
  const a = ctx.args;
  const script = `export LANG=C LC_ALL=C LC_MESSAGES=C\n{ ${s.script}; } >&2 || exit 7\necho @@list; ${listCommand(a)} || exit 6`;
  const res = await probe(ctx.conn, raw(script), { stdin: s.stdin });
  if (res.rc === 7) {
    const what = a.state === 'absent' ? `Unable to remove a key with id ${p.result!.short_id as string}` : a.data ? 'Unable to add a key from binary data' : `Unable to add a key from file ${a.file ?? '-'}`;
    throw new ModuleFailure(what, { rc: 1, stderr: res.stderr });
  }
  if (res.rc !== 0) throw new ModuleFailure('Unable to list public keys', { rc: res.rc, stderr: res.stderr });
  const after = keyIdsOfListing(res.stdout.split('@@list\n')[1] ?? '', s.short);
  const result = { ...p.result, after };
  if (!s.check(after)) throw new ModuleFailure(s.failure, result);
  return { result };
}

const aptKeyModule: Module<AptKeyArgs, AptKeyState> = {
  name: 'apt_key',
  summary: 'Add or remove an apt key',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'The key id (8, 16 or more hex digits)' },
      url: { type: 'string', description: 'Where the host fetches the key from' },
      data: { type: 'string', description: 'The key itself' },
      file: { type: 'string', description: 'A key file on the host' },
      keyring: { type: 'string', description: 'The keyring to use (apt-key --keyring)' },
      validate_certs: { type: 'boolean', default: true, description: "Check the URL's TLS certificate" },
      keyserver: { type: 'string', description: 'A keyserver to receive the key from (needs id)' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the key should be there' },
    },
  },
  rules: { mutuallyExclusive: [['data', 'file', 'keyserver', 'url']] },
  plan,
  apply,
};

export default aptKeyModule;
