// community.general's json_query: a JMESPath search of the value (the `jmespath`
// package implements the same specification as Python's jmespath).
import jmespath from 'jmespath';
import { param } from './args.js';
import { TemplateError } from './errors.js';
import { pyStr } from './python-repr.js';
import type { FilterTable } from './registry.js';

export const jsonQueryFilters: FilterTable = {
  json_query: (v, a) => {
    try {
      return jmespath.search(v as never, pyStr(param(a, 0, 'expr'))) as unknown;
    } catch (err) {
      throw new TemplateError(`JMESPathError in json_query filter plugin:\n${(err as Error).message}`);
    }
  },
};
