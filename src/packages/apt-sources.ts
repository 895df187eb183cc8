// apt's one-line sources files as Ansible's apt_repository sees them: every
// line parsed into (valid, enabled, source, comment), a source's words joined
// by one space; a file is compared and rewritten in that normalised form.
// A line is present when any file has it (a disabled copy gets enabled);
// a new one goes to its own file in sources.list.d.
import { posix } from 'node:path';

export interface SourceLine {
  /** Starts with deb or deb-src. */
  valid: boolean;
  /** Not commented out with '#'. */
  enabled: boolean;
  source: string;
  comment: string;
}

const SOURCE_TYPES = ['deb', 'deb-src'];

/** Ansible's _parse of one line. */
export function parseSourceLine(text: string): SourceLine {
  let line = text.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const hash = line.indexOf('#');
  if (hash > 0) {
    comment = line.slice(hash + 1).trim();
    line = line.slice(0, hash);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const words = source.split(/\s+/);
    if (SOURCE_TYPES.includes(words[0]!)) {
      valid = true;
      source = words.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

export function renderSourceLine(l: SourceLine): string {
  return `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`;
}

/** A file's lines as Python reads them (each with its end of line). */
export function parseSourcesFile(text: string): SourceLine[] {
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map(parseSourceLine);
}

/** What Ansible compares and shows: the normalised text, or undefined for a file with no lines (removed on save). */
export function dumpSourcesFile(lines: SourceLine[]): string | undefined {
  return lines.length > 0 ? lines.map(renderSourceLine).join('') : undefined;
}

/** The repo line as a source; undefined when it is not an enabled deb/deb-src line (Ansible's "Invalid repository string"). */
export function sourceOfRepo(repo: string): string | undefined {
  const l = parseSourceLine(repo);
  return l.valid && l.enabled ? l.source : undefined;
}

/** Ansible's _suggest_filename: the first word after the type, options and scheme dropped, as name_like_this. */
export function suggestFilename(source: string): string {
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const words = line.split(/\s+/).filter((w) => w !== '' && !SOURCE_TYPES.includes(w));
  let first = words[0] ?? '';
  if (first.includes('@')) first = first.slice(first.indexOf('@') + 1);
  return first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_');
}

/** Where a new source goes: <filename>.list in sourceparts (a name with '/' is a path, as in Ansible). */
export function sourceFilePath(sourceParts: string, source: string, filename?: string): string {
  const name = `${filename ?? suggestFilename(source)}.list`;
  return name.includes('/') ? name : posix.join(sourceParts, name);
}

/** Every sources file by path, in the order read. */
export type SourcesFiles = Map<string, SourceLine[]>;

/**
 * Adds `source`: every line that has it (even disabled) is enabled; if none
 * does, it is appended to `file`. Returns the new files and whether `file` got
 * the line (mode applies to it then).
 */
export function addSource(files: SourcesFiles, source: string, file: string): { files: SourcesFiles; appended: boolean } {
  const out: SourcesFiles = new Map();
  let found = false;
  for (const [path, lines] of files) {
    out.set(
      path,
      lines.map((l) => {
        if (!l.valid || l.source !== source) return l;
        found = true;
        return { ...l, enabled: true };
      }),
    );
  }
  if (!found) out.set(file, [...(out.get(file) ?? []), { valid: true, enabled: true, source, comment: '' }]);
  return { files: out, appended: !found };
}

/** Removes every enabled line that has `source` (disabled copies stay). */
export function removeSource(files: SourcesFiles, source: string): SourcesFiles {
  const out: SourcesFiles = new Map();
  for (const [path, lines] of files) out.set(path, lines.filter((l) => !(l.valid && l.enabled && l.source === source)));
  return out;
}

export interface SourcesChange {
  path: string;
  before?: string;
  after?: string;
}

/** The files whose normalised text differs: before/after undefined where the file is absent (or empty, and removed). */
export function changedFiles(before: SourcesFiles, after: SourcesFiles): SourcesChange[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  const changes: SourcesChange[] = [];
  for (const path of paths) {
    const b = dumpSourcesFile(before.get(path) ?? []);
    const a = dumpSourcesFile(after.get(path) ?? []);
    if (a !== b) changes.push({ path, before: b, after: a });
  }
  return changes;
}
