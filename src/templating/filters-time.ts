// Dates: the to_datetime and strftime filters and the now() global (Ansible 2.14).
import { param } from './args.js';
import { fieldsOf, now, strftime, strptime } from './datetime.js';
import { TemplateError } from './errors.js';
import { toFloat } from './filters-core.js';
import { truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';
import type { FilterTable } from './registry.js';
import { splitArgs } from './args.js';

/** The fields of an epoch time as Python's time.localtime (or gmtime) gives them. */
function broken(epochSeconds: number, utc: boolean): ReturnType<typeof fieldsOf> {
  const ms = Math.trunc(epochSeconds) * 1000;
  const offset = utc ? 0 : new Date(ms).getTimezoneOffset() * 60_000;
  return fieldsOf(new Date(ms - offset));
}

export const timeFilters: FilterTable = {
  to_datetime: (v, a) => strptime(pyStr(v), pyStr(param(a, 0, 'format', '%Y-%m-%d %H:%M:%S'))),
  strftime: (v, a) => {
    const second = param<unknown>(a, 0, 'second', null);
    let epoch = Date.now() / 1000;
    if (second !== null) {
      epoch = toFloat(second, Number.NaN);
      if (Number.isNaN(epoch)) throw new TemplateError(`Invalid value for epoch value (${pyStr(second)})`);
    }
    return strftime(pyStr(v), broken(epoch, truthy(param(a, 1, 'utc', false))));
  },
};

/** Ansible's now(utc=False, fmt=None) global: a datetime, or its strftime text. */
export function nowGlobal(...args: unknown[]): unknown {
  const a = splitArgs(args);
  const dt = now(truthy(param(a, 0, 'utc', false)));
  const fmt = param<unknown>(a, 1, 'fmt', null);
  return fmt === null ? dt : dt.strftime(pyStr(fmt));
}
