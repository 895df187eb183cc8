// getent: a database of the host's name service switch read with getent,
// set as the fact getent_<database> (key -> list of fields), as Ansible does.
import { probe } from '../src/host/run.js';
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { getentFacts } from '../src/accounts/getent-parse.js';

interface GetentArgs {
  database: string;
  key?: string;
  service?: string;
  split?: string;
  fail_key: boolean;
}

const getent: Module<GetentArgs, undefined> = {
  name: 'getent',
  summary: 'A wrapper to the unix getent utility',
  supportsCheckMode: true,
  schema: {
    type: 'object',
    required: ['database'],
    properties: {
      database: { type: 'string', description: 'The name of a getent database (passwd, group, hosts, services...).' },
      key: { type: 'string', description: 'Key to look up in the database (all entries when omitted).' },
      service: { type: 'string', description: 'Override the NSS service to use (getent -s).' },
      split: { type: 'string', description: "Character to split each entry with (':' for passwd, shadow, group, gshadow; else whitespace)." },
      fail_key: { type: 'boolean', default: true, description: 'Fail when a key is not found (otherwise the key maps to null).' },
    },
  },
  async plan(ctx) {
    const a = ctx.args;
    const argv = ['getent', a.database, ...(a.key !== undefined ? [a.key] : []), ...(a.service !== undefined ? ['-s', a.service] : [])];
    const res = await probe(ctx.conn, argv);
    const fact = `getent_${a.database}`;
    if (res.rc === 0) {
      const facts = { [fact]: getentFacts(res.stdout, a.database, a.split) };
      return { changed: false, result: { changed: false, ansible_facts: facts }, effects: { facts } };
    }
    if (res.rc === 2) {
      const msg = 'One or more supplied key could not be found in the database.';
      if (!a.fail_key) {
        const facts = { [fact]: { [String(a.key)]: null } };
        return { changed: false, result: { changed: false, ansible_facts: facts, msg }, effects: { facts } };
      }
      throw new ModuleFailure(msg);
    }
    if (res.rc === 1) throw new ModuleFailure('Missing arguments, or database unknown.');
    if (res.rc === 3) throw new ModuleFailure('Enumeration not supported on this database.');
    if (res.rc === 127) throw new ModuleFailure('Failed to find required executable "getent"');
    throw new ModuleFailure('Unexpected failure!');
  },
};

export default getent;
