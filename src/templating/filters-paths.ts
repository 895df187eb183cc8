// Path and URL filters: path_join, win_basename/win_dirname/win_splitdrive,
// expandvars, fileglob, urldecode, urlsplit (Ansible 2.14's, Python's rules).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { param } from './args.js';
import { TemplateError } from './errors.js';
import { pyStr, tuple } from './python-repr.js';
import type { FilterTable } from './registry.js';

const str = (v: unknown): string => pyStr(v);

/** os.path.join: an absolute part restarts the path. */
function pathJoin(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p.startsWith('/') || out === '') out = p;
    else out += out.endsWith('/') ? p : `/${p}`;
  }
  return out;
}

/** ntpath.splitdrive: a drive letter or a UNC //server/share. */
function winSplitDrive(p: string): [string, string] {
  const norm = p.replace(/\//g, '\\');
  if (norm.startsWith('\\\\') && norm[2] !== '\\') {
    const m = /^\\\\[^\\]+\\[^\\]+/.exec(norm);
    if (m) return [p.slice(0, m[0].length), p.slice(m[0].length)];
    return ['', p];
  }
  if (p[1] === ':') return [p.slice(0, 2), p.slice(2)];
  return ['', p];
}

function winSplit(p: string): [string, string] {
  const [drive, rest] = winSplitDrive(p);
  let i = rest.length;
  while (i > 0 && !'/\\'.includes(rest[i - 1] ?? '')) i--;
  const head = rest.slice(0, i);
  const trimmed = head.replace(/[/\\]+$/, '');
  return [drive + (trimmed === '' ? head : trimmed), rest.slice(i)];
}

/** os.path.expandvars: $NAME and ${NAME} of set variables; others stay. */
function expandvars(s: string): string {
  return s.replace(/\$(\w+|\{([^}]*)\})/g, (m, name: string, braced: string | undefined) => process.env[braced ?? name] ?? m);
}

/** glob.glob of a pattern with no wildcard in its directories, regular files only. */
function fileglob(pattern: string): string[] {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (!/[*?[]/.test(name)) return existsSync(pattern) && statSync(pattern).isFile() ? [pattern] : [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const match = picomatch(name, { dot: name.startsWith('.') });
  const prefix = pattern.includes('/') ? dir : '';
  return names
    .filter((n) => match(n))
    .map((n) => (prefix ? join(prefix, n) : n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false);
}

function urldecode(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(text[i] ?? ''));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** urllib.parse.urlsplit, as the dict Ansible's urlsplit filter gives. */
function urlsplit(url: string): Record<string, unknown> {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(url) ?? [];
  const netloc = m[2] ?? '';
  const userinfo = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@')) : null;
  const hostport = netloc.slice(netloc.lastIndexOf('@') + 1);
  const hm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
  const host = (hm?.[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  return {
    fragment: m[5] ?? '',
    hostname: host === '' ? null : host,
    netloc,
    password: userinfo !== null && userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : null,
    path: m[3] ?? '',
    port: hm?.[2] ? Number(hm[2]) : null,
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: userinfo === null ? null : userinfo.split(':')[0],
  };
}

export const pathFilters: FilterTable = {
  path_join: (v) => {
    if (typeof v === 'string') return v;
    if (!Array.isArray(v)) throw new TemplateError(`|path_join expects string or sequence, got ${typeof v} instead.`);
    return pathJoin(v.map(str));
  },
  win_splitdrive: (v) => tuple(winSplitDrive(str(v))),
  win_dirname: (v) => winSplit(str(v))[0],
  win_basename: (v) => winSplit(str(v))[1],
  expandvars: (v) => expandvars(str(v)),
  fileglob: (v) => fileglob(str(v)),
  urldecode: (v) => urldecode(str(v)),
  urlsplit: (v, a) => {
    const parts = urlsplit(str(v));
    const query = str(param(a, 0, 'query', ''));
    if (!query) return parts;
    if (!(query in parts)) throw new TemplateError(`urlsplit: unknown URL component: ${query}`);
    return parts[query];
  },
};
