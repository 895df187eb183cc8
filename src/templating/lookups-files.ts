// The lookups that search for files on the controller: fileglob and
// first_found (Ansible 2.14's plugins of the same names).
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { TemplateError } from './errors.js';
import { findDirInSearchPath, findInSearchPath, type Lookup } from './lookup-support.js';
import { isMapping, truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';

/** Regular files in `dir` whose names match the shell pattern, as Python's glob finds them (no hidden files unless asked). */
function glob(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const matches = picomatch(pattern, { dot: pattern.startsWith('.') });
  return names
    .filter((n) => matches(n))
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Ansible's _split_on: `a,b;c` strings, and lists of them, into names (not trimmed, as there). */
function splitOn(value: unknown, separators: RegExp): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => splitOn(v, separators));
  return pyStr(value).split(separators);
}

interface FirstFoundOptions {
  files?: unknown;
  paths?: unknown;
  skip?: unknown;
}

/** The names first_found tries, in order, and whether to give nothing instead of failing (its _process_terms). */
function firstFoundCandidates(terms: unknown[], kwargs: FirstFoundOptions): { names: string[]; skip: boolean } {
  let names: string[] = [];
  let skip = false;
  for (const term of terms) {
    if (Array.isArray(term)) {
      const inner = firstFoundCandidates(term, kwargs);
      names.push(...inner.names);
      skip = inner.skip;
      continue;
    }
    // A mapping term carries its own options; a string term takes the call's.
    const options: FirstFoundOptions = isMapping(term) ? (term as FirstFoundOptions) : kwargs;
    const files = splitOn(options.files, /[,;]/);
    const paths = splitOn(options.paths, /[,:;]/);
    skip = truthy(options.skip ?? false);
    if (paths.length > 0) names.push(...paths.flatMap((p) => files.map((f) => join(p, f))));
    else if (files.length > 0) names = files; // as in Ansible: the files option replaces what came before
    else names.push(pyStr(term));
  }
  return { names, skip };
}

export const fileLookups: Record<string, Lookup> = {
  // Files matching a pattern, in the first place that has any: <dir>/files, then <dir>.
  fileglob: (terms, _a, ctx) =>
    terms.flatMap((t) => {
      const term = pyStr(t);
      const pattern = basename(term);
      const dirs =
        pattern !== term
          ? [findDirInSearchPath(dirname(term), 'files', ctx.extra.searchPaths)]
          : [...new Set(ctx.extra.searchPaths)].flatMap((p) => [join(p, 'files'), p]);
      for (const dir of dirs) {
        const found = dir ? glob(dir, pattern) : [];
        if (found.length > 0) return found;
      }
      return [];
    }),
  // The first of the files that exists (in `paths`, if given), searched like the file lookup's.
  first_found: (terms, a, ctx, loop) => {
    const { names, skip } = firstFoundCandidates(terms, a.kw);
    for (const name of names) {
      const found = findInSearchPath(name, loop?.subdir ?? 'files', ctx.extra.searchPaths);
      if (found) return [found];
    }
    if (skip) return [];
    throw new TemplateError('No file was found when using first_found.');
  },
};
