// Loading YAML the way Ansible reads it (YAML 1.1: yes/no booleans, 0644 octal,
// merge keys) while remembering where every mapping, sequence and key came from,
// so later errors can point at file, line and column.
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
  type ScalarTag,
  type Tags,
} from 'yaml';
import { ParseError, type SourceLocation } from './errors.js';
import { mkFloat, mkInt } from './templating/py-float.js';
import { markUnsafe } from './templating/unsafe.js';
import { openVault } from './vault/secrets.js';
import { isVaultText } from './vault/envelope.js';

// PyYAML (what Ansible reads YAML with) takes only yes/no, true/false, on/off
// as booleans, not y/n, and leaves dates as text once templated: adjust the
// YAML 1.1 schema to match.
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

// PyYAML's numbers are narrower than YAML 1.1's: a float has a point (`1e3`
// and `e1` are text; an exponent needs its sign: `1.0e+3`), and a decimal
// integer has no leading zero (`09` is text; `0755` is octal).
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/;
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;
const PY_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;

function pythonTest(t: ScalarTag): RegExp | undefined {
  if (t.tag === 'tag:yaml.org,2002:bool') return t.test?.test('yes') ? PY_TRUE : PY_FALSE;
  if (t.tag === 'tag:yaml.org,2002:float' && t.format === 'EXP') return PY_FLOAT_EXP;
  if (t.tag === 'tag:yaml.org,2002:float' && !t.format && !t.test?.test('.nan')) return PY_FLOAT;
  if (t.tag === 'tag:yaml.org,2002:int' && !t.format) return PY_DECIMAL;
  return undefined;
}

// A float stays a float when its value is whole (`3.0` prints as 3.0, not 3).
function keepFloat(t: ScalarTag): ScalarTag {
  if (t.tag !== 'tag:yaml.org,2002:float') return t;
  const resolve = t.resolve.bind(t);
  return { ...t, resolve: (...args: Parameters<ScalarTag['resolve']>) => pyFloatOf(resolve(...args)) } as ScalarTag;
}

function pyFloatOf(v: unknown): unknown {
  if (typeof v === 'number') return mkFloat(v);
  // YAML 1.1's plain float resolves to a Scalar node holding the number
  if (isScalar(v) && typeof v.value === 'number') v.value = mkFloat(v.value);
  return v;
}

// An int stays exact past 2**53 (a bigint), as Python's are; only a long
// text can be that big, so short ones keep the plain parse.
function exactInt(t: ScalarTag): ScalarTag {
  if (t.tag !== 'tag:yaml.org,2002:int') return t;
  const resolve = t.resolve.bind(t);
  return {
    ...t,
    resolve: (str: string, onError: (msg: string) => void, opts: Parameters<ScalarTag['resolve']>[2]) =>
      str.length < 16 ? resolve(str, onError, opts) : mkInt(resolve(str, onError, { ...opts, intAsBigInt: true }) as bigint),
  } as ScalarTag;
}

/** The YAML 1.1 schema narrowed to what PyYAML reads (for `customTags`; from_yaml uses it too). */
export function pythonLikeTags(tags: Tags): Tags {
  return tags
    .filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp')
    .map((t) => {
      if (typeof t === 'string') return t;
      if (!('test' in t) || !t.test) return exactInt(keepFloat(t as ScalarTag));
      const test = pythonTest(t);
      return exactInt(keepFloat(test ? ({ ...t, test } as ScalarTag) : t));
    });
}

const nodeLocations = new WeakMap<object, SourceLocation>();
const keyLocations = new WeakMap<object, Map<string, SourceLocation>>();
const indexLocations = new WeakMap<object, SourceLocation[]>();

/** Where a mapping or sequence that came from YAML starts. */
export function locationOf(value: unknown): SourceLocation | undefined {
  return typeof value === 'object' && value !== null ? nodeLocations.get(value) : undefined;
}

/** Where a key of a mapping that came from YAML was written. */
export function locationOfKey(map: unknown, key: string): SourceLocation | undefined {
  if (typeof map !== 'object' || map === null) return undefined;
  return keyLocations.get(map)?.get(key) ?? nodeLocations.get(map);
}

/** Where item `index` of a sequence that came from YAML was written. */
export function locationOfItem(seq: unknown, index: number): SourceLocation | undefined {
  if (typeof seq !== 'object' || seq === null) return undefined;
  return indexLocations.get(seq)?.[index] ?? nodeLocations.get(seq);
}

/** Give `copy` the same recorded location as `original` (for derived objects). */
export function inheritLocation<T extends object>(copy: T, original: unknown): T {
  const loc = locationOf(original);
  if (loc) nodeLocations.set(copy, loc);
  return copy;
}

export function setLocation(value: object, loc: SourceLocation | undefined): void {
  if (loc) nodeLocations.set(value, loc);
}

class Converter {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number | undefined): SourceLocation {
    const pos = this.lines.linePos(offset ?? 0);
    return { file: this.file, line: pos.line, col: pos.col };
  }

  convert(node: YamlNode | null | undefined, doc: Document): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.convert(node.resolve(doc) as YamlNode, doc);
    if (isScalar(node)) {
      if (node.tag === '!vault') return this.vaultValue(node);
      // `!unsafe`: never templated (src/templating/unsafe.ts).
      if (node.tag === '!unsafe') markUnsafe(node.value);
      return node.value;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const locs: SourceLocation[] = [];
      for (const item of node.items) {
        locs.push(this.at((item as YamlNode | null)?.range?.[0] ?? node.range?.[0]));
        out.push(this.convert(item as YamlNode, doc));
      }
      nodeLocations.set(out, this.at(node.range?.[0]));
      indexLocations.set(out, locs);
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string, SourceLocation>();
      const written = new Set<string>(); // keys written here, not merged in with `<<`
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        // yaml 2.6+ gives the merge key a symbol value; its source is still `<<`
        if (isScalar(keyNode) && (keyNode.value === '<<' || (typeof keyNode.value === 'symbol' && keyNode.source === '<<'))) {
          this.mergeInto(out, keys, pair.value as YamlNode, doc);
          continue;
        }
        const key = keyNode === null ? 'null' : String(isScalar(keyNode) ? keyNode.value : this.convert(keyNode, doc));
        const at = this.at(keyNode?.range?.[0]);
        if (written.has(key)) this.duplicateKey(key, keys.get(key)!, at, this.at(node.range?.[0]));
        written.add(key);
        keys.set(key, at);
        out[key] = this.convert(pair.value as YamlNode, doc);
      }
      nodeLocations.set(out, this.at(node.range?.[0]));
      keyLocations.set(out, keys);
      return out;
    }
    return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
  }

  /** A `!vault` value is its decrypted text, never its ciphertext. */
  private vaultValue(node: YamlNode): string {
    const at = this.at(node.range?.[0]);
    const value = isScalar(node) ? String(node.value) : '';
    return openVault(value, `${this.file}, line ${at.line}`, at).plaintext.toString('utf8');
  }

  /** DUPLICATE_YAML_DICT_KEY: tsplay refuses by default; `warn` and `ignore` keep the last, as Ansible does. */
  private duplicateKey(key: string, first: SourceLocation, again: SourceLocation, mapAt: SourceLocation): void {
    const mode = (process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY ?? 'error').toLowerCase();
    if (mode === 'ignore') return;
    if (mode === 'warn') {
      process.stderr.write(
        `[WARNING]: While constructing a mapping from ${this.file}, line ${mapAt.line}, column ${mapAt.col}, ` +
          `found a duplicate dict key (${key}). Using last defined value only.\n`,
      );
      return;
    }
    throw new ParseError(
      `found a duplicate dict key (${key}): first at line ${first.line}, column ${first.col}, again at line ${again.line}, column ${again.col} ` +
        '(set ANSIBLE_DUPLICATE_YAML_DICT_KEY=warn to keep the last, as Ansible does by default)',
      again,
    );
  }

  private mergeInto(
    out: Record<string, unknown>,
    keys: Map<string, SourceLocation>,
    source: YamlNode,
    doc: Document,
  ): void {
    const value = this.convert(source, doc);
    const maps = Array.isArray(value) ? value : [value];
    for (const m of maps) {
      if (typeof m !== 'object' || m === null) continue;
      for (const [k, v] of Object.entries(m)) {
        if (!(k in out)) {
          out[k] = v;
          const loc = locationOfKey(m, k);
          if (loc) keys.set(k, loc);
        }
      }
    }
  }
}

/** Parse YAML text; every document is returned. Syntax errors name the place. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    lineCounter: lines,
    uniqueKeys: false,
    merge: true,
    customTags: pythonLikeTags,
  });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) return [];
  const converter = new Converter(file, lines);
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      const first = err.message.split('\n')[0] ?? err.message;
      throw new ParseError(`Syntax error while loading YAML: ${first}`, { file, line: pos.line, col: pos.col });
    }
  }
  return list.map((doc) => converter.convert(doc.contents as YamlNode, doc));
}

/** Parse the single document of a YAML text (empty text is null). */
export function parseYaml(text: string, file: string): unknown {
  const docs = parseYamlDocuments(text, file);
  return docs.length === 0 ? null : docs[0];
}

/** Read and parse a YAML file; a missing file is a ParseError naming it. */
export function loadYamlFile(file: string, from?: SourceLocation): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParseError(`Could not read file '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, from);
  }
  // A vaulted file is YAML once decrypted.
  if (isVaultText(text)) text = openVault(text, file, from).plaintext.toString('utf8');
  return parseYaml(text, file);
}
