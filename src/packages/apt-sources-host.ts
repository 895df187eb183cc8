// Reading a Debian host's one-line sources files in one round trip: where apt
// keeps them (apt-config), then sources.list and sources.list.d/*.list, as
// apt_repository reads them (deb822 .sources files are not its business).
import type { Connection } from '../connection/connection.js';
import { ModuleFailure } from '../module-api/module-types.js';
import { probe } from '../host/run.js';
import { raw } from '../host/shell.js';

const MARK = '@@tsplay-sources@@';

const SCRIPT = [
  `command -v apt-config >/dev/null 2>&1 || { echo 'apt-config not found' >&2; exit 3; }`,
  `eval "$(apt-config shell L Dir::Etc::sourcelist/f D Dir::Etc::sourceparts/d)"`,
  `printf '%s\\n' "$D"`,
  `for f in "$L" "$D"*.list; do`,
  `  [ -f "$f" ] || continue`,
  `  printf '${MARK} %s\\n' "$f"; base64 -w0 < "$f" || exit 1; echo`,
  `done`,
].join('\n');

export interface HostSources {
  /** sources.list.d, where new files go. */
  sourceParts: string;
  /** Each file's text by path, sources.list first. */
  texts: Map<string, string>;
}

export async function readHostSources(conn: Connection): Promise<HostSources> {
  const res = await probe(conn, raw(SCRIPT), { timeout: 60 });
  if (res.rc === 3) throw new ModuleFailure('Module apt_repository is not supported on target.');
  if (res.rc !== 0) throw new ModuleFailure(`could not read apt's sources: ${res.stderr.trim() || `exit code ${res.rc}`}`);
  const [head = '', ...blocks] = res.stdout.split(`${MARK} `);
  const texts = new Map<string, string>();
  for (const block of blocks) {
    const [path = '', data = ''] = block.split('\n');
    texts.set(path, Buffer.from(data, 'base64').toString('utf8'));
  }
  return { sourceParts: head.trim() || '/etc/apt/sources.list.d/', texts };
}
