// `Include` in OpenSSH client config, which the `ssh-config` package parses but
// does not follow. As OpenSSH does: each Include names files (globs allowed in
// the last path component, sorted; a relative path is under ~/.ssh); their lines
// count where the Include stands; an Include inside a `Host` block that does
// not match the host counts for nothing; after the included files, the
// enclosing block goes on as before. Nested to at most 16 levels.
//
// Approximation: a `Match` block is not evaluated here. An Include inside one
// keeps the included file's own directives under that Match, but the included
// file's Host/Match blocks then apply on their own terms.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import picomatch from 'picomatch';
import SSHConfig, { glob } from 'ssh-config';

type Line = SSHConfig[number];
type Section = Line & { param: string; value: unknown; config: SSHConfig };

const MAX_DEPTH = 16;

/** A parsed config file and the files each of its Include lines brings. */
export interface ConfigTree {
  config: SSHConfig;
  includes: Map<Line, ConfigTree[]>;
}

const isDirective = (l: Line): l is Line & { param: string; value: unknown } => l.type === SSHConfig.DIRECTIVE;
const isInclude = (l: Line): boolean => isDirective(l) && /^include$/i.test(l.param);
const isSection = (l: Line): l is Section => isDirective(l) && /^(host|match)$/i.test(l.param) && 'config' in l;

function values(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x: { val: string } | string) => (typeof x === 'string' ? x : x.val));
  return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : [];
}

/** The files one Include pattern names, sorted as glob(3) sorts them; none when nothing matches. */
async function includedFiles(pattern: string, home: string): Promise<string[]> {
  let p = pattern === '~' || pattern.startsWith('~/') ? path.join(home, pattern.slice(1)) : pattern;
  if (!path.isAbsolute(p)) p = path.join(home, '.ssh', p);
  const dir = path.dirname(p);
  const base = path.basename(p);
  if (!picomatch.scan(base).isGlob) return [p];
  const isMatch = picomatch(base, { dot: false });
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => isMatch(n)).sort().map((n) => path.join(dir, n));
}

/**
 * `file` parsed by `read`, with every file its Include lines name (at any
 * depth). A named file that is missing counts as empty, as in OpenSSH.
 */
export async function loadConfigTree(file: string, read: (file: string) => Promise<SSHConfig>, home = os.homedir(), depth = 0): Promise<ConfigTree> {
  if (depth > MAX_DEPTH) throw new Error(`${file}: too many recursive configuration includes`);
  const config = await read(file);
  const includes = new Map<Line, ConfigTree[]>();
  const lines = config.flatMap((l) => (isSection(l) ? [l, ...l.config] : [l]));
  for (const line of lines.filter(isInclude)) {
    const trees: ConfigTree[] = [];
    for (const pattern of values((line as { value: unknown }).value)) {
      for (const f of await includedFiles(pattern, home)) {
        trees.push(await loadConfigTree(f, read, home, depth + 1).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return { config: SSHConfig.parse(''), includes: new Map() };
          throw e;
        }));
      }
    }
    includes.set(line, trees);
  }
  return { config, includes };
}

/** The config as `host` sees it, each Include replaced by what it brings (see the head comment). */
export function expandIncludes(tree: ConfigTree, host: string): SSHConfig {
  if (tree.includes.size === 0) return tree.config;
  const out = SSHConfig.parse('');
  for (const line of tree.config) {
    if (isInclude(line)) {
      for (const inc of tree.includes.get(line) ?? []) out.push(...expandIncludes(inc, host));
    } else if (isSection(line) && line.config.some(isInclude)) {
      out.push(...expandSection(tree, line, host));
    } else out.push(line);
  }
  return out;
}

/** A Host/Match block holding Include lines, split around each so that order is kept. */
function expandSection(tree: ConfigTree, section: Section, host: string): Line[] {
  const active = !/^host$/i.test(section.param) || glob(values(section.value), host);
  const part = (): Section => ({ ...section, config: SSHConfig.parse('') });
  const out: Line[] = [];
  let current = part();
  for (const sub of section.config) {
    if (!isInclude(sub)) {
      current.config.push(sub);
      continue;
    }
    if (!active) continue;
    for (const inc of tree.includes.get(sub) ?? []) {
      for (const l of expandIncludes(inc, host)) {
        if (!isSection(l)) {
          current.config.push(l);
          continue;
        }
        // The included block, then this block again for what follows the Include.
        out.push(current, l);
        current = part();
      }
    }
  }
  out.push(current);
  return out;
}
