// Ansible 2.14 tests tsplay lacked: all/any, nan, issubset/issuperset, the file
// tests (file, directory, link, link_exists, mount, same_file), uri/url/urn,
// vault_encrypted; and Jinja's true/false/escaped.
import { lstatSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { param } from './args.js';
import { toList } from './filters-core.js';
import { pyEquals, truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';
import type { TestFn } from './registry.js';
import { addAliases, tests } from './tests.js';

const statOf = (p: unknown, follow = true) => {
  const path = pyStr(p);
  return follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
};

/** os.path.ismount: the root, or a directory on another device than its parent. */
function isMount(p: unknown): boolean {
  const path = resolve(pyStr(p));
  const st = statOf(path, false);
  if (!st || st.isSymbolicLink()) return false;
  if (path === '/') return true;
  const parent = statOf(dirname(path));
  return parent !== undefined && (parent.dev !== st.dev || parent.ino === st.ino);
}

function sameFile(a: unknown, b: unknown): boolean {
  const x = statOf(a);
  const y = statOf(b);
  if (!x || !y) throw new Error(`[Errno 2] No such file or directory: '${pyStr(!x ? a : b)}'`);
  return x.dev === y.dev && x.ino === y.ino;
}

/** urlparse's scheme ('' when there is none, as Python's). */
function urlParts(v: unknown): { scheme: string; netloc: string } {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?/.exec(pyStr(v));
  return { scheme: (m?.[1] ?? '').toLowerCase(), netloc: m?.[2] ?? '' };
}

function isUri(v: unknown, schemes: unknown): boolean {
  if (typeof v !== 'string') return false;
  const list = schemes === null || schemes === undefined ? [] : toList(schemes).map(pyStr);
  return list.length === 0 || list.includes(urlParts(v).scheme);
}

export const moreTests: Record<string, TestFn> = {
  all: (v) => toList(v).every(truthy),
  any: (v) => toList(v).some(truthy),
  nan: (v) => typeof v === 'number' && Number.isNaN(v),
  issubset: (v, a) => {
    const b = toList(param(a, 0, 'b'));
    return toList(v).every((x) => b.some((y) => pyEquals(x, y)));
  },
  issuperset: (v, a) => {
    const b = toList(param(a, 0, 'b'));
    return b.every((x) => toList(v).some((y) => pyEquals(x, y)));
  },
  successful: tests.succeeded as TestFn,
  true: (v) => v === true,
  false: (v) => v === false,
  // tsplay has no Markup strings
  escaped: () => false,
  file: (v) => statOf(v)?.isFile() ?? false,
  directory: (v) => statOf(v)?.isDirectory() ?? false,
  link: (v) => statOf(v, false)?.isSymbolicLink() ?? false,
  link_exists: (v) => statOf(v, false) !== undefined,
  mount: (v) => isMount(v),
  same_file: (v, a) => sameFile(v, param(a, 0, 'other')),
  uri: (v, a) => isUri(v, param(a, 0, 'schemes', null)),
  url: (v, a) => {
    if (!isUri(v, param(a, 0, 'schemes', null))) return false;
    const { scheme, netloc } = urlParts(v);
    return netloc !== '' || scheme === 'file';
  },
  urn: (v) => isUri(v, ['urn']),
  vault_encrypted: () => false,
};
addAliases(moreTests, { isnan: 'nan', is_file: 'file', is_dir: 'directory', is_link: 'link', is_mount: 'mount', is_same_file: 'same_file' });
