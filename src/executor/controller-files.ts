// Controller-side files that a task's module finds and reads (a template's
// source, a copy's src). One instance serves one dispatch of one task to its
// hosts: every host asks for the same file, so it is searched for, read and
// stat'ed once instead of once a host. The next dispatch starts afresh, so a
// file that an earlier task created or changed is seen as it is then.
import { statSync } from 'node:fs';
import type { ControllerFile } from '../module-api/module-types.js';
import { readControllerFile } from '../vault/controller-file.js';

export class ControllerFiles {
  private readonly found = new Map<string, string>();
  private readonly files = new Map<string, ControllerFile>();

  /** The path `search` finds for `key`; a search that throws is not remembered. */
  find(key: string, search: () => string): string {
    let path = this.found.get(key);
    if (path === undefined) {
      path = search();
      this.found.set(key, path);
    }
    return path;
  }

  read(path: string): ControllerFile {
    let file = this.files.get(path);
    if (!file) {
      // a vaulted source is sent decrypted (template, script)
      file = { data: readControllerFile(path), mode: statSync(path).mode & 0o7777 };
      this.files.set(path, file);
    }
    return file;
  }
}
