// debconf's answers as `debconf-show PKG` prints them ("* question: value"),
// and the line debconf-set-selections reads, as Ansible's debconf module uses them.

/** question -> value, as Ansible parses debconf-show's output (the seen mark dropped). */
export function parseDebconfShow(out: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    answers[line.slice(0, at).replace(/^\*+|\*+$/g, '').trim()] = line.slice(at + 1).trim();
  }
  return answers;
}

/** A boolean's value as debconf has it: Ansible turns True/False into true/false. */
export function debconfValue(vtype: string, value: string): string {
  if (vtype !== 'boolean') return value;
  return value === 'True' ? 'true' : value === 'False' ? 'false' : value;
}

/** The line for debconf-set-selections (sent on its stdin, so a password stays off command lines). */
export const selectionLine = (pkg: string, question: string, vtype: string, value: string): string => [pkg, question, vtype, value].join(' ');
