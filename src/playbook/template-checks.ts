// Jinja syntax errors found when the playbook is loaded, before any host is
// touched: each templated string is compiled the way the templar compiles it
// when the task runs (same preprocessing, same compiler, whose code is cached),
// so the check and the run agree. Values only known at run time are not seen.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { templateFailure } from '../templating/errors.js';
import { isUnsafeText } from '../templating/unsafe.js';
import { compileTemplate, templateCode } from '../templating/jinja-compiler.js';
import { prepareSource } from '../templating/source.js';
import { locationOfItem, locationOfKey } from '../yaml-source.js';
import { fail, isMapping, type Raw } from './field-checks.js';
import type { RoleInstance } from './types.js';

/** Keywords that are bare Jinja expressions (the templar wraps them as `{{ ... }}`). */
const CONDITION_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

/** Texts already compiled without error (a role's strings repeat across plays). */
const good = new Set<string>();

/** The compiler's error for `text`, or undefined; as Templar's `compiled()` prepares it. */
function compileError(text: string, escapeBackslashes: boolean): Error | undefined {
  const key = (escapeBackslashes ? 'e' : 't') + text;
  if (good.has(key)) return undefined;
  try {
    compileTemplate(prepareSource(text.replace(/(\r\n|\n|\r)$/, ''), escapeBackslashes), 'template');
  } catch (err) {
    return err as Error;
  }
  good.add(key);
  return undefined;
}

/** A string rendered as a template (task options, names, vars, loop values...). */
function checkString(text: string, at: SourceLocation): void {
  // `!unsafe` text is never templated, so it need not be a valid template.
  if (!hasTemplate(text) || isUnsafeText(text)) return;
  const err = compileError(text, true);
  if (err) fail(templateFailure(err, text).message, at);
}

/** A condition: templated text is rendered first, bare text is evaluated as an expression. */
export function checkCondition(cond: unknown, at: SourceLocation): void {
  if (typeof cond !== 'string') return;
  if (hasTemplate(cond)) return checkString(cond, at);
  const err = compileError(`{{ ${cond} }}`, false);
  if (err) fail(`The conditional check '${cond}' failed. The error was: ${templateFailure(err, `{{ ${cond} }}`).message}`, at);
}

/** Every string in a value as written, each error at its key or item. */
export function checkValue(value: unknown, at: SourceLocation): void {
  if (typeof value === 'string') checkString(value, at);
  else if (Array.isArray(value)) value.forEach((v, i) => checkValue(v, locationOfItem(value, i) ?? at));
  else if (isMapping(value)) for (const [k, v] of Object.entries(value)) checkValue(v, locationOfKey(value, k) ?? at);
}

/** The keywords of a play, block, task or role entry; `skip` holds those checked elsewhere. */
export function checkKeywordTemplates(raw: Raw, loc: SourceLocation, skip: ReadonlySet<string> = new Set()): void {
  for (const [key, value] of Object.entries(raw)) {
    if (skip.has(key)) continue;
    const at = locationOfKey(raw, key) ?? loc;
    if (CONDITION_KEYS.has(key)) {
      for (const [i, c] of (Array.isArray(value) ? value : [value]).entries()) checkCondition(c, Array.isArray(value) ? (locationOfItem(value, i) ?? at) : at);
    } else {
      checkValue(value, at);
    }
  }
}

/** A role's defaults and vars (rendered when used). */
export function checkRoleVars(roles: readonly RoleInstance[], at: SourceLocation): void {
  for (const role of roles) {
    checkValue(role.defaults, at);
    checkValue(role.vars, at);
  }
}

/** A task's keywords and module options; k=v options as parsed (`args`), at the module's key. */
export function checkTaskTemplates(raw: Raw, loc: SourceLocation, actionKey: string, args: Raw, argsAt: SourceLocation): void {
  const kv = !isMapping(raw[actionKey]);
  checkKeywordTemplates(raw, loc, new Set(kv ? [actionKey] : []));
  if (kv) checkValue(args, argsAt);
}

interface FileScope {
  fileDir: string;
  playbookDir: string;
  role?: RoleInstance;
}

/** The file a literal `src:` of a template task names, when it can be found now. */
export function checkTemplateSrc(src: unknown, scope: FileScope): void {
  if (typeof src !== 'string' || hasTemplate(src)) return;
  const file = findTemplateFile(src, scope);
  if (file) checkTemplateFile(file);
}

/** Where the template module will look for `src` (src/executor/task-runner.ts findFile). */
function findTemplateFile(src: string, { fileDir, playbookDir, role }: FileScope): string | undefined {
  if (isAbsolute(src)) return existsSync(src) ? src : undefined;
  const dirs = role ? [join(role.dir, 'templates'), join(role.dir, 'tasks'), role.dir] : [];
  dirs.push(join(fileDir, 'templates'), fileDir, join(playbookDir, 'templates'), playbookDir);
  return dirs.map((d) => join(d, src)).find((p) => existsSync(p));
}

/** A template file, compiled as the template module renders it; the error names its line. */
function checkTemplateFile(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // unreadable: the task reports it when it runs
  }
  if (!hasTemplate(text)) return;
  const err = compileError(text, false);
  if (!err) return;
  fail(`template error while templating file: ${err.message}`, { file, ...errorPosition(text) });
}

/** Line and column of a compile error: the parser's own, or the end of the text. */
function errorPosition(text: string): { line: number; col: number } {
  try {
    templateCode(prepareSource(text.replace(/(\r\n|\n|\r)$/, ''), false), 'template');
  } catch (e) {
    const { lineno, colno } = e as { lineno?: number; colno?: number };
    if (lineno !== undefined) return { line: lineno, col: colno ?? 1 };
  }
  const lines = text.replace(/\n$/, '').split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
