// --tags / --skip-tags selection, with Ansible's special tags: always, never,
// all, tagged, untagged.

export function tagsSelected(taskTags: Set<string>, only: string[], skip: string[]): boolean {
  const tagged = [...taskTags].filter((t) => t !== 'always' && t !== 'never');
  const isAlways = taskTags.has('always');
  const isNever = taskTags.has('never');
  const named = (list: string[]) => list.some((t) => taskTags.has(t));

  if (skip.length > 0) {
    if (skip.includes('all')) return false;
    if (named(skip)) return false;
    if (skip.includes('tagged') && tagged.length > 0) return false;
    if (skip.includes('untagged') && tagged.length === 0 && !isAlways) return false;
  }
  if (only.length === 0 || only.includes('all')) {
    if (isNever) return named(only.filter((t) => t !== 'all'));
    return true;
  }
  if (isAlways && !only.includes('never')) return true;
  if (named(only.filter((t) => t !== 'always'))) return true;
  if (only.includes('tagged') && tagged.length > 0 && !isNever) return true;
  if (only.includes('untagged') && tagged.length === 0 && !isNever) return true;
  return false;
}
