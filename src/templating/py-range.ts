// Python's range object (the `range` global gives one, see globals-jinja.ts):
// a list of its ints, so filters and loops take it as one. Only type_debug
// tells it from a list: Ansible's finalize unrolls a range, so it prints as
// [0, 1, 2].

export class PyRange extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array; // map/filter/slice of a range give lists
  }
}

export function makeRange(start: number, stop: number, step: number): PyRange {
  const r = new PyRange();
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) r.push(i);
  return r;
}
