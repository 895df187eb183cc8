// get_url's `checksum`: "algorithm:hex", or "algorithm:URL" of a checksum file
// (fetched from the host too), read as Ansible reads it.
import type { Connection } from '../connection/connection.js';
import { ModuleFailure, type ModuleResult } from '../module-api/module-types.js';
import { probe } from '../host/run.js';
import { raw } from '../host/shell.js';
import { DIGESTS, type Digest } from './host-file.js';
import { curlConfig, curlScript } from './http.js';
import { parseResponse, sections, urlFilename } from './response.js';
import { proxyWords, requestOf, type UrlArgs } from './url-options.js';

export interface Checksum {
  algo: Digest;
  hex: string;
}

const isUrl = (text: string): boolean => /^(https?|ftp|file):/i.test(text);

/** The hash for `filename` in a checksum file: a lone hash, or "hash  name" lines. */
export function checksumFromFile(text: string, filename: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const nonEmpty = lines.filter((l) => l !== '');
  if (nonEmpty.length === 1 && nonEmpty[0]!.trim().split(/\s+/).length === 1) return nonEmpty[0]!.trim();
  for (const line of lines) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    let name = line.slice(space + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    if (name.replace(/^[./]+/, '') === filename) return line.slice(0, space);
  }
  return undefined;
}

/** The checksum the download must have, or undefined when none is given. */
export async function expectedChecksum(conn: Connection, a: UrlArgs & { checksum: string }, result: ModuleResult): Promise<Checksum | undefined> {
  if (!a.checksum) return undefined;
  const colon = a.checksum.indexOf(':');
  if (colon < 0) throw new ModuleFailure('The checksum parameter has to be in format <algorithm>:<checksum>', { ...result, checksum_dest: null, checksum_src: null });
  const algo = a.checksum.slice(0, colon).toLowerCase();
  let value = a.checksum.slice(colon + 1);
  if (!DIGESTS.includes(algo as Digest)) {
    throw new ModuleFailure(`Could not hash file with algorithm '${algo}'. Available algorithms: ${DIGESTS.join(', ')}`, result);
  }
  if (isUrl(value)) {
    const text = await fetchText(conn, { ...a, url: value });
    const found = checksumFromFile(text, urlFilename(a.url));
    if (found === undefined) throw new ModuleFailure(`Unable to find a checksum for file '${urlFilename(a.url)}' in '${value}'`);
    value = found;
  }
  const hex = value.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new ModuleFailure('The checksum format is invalid', { ...result, checksum_dest: null, checksum_src: null });
  return { algo: algo as Digest, hex };
}

/** A small text resource fetched by the host (a checksum file). */
async function fetchText(conn: Connection, a: UrlArgs): Promise<string> {
  const script = [`set -- ${proxyWords(a)}`, 't=$(mktemp) || exit 1', curlScript('"$t"'), 'echo "@@tsplay:body@@"; cat "$t"; rm -f "$t"'].join('\n');
  const res = await probe(conn, raw(script), { stdin: curlConfig(requestOf(a)) });
  const parts = sections(res.stdout);
  const http = parseResponse(parts, a.url);
  if (http.status === -1) throw new ModuleFailure(http.msg, { url: a.url });
  if (http.status !== 200 && !a.url.startsWith('file:')) throw new ModuleFailure('Request failed', { status_code: http.status, response: http.msg, url: a.url });
  return parts.get('body') ?? '';
}
