// Turning `-i` sources into an Inventory: files (YAML or INI), directories of
// inventory files, and comma-separated host lists such as `h1,h2,`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isVaultText } from '../vault/envelope.js';
import { openVault } from '../vault/secrets.js';
import { dirname, extname, join, resolve } from 'node:path';
import { ParseError } from '../errors.js';
import { parseYaml } from '../yaml-source.js';
import { splitHostPort } from './host-address.js';
import { parseIniInventory } from './ini.js';
import { LoadedInventory } from './inventory.js';
import { InventoryData } from './model.js';
import { parseYamlInventory } from './yaml.js';

/** Extensions Ansible skips when reading an inventory directory (INVENTORY_IGNORE_EXTS). */
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];

export interface LoadOptions {
  /** Directory relative sources are resolved against (default: process.cwd()). */
  cwd?: string;
}

export function loadInventory(sources: string[], options: LoadOptions = {}): LoadedInventory {
  const cwd = options.cwd ?? process.cwd();
  const data = new InventoryData();
  for (const source of sources) {
    const path = resolve(cwd, source);
    if (source.includes(',') && !existsSync(path)) {
      parseHostList(source, data);
      continue;
    }
    if (!existsSync(path)) {
      throw new ParseError(`Unable to parse ${path} as an inventory source: no such file or directory`, {
        file: path,
        line: 1,
        col: 1,
      });
    }
    if (statSync(path).isDirectory()) {
      parseDirectory(path, data);
      data.varsDirs.push(path);
    } else {
      parseFile(path, data);
      data.varsDirs.push(dirname(path));
    }
  }
  data.reconcile();
  return new LoadedInventory(data, cwd);
}

function parseHostList(list: string, data: InventoryData): void {
  for (const item of list.split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const { pattern, port } = splitHostPort(text);
    const host = data.addHost(pattern, 'ungrouped');
    if (port !== undefined) host.vars.ansible_port = port;
  }
}

function parseDirectory(dir: string, data: InventoryData): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'group_vars' || name === 'host_vars') continue;
    if (IGNORED_EXTS.some((ext) => name.endsWith(ext))) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) parseDirectory(full, data);
    else parseFile(full, data);
  }
}

/** Parse one inventory file: YAML by extension, else YAML if it reads as a mapping, else INI. */
export function parseFile(file: string, data: InventoryData): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParseError(`Could not read inventory file '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file,
      line: 1,
      col: 1,
    });
  }
  // A vaulted inventory file is an inventory once decrypted.
  if (isVaultText(text)) text = openVault(text, file, { file, line: 1, col: 1 }).plaintext.toString('utf8');
  data.currentSource = file;
  try {
    const ext = extname(file).toLowerCase();
    if (YAML_EXTS.includes(ext)) {
      parseYamlInventory(parseYaml(text, file), file, data);
      return;
    }
    if (ext === '') {
      const yaml = tryYaml(text, file);
      if (yaml !== undefined) {
        parseYamlInventory(yaml, file, data);
        return;
      }
    }
    parseIniInventory(text, file, data);
  } finally {
    data.currentSource = undefined;
  }
}

/** The YAML mapping in `text`, or undefined when it is not YAML inventory. */
function tryYaml(text: string, file: string): unknown {
  try {
    const value = parseYaml(text, file);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
