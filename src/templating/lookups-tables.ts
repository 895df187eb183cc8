// The lookups that read a value out of a table file on the controller: csvfile
// (Python's csv module, excel dialect) and ini (Python's configparser, also for
// Java properties), as Ansible 2.14's plugins of the same names.
import { readFileSync } from 'node:fs';
import { parseKeyValue } from '../playbook/kv.js';
import { TemplateError } from './errors.js';
import { AnsibleClassError, LookupFailure, findInSearchPath, type Lookup } from './lookup-support.js';
import { pyRegex } from './regex.js';
import { pyStr } from './python-repr.js';
import { truthy } from './python-ops.js';
import type { RenderContext } from './runtime.js';

/** Rows of CSV text as Python's csv.reader reads them (double quotes, "" inside quotes). */
export function csvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let started = false;
  const endRow = () => {
    if (started || row.length > 0) rows.push([...row, field]);
    row = [];
    field = '';
    started = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      started = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      started = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      field += ch;
      started = true;
    }
  }
  endRow();
  return rows;
}

/** Ansible's find_file_in_search_path: a file not found is `None`, which each plugin then fails to open in its own way. */
function openTable(name: string, ctx: RenderContext, plugin: 'csvfile' | 'ini'): string {
  const path = findInSearchPath(name, 'files', ctx.extra.searchPaths);
  if (path === undefined && plugin === 'ini') throw new AnsibleClassError("Invalid filename: 'None'", 'ansible.errors.AnsibleParserError');
  if (path === undefined) throw new TemplateError("csvfile: [Errno 2] No such file or directory: b'None'");
  return readFileSync(path, 'utf8');
}

const CSV_OPTIONS = ['file', 'delimiter', 'col', 'default', 'encoding'];

function csvfile(terms: unknown[], kw: Record<string, unknown>, ctx: RenderContext): unknown[] {
  const params: Record<string, unknown> = { file: 'ansible.csv', delimiter: 'TAB', col: '1', default: null, encoding: 'utf-8' };
  for (const k of CSV_OPTIONS) if (k in kw) params[k] = kw[k];
  const out: unknown[] = [];
  for (const term of terms) {
    const kv = parseKeyValue(pyStr(term));
    if (!('_raw_params' in kv)) throw new TemplateError('Search key is required but was not found');
    const key = pyStr(kv._raw_params);
    for (const [name, value] of Object.entries(kv)) {
      if (name === '_raw_params') continue;
      if (!CSV_OPTIONS.includes(name)) throw new TemplateError(`${name} is not a valid option`);
      params[name] = value;
    }
    if (params.delimiter === 'TAB') params.delimiter = '\t';
    const text = openTable(pyStr(params.file), ctx, 'csvfile');
    const colText = pyStr(params.col).trim();
    let found: unknown = params.default;
    for (const row of csvRows(text, pyStr(params.delimiter))) {
      if (row.length > 0 && row[0] === key) {
        if (!/^[-+]?\d+$/.test(colText)) throw new TemplateError(`csvfile: invalid literal for int() with base 10: '${pyStr(params.col)}'`);
        const col = Number(colText);
        const cell = row[col < 0 ? row.length + col : col];
        if (cell === undefined) throw new TemplateError('csvfile: list index out of range');
        found = cell;
        break;
      }
    }
    if (found !== null && found !== undefined) out.push(...(Array.isArray(found) ? found : [found]));
  }
  return out;
}

type Sections = Map<string, Map<string, string | null>>;

/** An ini text as configparser reads it (strict, `=` or `:`, # and ; comments, indented continuation lines). */
function parseIni(text: string, file: string, caseSensitive: boolean, allowNoValue: boolean): Sections {
  const sections: Sections = new Map([['DEFAULT', new Map()]]);
  let current: Map<string, string | null> | undefined;
  let lastKey: string | undefined;
  let sectionName = '';
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      if (line === '') lastKey = undefined;
      continue;
    }
    const indented = /^\s/.test(raw);
    if (indented && current && lastKey !== undefined && current.get(lastKey) !== null) {
      current.set(lastKey, `${current.get(lastKey)}\n${line}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      sectionName = header[1]!;
      if (sections.has(sectionName) && sectionName !== 'DEFAULT') {
        throw new TemplateError(`While reading from '<???>' [line ${String(i + 1).padStart(2)}]: section '${sectionName}' already exists`);
      }
      current = sections.get(sectionName) ?? new Map();
      sections.set(sectionName, current);
      lastKey = undefined;
      continue;
    }
    if (!current) throw new TemplateError(`File contains no section headers.\nfile: '<???>', line: ${i + 1}\n'${raw}\\n'`);
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(line);
    let key: string;
    let value: string | null;
    if (m) [key, value] = [m[1]!.trim(), m[2]!];
    else if (allowNoValue) [key, value] = [line, null];
    else throw new AnsibleClassError(`Source contains parsing errors: '<???>'\n\t[line ${String(i + 1).padStart(2)}]: '${raw}\\n'`, 'configparser.ParsingError');
    if (!caseSensitive) key = key.toLowerCase();
    if (current.has(key)) {
      throw new LookupFailure(`Duplicate option in '${file}': While reading from '<???>' [line ${String(i + 1).padStart(2)}]: option '${key}' in section '${sectionName}' already exists`);
    }
    current.set(key, value);
    lastKey = key;
  }
  return sections;
}

/** configparser's BasicInterpolation: %(name)s from the section, %% a percent sign. */
function interpolate(value: string | null, section: Map<string, string | null>, depth = 0): string | null {
  if (value === null || !value.includes('%')) return value;
  if (depth > 10) throw new TemplateError('Recursion limit exceeded in value substitution');
  return value.replace(/%(%|\(([^)]*)\)s)/g, (whole, _p: string, name: string | undefined) => {
    if (name === undefined) return '%';
    const ref = section.get(name.toLowerCase());
    if (ref === undefined) throw new TemplateError(`Bad value substitution: option '${name}' references '${name}'`);
    return interpolate(ref, section, depth + 1) ?? '';
  });
}

const INI_OPTIONS = ['_terms', 'type', 'file', 'section', 're', 'encoding', 'default', 'case_sensitive', 'allow_no_value', 'allow_none'];

/** The ini plugin's inline `key opt=value ...` split: a word with `opt=` starts that option, others join the one before. */
function inlineParams(term: string): string[] {
  const params = new Map<string, string>();
  const keys: string[] = [];
  let current = 'key';
  for (const [i, phrase] of term.split(/\s+/).filter(Boolean).entries()) {
    if (phrase.includes('=')) for (const k of INI_OPTIONS) if (phrase.includes(`${k}=`)) current = k;
    if (i === 0 || !params.get(current)) {
      params.set(current, phrase);
      keys.push(current);
    } else params.set(current, `${params.get(current)} ${phrase}`);
  }
  return keys.map((k) => params.get(k)!);
}

function ini(terms: unknown[], kw: Record<string, unknown>, ctx: RenderContext): unknown[] {
  const params: Record<string, unknown> = {
    type: 'ini', file: 'ansible.ini', section: 'global', re: false, encoding: 'utf-8', default: '', case_sensitive: false, allow_no_value: false,
  };
  for (const k of INI_OPTIONS) if (k in kw) params[k === 'allow_none' ? 'allow_no_value' : k] = kw[k];
  const out: unknown[] = [];
  for (const t of terms) {
    const term = pyStr(t);
    let key = term;
    if (term.includes('=') || term.trim().includes(' ')) {
      let updated = false;
      const parts = inlineParams(term);
      for (const param of parts) {
        if (param.includes('=')) {
          const pieces = param.split('=');
          if (pieces.length !== 2) {
            throw new LookupFailure(`Could not use '${param}' from '[${parts.map((p) => `'${p}'`).join(', ')}]': too many values to unpack (expected 2)`);
          }
          const [name, value] = pieces as [string, string];
          if (!(name in params) && name !== 'allow_none') throw new LookupFailure(`${name} is not a valid option.`);
          params[name] = value;
        } else if (key === term) {
          key = param;
          updated = true;
        }
      }
      if (!updated) throw new LookupFailure(`No key to lookup was provided as first term with in string inline options: ${term}`, true);
    }
    const properties = params.type === 'properties';
    const section = properties ? 'java_properties' : pyStr(params.section);
    const text = (properties ? '[java_properties]\n' : '') + openTable(pyStr(params.file), ctx, 'ini');
    const sections = parseIni(text, pyStr(params.file), truthy(params.case_sensitive), truthy(params.allow_no_value));
    const values = sections.get(section);
    if (!values || section === 'DEFAULT') throw new LookupFailure(`No section '${section}' in ${pyStr(params.file)}`);
    // the DEFAULT section's options are every section's
    const merged = new Map([...sections.get('DEFAULT')!, ...values]);
    if (truthy(params.re)) {
      const re = pyRegex(key);
      for (const [k, v] of merged) if (re.exec(k)?.index === 0) out.push(interpolate(v, merged));
      continue;
    }
    const lookupKey = truthy(params.case_sensitive) ? key : key.toLowerCase();
    const value = merged.has(lookupKey) ? interpolate(merged.get(lookupKey)!, merged) : params.default;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export const tableLookups: Record<string, Lookup> = {
  csvfile: (terms, a, ctx) => csvfile(terms, a.kw, ctx),
  ini: (terms, a, ctx) => ini(terms, a.kw, ctx),
};
