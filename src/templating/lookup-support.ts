// What the lookup plugins share: their shape, and finding a file or directory
// the way Ansible's find_file_in_search_path does.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Args } from './args.js';
import { TemplateError } from './errors.js';
import type { RenderContext } from './runtime.js';

/** Set when a lookup feeds a `with_<lookup>` loop. */
export interface LookupLoop {
  /** Where first_found looks: `templates` for a template task, `vars` for include_vars, else `files`. */
  subdir: string;
}

export type Lookup = (terms: unknown[], a: Args, ctx: RenderContext, loop?: LookupLoop) => unknown[];

function findIn(term: string, subdir: string, searchPaths: string[], kind: 'file' | 'directory'): string | undefined {
  const fits = (p: string) => existsSync(p) && (kind === 'file' ? statSync(p).isFile() : statSync(p).isDirectory());
  if (isAbsolute(term)) return fits(term) ? term : undefined;
  for (const dir of searchPaths) {
    for (const candidate of [join(dir, subdir, term), join(dir, term)]) {
      if (fits(candidate)) return candidate;
    }
  }
  if (searchPaths.length === 0 && fits(term)) return term;
  return undefined;
}

/** Find `term` as Ansible's find_file_in_search_path does: <dir>/<subdir>/<term>, then <dir>/<term>. */
export function findInSearchPath(term: string, subdir: string, searchPaths: string[]): string | undefined {
  return findIn(term, subdir, searchPaths, 'file');
}

/** The same for a directory (fileglob's `dir/` part). */
export function findDirInSearchPath(term: string, subdir: string, searchPaths: string[]): string | undefined {
  return findIn(term, subdir, searchPaths, 'directory');
}

/**
 * A failure a lookup reports itself (Ansible's AnsibleLookupError, or with
 * `options` an AnsibleOptionsError): shown as it is, not wrapped as an
 * unhandled exception; only an options error ignores `errors=`.
 */
export class LookupFailure extends TemplateError {
  constructor(
    message: string,
    readonly options = false,
  ) {
    super(message);
    this.name = 'LookupFailure';
  }
}

/** An error of a named Python class (ansible.errors.AnsibleParserError, configparser.ParsingError...) a lookup raises; wrapped naming that class. */
export class AnsibleClassError extends TemplateError {
  constructor(
    message: string,
    readonly pyClass: string,
  ) {
    super(message);
    this.name = 'AnsibleClassError';
  }
}
