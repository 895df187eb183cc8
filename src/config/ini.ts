// ansible.cfg text as Python's configparser reads it for Ansible: `[section]`
// headers, `key = value` or `key: value` (keys lower-cased), whole-line `#`
// and `;` comments, an inline `;` comment only after whitespace (so `#` inside
// a value is kept), indented lines continuing the value above, values taken
// raw (no `%` interpolation), duplicate sections or keys refused.
// The `ini` package reads none of these rules this way (and its current
// version needs Node 22), so this small reader does it.
import { OptionsError } from '../errors.js';

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let section: Map<string, string> | undefined;
  let sectionName = '';
  let key: string | undefined;
  let keyIndent = 0;
  const fail = (n: number, why: string): never => {
    throw new OptionsError(`Error reading config file (${file}): ${why} [line ${n + 1}]`);
  };
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, n) => {
    const line = stripInlineComment(raw);
    const trimmed = line.trim();
    const indent = line.length - line.trimStart().length;
    if (/^[#;]/.test(raw.trim())) return;
    if (trimmed === '') {
      if (key !== undefined) section!.set(key, section!.get(key)! + '\n');
      return;
    }
    if (key !== undefined && indent > keyIndent) {
      section!.set(key, `${section!.get(key)!}\n${trimmed}`);
      return;
    }
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      sectionName = header[1]!;
      if (sections.has(sectionName)) fail(n, `section '${sectionName}' already exists`);
      section = new Map();
      sections.set(sectionName, section);
      key = undefined;
      return;
    }
    if (!section) fail(n, 'File contains no section headers.');
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!m) fail(n, `not a 'key = value' line: '${trimmed}'`);
    key = m![1]!.toLowerCase();
    if (section!.has(key)) fail(n, `option '${key}' in section '${sectionName}' already exists`);
    keyIndent = indent;
    section!.set(key, m![2]!);
  });
  // Blank lines at the end of a value are not part of it.
  for (const s of sections.values()) for (const [k, v] of s) s.set(k, v.replace(/\n+$/, '').trim());
  return sections;
}

/** The line up to a `;` that follows whitespace (configparser's inline_comment_prefixes). */
function stripInlineComment(line: string): string {
  const m = /\s;/.exec(line);
  return m ? line.slice(0, m.index) : line;
}
