// A play's vars_files, as Ansible 2.14 resolves them: for each host, each entry
// (a path, or a list of paths of which the first that exists is used) is
// rendered with that host's variables, so `vars/{{ ansible_os_family }}.yml`
// works once facts are gathered. An entry naming an undefined variable is
// skipped while the host has no facts yet, and stops the run once it has (as
// Ansible does). Files are read once per run.
import { isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import { ParseError, TsplayError, type SourceLocation } from '../errors.js';
import { loadYamlFile } from '../yaml-source.js';
import type { Play } from '../playbook/types.js';
import { containsTemplate, UndefinedVariableError, type Templar } from '../templating/templar.js';
import { pyStr } from '../templating/python-repr.js';

interface Entry {
  /** As written: a path, or a list of paths. */
  written: unknown;
  candidates: unknown[];
  location: SourceLocation;
  /** No candidate names a variable: the same file for every host. */
  literal: boolean;
}

export class PlayVarsFiles {
  private readonly entries: Entry[];
  private readonly loaded = new Map<string, Record<string, unknown>>();
  /** The merged variables when every entry is literal. */
  private literalVars?: Record<string, unknown>;

  constructor(
    private readonly play: Play,
    private readonly templar: Templar,
  ) {
    this.entries = play.varsFiles.map((e) => {
      const candidates = Array.isArray(e.path) ? e.path : [e.path];
      return { written: e.path, candidates, location: e.location, literal: candidates.every((c) => typeof c !== 'string' || !containsTemplate(c)) };
    });
  }

  /** Some entry names a variable: each host may get other files, or an error. */
  get templated(): boolean {
    return this.entries.some((e) => !e.literal);
  }

  /** Reads the literal entries now, so that a missing or malformed file stops the play before its first task. */
  preload(): void {
    for (const e of this.entries) if (e.literal) this.load(e, e.candidates.map(String));
    if (this.entries.every((e) => e.literal)) this.literalVars = this.merge(() => ({}), false);
  }

  /**
   * The variables a host gets from vars_files. `varsSoFar` gives the host's
   * variables to render the names with (each entry also sees the entries
   * before it); `factsGathered` says whether an undefined name is an error.
   */
  forHost(varsSoFar: () => Record<string, unknown>, factsGathered: boolean): Record<string, unknown> {
    return this.literalVars ?? this.merge(varsSoFar, factsGathered);
  }

  private merge(varsSoFar: () => Record<string, unknown>, factsGathered: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let base: Record<string, unknown> | undefined;
    for (const e of this.entries) {
      let paths: string[];
      if (e.literal) paths = e.candidates.map(String);
      else {
        base ??= varsSoFar();
        try {
          const view = this.templar.view({ ...base, ...out });
          paths = e.candidates.map((c) => pyStr(this.templar.render(c, view)));
        } catch (err) {
          if (!(err instanceof UndefinedVariableError)) throw err;
          if (!factsGathered) continue;
          throw new TsplayError(`an undefined variable was found when attempting to template the vars_files item '${pyStr(e.written)}'`, e.location);
        }
      }
      Object.assign(out, this.load(e, paths));
    }
    return out;
  }

  private load(e: Entry, paths: string[]): Record<string, unknown> {
    for (const rel of paths) {
      const file = isAbsolute(rel) ? rel : join(this.play.playbookDir, rel);
      const known = this.loaded.get(file);
      if (known) return known;
      if (!existsSync(file)) continue;
      const data = loadYamlFile(file, e.location);
      if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
        throw new ParseError(`vars file ${file} must be a dictionary`, e.location);
      }
      const vars = (data ?? {}) as Record<string, unknown>;
      this.loaded.set(file, vars);
      return vars;
    }
    throw new ParseError(`vars file ${paths.join(', ')} was not found`, e.location);
  }
}
