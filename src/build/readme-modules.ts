// Writes README.md's list of every module (between the modules-list markers)
// from the module registry: `npm run readme-modules` after adding a module.
// test/cli-doc.test.ts fails when the README's list is not what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleListMarkdown } from '../cli/module-doc.js';
import { projectRoot } from '../paths.js';

export const START = '<!-- modules-list: made by `npm run readme-modules` from the registry; do not edit -->';
export const END = '<!-- modules-list end -->';

/** README's text with its module list replaced by the registry's. */
export function withModuleList(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no module list markers (${START} ... ${END})`);
  return `${readme.slice(0, a + START.length)}\n${moduleListMarkdown()}\n${readme.slice(b)}`;
}

if (process.argv[1]?.endsWith('readme-modules.js')) {
  const file = join(projectRoot(), 'README.md');
  writeFileSync(file, withModuleList(readFileSync(file, 'utf8')));
}
