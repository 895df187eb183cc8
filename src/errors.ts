// User-facing errors. Every error a user can cause carries the place in their
// YAML that caused it, so the CLI can print "file:line:col" and the line itself.
import { readFileSync } from 'node:fs';

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

/** Exit codes as ansible-playbook documents them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  unreachable: 4,
  parseError: 4,
  badOptions: 5,
  interrupted: 99,
  unexpected: 250,
} as const;

export class TsplayError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly exitCode: number = ExitCode.error,
  ) {
    super(message);
    this.name = 'TsplayError';
  }
}

/** A problem in what the user wrote: playbook, inventory, role, vars file. */
export class ParseError extends TsplayError {
  constructor(message: string, location?: SourceLocation) {
    super(message, location, ExitCode.parseError);
    this.name = 'ParseError';
  }
}

/** Command-line options that make no sense. */
export class OptionsError extends TsplayError {
  constructor(message: string) {
    super(message, undefined, ExitCode.badOptions);
    this.name = 'OptionsError';
  }
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** The offending line with a caret under the column, or '' when unreadable. */
export function excerpt(loc: SourceLocation): string {
  let text: string;
  try {
    text = readFileSync(loc.file, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n');
  const line = lines[loc.line - 1];
  if (line === undefined) return '';
  const gutter = String(loc.line).length;
  return `${String(loc.line)} | ${line}\n${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, loc.col - 1))}^ here`;
}

/** The one message a user sees for an error: what, where, and the line. */
export function formatError(err: TsplayError): string {
  if (!err.location) return `ERROR! ${err.message}`;
  const where = formatLocation(err.location);
  const shown = excerpt(err.location);
  return `ERROR! ${err.message}\n  at ${where}${shown ? `\n\n${shown}` : ''}`;
}
