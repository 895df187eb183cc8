// Every filter and test ansible-core 2.14 ships in ansible.builtin, every Jinja2
// built-in filter and test, and every ansible.builtin lookup must be exercised
// by a case recorded from ansible-playbook (ansible-cases.json, which
// ansible-cases.test.ts checks tsplay against), a lookup also by a differential
// case, so the next gap is found by a failing test instead of by a user.
//
// The names were taken once from the installed ansible-core 2.14.18 and the
// Jinja2 3.1.2 it runs on (/usr/bin/python3):
//   filters: FilterModule().filters() of ansible.plugins.filter.{core,encryption,mathstuff,urls,urlsplit},
//            plus sorted(jinja2.filters.FILTERS)
//   tests:   TestModule().tests() of ansible.plugins.test.{core,files,mathstuff,uri},
//            plus sorted(jinja2.tests.TESTS)
//   lookups: the plugin files of /usr/lib/python3/dist-packages/ansible/plugins/lookup/*.py
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/templating/templar.js';

const ANSIBLE_FILTERS = [
  // core
  'b64decode', 'b64encode', 'basename', 'bool', 'checksum', 'combine', 'comment', 'dict2items', 'dirname', 'expanduser',
  'expandvars', 'extract', 'fileglob', 'flatten', 'from_json', 'from_yaml', 'from_yaml_all', 'hash', 'items2dict',
  'mandatory', 'md5', 'password_hash', 'path_join', 'quote', 'random', 'realpath', 'regex_escape', 'regex_findall',
  'regex_replace', 'regex_search', 'relpath', 'sha1', 'shuffle', 'split', 'splitext', 'strftime', 'subelements',
  'ternary', 'to_datetime', 'to_json', 'to_nice_json', 'to_nice_yaml', 'to_uuid', 'to_yaml', 'type_debug',
  'win_basename', 'win_dirname', 'win_splitdrive',
  // encryption
  'unvault', 'vault',
  // mathstuff
  'combinations', 'difference', 'human_readable', 'human_to_bytes', 'intersect', 'log', 'permutations', 'pow',
  'product', 'rekey_on_member', 'root', 'symmetric_difference', 'union', 'unique', 'zip', 'zip_longest',
  // urls, urlsplit
  'urldecode', 'urlsplit',
];

const JINJA_FILTERS = [
  'abs', 'attr', 'batch', 'capitalize', 'center', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'filesizeformat',
  'first', 'float', 'forceescape', 'format', 'groupby', 'indent', 'int', 'items', 'join', 'last', 'length', 'list',
  'lower', 'map', 'max', 'min', 'pprint', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe',
  'select', 'selectattr', 'slice', 'sort', 'string', 'striptags', 'sum', 'title', 'tojson', 'trim', 'truncate',
  'unique', 'upper', 'urlencode', 'urlize', 'wordcount', 'wordwrap', 'xmlattr',
];

const ANSIBLE_TESTS = [
  // core
  'all', 'any', 'change', 'changed', 'failed', 'failure', 'falsy', 'finished', 'match', 'reachable', 'regex', 'search',
  'skip', 'skipped', 'started', 'succeeded', 'success', 'successful', 'truthy', 'unreachable', 'vault_encrypted',
  'version', 'version_compare',
  // files
  'abs', 'directory', 'exists', 'file', 'is_abs', 'is_dir', 'is_file', 'is_link', 'is_mount', 'is_same_file', 'link',
  'link_exists', 'mount', 'same_file',
  // mathstuff
  'contains', 'isnan', 'issubset', 'issuperset', 'nan', 'subset', 'superset',
  // uri
  'uri', 'url', 'urn',
];

const JINJA_TESTS = [
  '!=', '<', '<=', '==', '>', '>=', 'boolean', 'callable', 'defined', 'divisibleby', 'eq', 'equalto', 'escaped', 'even',
  'false', 'filter', 'float', 'ge', 'greaterthan', 'gt', 'in', 'integer', 'iterable', 'le', 'lessthan', 'lower', 'lt',
  'mapping', 'ne', 'none', 'number', 'odd', 'sameas', 'sequence', 'string', 'test', 'true', 'undefined', 'upper',
];

const LOOKUPS = [
  'config', 'csvfile', 'dict', 'env', 'file', 'fileglob', 'first_found', 'indexed_items', 'ini', 'inventory_hostnames',
  'items', 'lines', 'list', 'nested', 'password', 'pipe', 'random_choice', 'sequence', 'subelements', 'template',
  'together', 'unvault', 'url', 'varnames', 'vars',
];

interface Exemption {
  reason: string;
  /** Where it is covered instead: a test file (from the repository root) and a test name in it. */
  file: string;
  test: string;
}

/** Names no recording can cover, each with why and the test that covers it instead. */
const EXEMPT: Record<string, Exemption> = {
  'lookup url': {
    reason: 'needs an HTTP server while ansible-playbook records; the recordings only reach files and the local shell',
    file: 'test/templating/lookup-url.test.ts',
    test: 'reads a page from a loopback server',
  },
};

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const cases = JSON.parse(readFileSync(join(here, 'ansible-cases.json'), 'utf8')) as { cases: Record<string, [string, unknown, string]> };
const templates = Object.values(cases.cases).map(([template]) => template);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const differential = filesUnder(join(root, 'test', 'differential', 'cases'))
  .filter((p) => /\.(ya?ml|j2)$/.test(p))
  .map((p) => readFileSync(p, 'utf8'));

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NAME_END = '(?![\\w.])';

/** `x | name`, `x | ansible.builtin.name`, or `map('name')`. */
function usesFilter(name: string): boolean {
  const re = new RegExp(`\\|\\s*(?:ansible\\.builtin\\.)?${esc(name)}${NAME_END}|\\bmap\\(\\s*'${esc(name)}'`);
  return templates.some((t) => re.test(t));
}

/** `x is name`, `x is not name`, or select/reject('name'), selectattr/rejectattr('a', 'name'). */
function usesTest(name: string): boolean {
  const word = /^\w+$/.test(name);
  const is = word ? `\\bis\\s+(?:not\\s+)?(?:ansible\\.builtin\\.)?${name}${NAME_END}|` : '';
  const re = new RegExp(`${is}\\b(?:select|reject)\\(\\s*'${esc(name)}'|\\b(?:select|reject)attr\\(\\s*'[^']*'\\s*,\\s*'${esc(name)}'`);
  return templates.some((t) => re.test(t));
}

function lookupPattern(name: string): RegExp {
  return new RegExp(`\\b(?:lookup|query|q)\\(\\s*['"](?:ansible\\.builtin\\.)?${name}['"]|\\bwith_${name}\\s*:`);
}
const recordedLookup = (name: string): boolean => templates.some((t) => lookupPattern(name).test(t));
const differentialLookup = (name: string): boolean => differential.some((t) => lookupPattern(name).test(t));

const t = new Templar();
const missing = (template: string, what: RegExp): boolean => {
  try {
    t.render(template, {});
    return false;
  } catch (e) {
    return what.test((e as Error).message);
  }
};

describe('every ansible.builtin and Jinja2 filter, test and lookup is covered by a recorded case', () => {
  const filters = [...new Set([...ANSIBLE_FILTERS, ...JINJA_FILTERS])];
  const tests = [...new Set([...ANSIBLE_TESTS, ...JINJA_TESTS])];

  it('has the lists as taken from ansible-core 2.14 and Jinja2 3.1', () => {
    expect([ANSIBLE_FILTERS.length, JINJA_FILTERS.length, ANSIBLE_TESTS.length, JINJA_TESTS.length, LOOKUPS.length]).toEqual([68, 54, 47, 39, 25]);
  });

  for (const name of filters) {
    it(`filter ${name}`, () => {
      expect(missing(`{{ 1 | ${name} }}`, /^No filter named/), 'tsplay has no such filter').toBe(false);
      if (EXEMPT[`filter ${name}`]) return;
      expect(usesFilter(name), `no case in ansible-cases.json uses | ${name}`).toBe(true);
    });
  }

  for (const name of tests) {
    it(`test ${name}`, () => {
      expect(missing(`{{ [1] | select('${name}', 1) | list }}`, /^No test named/), 'tsplay has no such test').toBe(false);
      if (EXEMPT[`test ${name}`]) return;
      expect(usesTest(name), `no case in ansible-cases.json uses is ${name} / select('${name}')`).toBe(true);
    });
  }

  for (const name of LOOKUPS) {
    it(`lookup ${name}`, () => {
      expect(missing(`{{ lookup('${name}') }}`, /lookup plugin \(.*\) not found/), 'tsplay has no such lookup').toBe(false);
      if (EXEMPT[`lookup ${name}`]) return;
      expect(recordedLookup(name) || differentialLookup(name), `no recorded or differential case uses lookup('${name}')`).toBe(true);
    });
  }

  for (const [key, e] of Object.entries(EXEMPT)) {
    it(`exemption ${key} is real, has a reason and names a test that exists`, () => {
      const [kind, name] = key.split(' ') as [string, string];
      const covered = kind === 'filter' ? usesFilter(name) : kind === 'test' ? usesTest(name) : recordedLookup(name) || differentialLookup(name);
      expect(covered, `${key} is covered by a recording now: drop the exemption`).toBe(false);
      expect(e.reason.length).toBeGreaterThan(20);
      expect(readFileSync(join(root, e.file), 'utf8')).toContain(e.test);
    });
  }

  it('the coverage checks can fail', () => {
    expect(usesFilter('no_such_filter_x')).toBe(false);
    expect(usesTest('no_such_test_x')).toBe(false);
    expect(recordedLookup('no_such_lookup_x') || differentialLookup('no_such_lookup_x')).toBe(false);
    // `| default` is no use of `d`
    expect(new RegExp(`\\|\\s*d${NAME_END}`).test('{{ x | default(1) }}')).toBe(false);
  });
});
