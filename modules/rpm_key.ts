// rpm_key: an OpenPGP key in (or out of) the rpm database, as Ansible 2.14's
// rpm_key decides it: the key's id from gpg, the imported keys from
// `rpm -q gpg-pubkey`; rpm --import to add, rpm --erase to remove. `key` is a
// key id, a path on the host, or a URL (fetched on the host).
import { ModuleFailure, planOfSteps, type Module, type ModuleContext, type Plan } from '../src/module-api/module-types.js';
import { probe, type Step } from '../src/host/run.js';
import { quote, raw } from '../src/host/shell.js';
import { fetchInto, firstKey } from '../src/keys/gpg-keys.js';

interface RpmKeyArgs {
  key: string;
  state: 'present' | 'absent';
  fingerprint?: string;
  validate_certs: boolean;
}

const GPG = 'gpg --no-tty --batch --with-colons --fixed-list-mode';
const isKeyId = (key: string): boolean => /^(0x)?[0-9a-f]{8}/i.test(key);
const normalize = (id: string): string => id.trim().toUpperCase().replace(/^0X/, '');

/** One probe: the key file's listing (fetched first for a URL), and the imported keys' listing. */
function probeScript(a: RpmKeyArgs, kind: 'url' | 'id' | 'file'): string {
  const lines: string[] = [];
  if (kind === 'url') lines.push(fetchInto('f', a.key, a.validate_certs), 'trap \'rm -f "$f"\' EXIT');
  if (kind === 'file') lines.push(`f=${quote(a.key)}`, '[ -f "$f" ] || exit 3');
  if (kind !== 'id') lines.push(`echo @@file; ${GPG} --with-fingerprint "$f" || exit 5`);
  lines.push(`echo @@rpm; rpm -q gpg-pubkey >/dev/null 2>&1 || exit 0; rpm -q gpg-pubkey --qf '%{description}' | ${GPG} - || exit 6`);
  return lines.join('\n');
}

function importStep(a: RpmKeyArgs, kind: 'url' | 'file'): Step {
  if (kind === 'file') return { summary: `rpm --import ${a.key}`, command: ['rpm', '--import', a.key] };
  return { summary: `rpm --import ${a.key}`, command: raw(`${fetchInto('f', a.key, a.validate_certs)}\nrpm --import "$f"; rc=$?; rm -f "$f"; exit $rc`) };
}

async function plan(ctx: ModuleContext<RpmKeyArgs>): Promise<Plan> {
  const a = ctx.args;
  const kind = a.key.includes('://') ? 'url' : isKeyId(a.key) ? 'id' : 'file';
  const res = await probe(ctx.conn, raw(probeScript(a, kind)), { env: { LC_ALL: 'C' } });
  if (res.rc === 3) throw new ModuleFailure(`Not a valid key ${a.key}`);
  if (res.rc === 4) throw new ModuleFailure(`failed to fetch key at ${a.key} , error was: ${res.stderr.trim()}`);
  if (res.rc !== 0) throw new ModuleFailure(res.stderr.trim() || 'Unexpected gpg output');
  const [fileOut = '', rpmOut = ''] = res.stdout.replace(/^@@file\n/, '').split('@@rpm\n');
  const fromFile = kind === 'id' ? {} : firstKey(fileOut);
  if (kind !== 'id' && !fromFile.keyid) throw new ModuleFailure('Unexpected gpg output');
  const keyid = normalize(kind === 'id' ? a.key : fromFile.keyid!);
  const imported = rpmOut.split('\n').some((l) => (l.split(':')[4] ?? '').includes(keyid));
  if (a.state === 'absent') {
    const erase = ['rpm', '--erase', '--allmatches', `gpg-pubkey-${keyid.slice(-8).toLowerCase()}`];
    return planOfSteps(imported ? [{ summary: erase.join(' '), command: erase }] : []);
  }
  if (imported) return planOfSteps([]);
  if (kind === 'id') throw new ModuleFailure('When importing a key, a valid file must be given');
  if (a.fingerprint) {
    const wanted = a.fingerprint.replace(/ /g, '').toUpperCase();
    if (wanted !== fromFile.fingerprint) {
      throw new ModuleFailure(`The specified fingerprint, '${wanted}', does not match the key fingerprint '${fromFile.fingerprint}'`);
    }
  }
  return planOfSteps([importStep(a, kind)]);
}

const rpmKey: Module<RpmKeyArgs> = {
  name: 'rpm_key',
  summary: 'Adds or removes a gpg key from the rpm db',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'A key id, a path on the host, or a URL of the key' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the key should be imported' },
      fingerprint: { type: 'string', description: 'The fingerprint the key must have to be imported' },
      validate_certs: { type: 'boolean', default: true, description: "Check the URL's TLS certificate" },
    },
    required: ['key'],
  },
  plan,
};

export default rpmKey;
