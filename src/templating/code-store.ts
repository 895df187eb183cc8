// Keeps, across runs, the JavaScript that nunjucks' parser and code generator
// make of template texts. Parsing and generating cost ~0.3-0.5 ms a template,
// every run, for texts that rarely change (a role's templates, its task
// strings). Used by the bundled CLI only (bin/tsplay.js), whose build the file
// name is tied to, so code made by another version of the compiler is never run.
import { createHash } from 'node:crypto';
import { readOwnFile, writeOwnFile } from '../own-file.js';

/** Texts kept at most; those this run used are kept first. */
const LIMIT = 2000;

interface StoreFile {
  version: 1;
  code: Record<string, string>;
}

function readStore(file: string): Map<string, string> {
  try {
    const text = readOwnFile(file)?.toString('utf8');
    if (text === undefined) return new Map();
    const parsed = JSON.parse(text) as Partial<StoreFile>;
    if (parsed.version !== 1 || typeof parsed.code !== 'object' || parsed.code === null) return new Map();
    return new Map(Object.entries(parsed.code).filter(([, v]) => typeof v === 'string'));
  } catch {
    return new Map(); // none yet, or unreadable: start empty
  }
}

export class TemplateCodeStore {
  private loaded: Map<string, string> | undefined;
  /** What this run looked up or added, in that order. */
  private readonly used = new Map<string, string>();
  private added = false;

  constructor(private readonly file: string) {}

  private static key(name: string, src: string): string {
    return createHash('sha1').update(`${name}\0${src}`).digest('hex');
  }

  get(name: string, src: string): string | undefined {
    const key = TemplateCodeStore.key(name, src);
    this.loaded ??= readStore(this.file);
    const code = this.loaded.get(key);
    if (code !== undefined) this.used.set(key, code);
    return code;
  }

  set(name: string, src: string, code: string): void {
    this.used.set(TemplateCodeStore.key(name, src), code);
    this.added = true;
  }

  /** Writes the store if this run added to it, merged with what other runs wrote meanwhile. */
  save(): boolean {
    if (!this.added) return false;
    const merged = readStore(this.file);
    for (const [k, v] of this.used) {
      merged.delete(k);
      merged.set(k, v); // last = most recently used
    }
    const kept = [...merged].slice(-LIMIT);
    try {
      writeOwnFile(this.file, JSON.stringify({ version: 1, code: Object.fromEntries(kept) } satisfies StoreFile));
      this.added = false;
      return true;
    } catch {
      return false;
    }
  }
}

let active: TemplateCodeStore | undefined;

/** From now on, template code is kept in `file` (undefined: not kept). */
export function useTemplateCodeStore(file: string | undefined): void {
  active = file ? new TemplateCodeStore(file) : undefined;
}

export function templateCodeStore(): TemplateCodeStore | undefined {
  return active;
}

export function saveTemplateCodeStore(): boolean {
  return active?.save() ?? false;
}
