// What this run last saw of each file it edits or writes, per host, so that
// the next edit of the same file (ten lineinfile tasks on one config file, or
// one after a copy) can be planned at once and sent with its write in one
// round trip. Only a guess: the host writes only if the file still has the
// checksum the edit was planned from (the agent's put with ifSha1); if not,
// the host's answer is planned again. Kept per host agent, so it lives exactly
// as long as the connection.
import type { HostAgent } from '../connection/host-agent.js';
import { sha1, type RemoteFileState } from './remote-files.js';

/** Larger files are not kept: their edits take the usual probe, then write. */
const MAX_KNOWN_SIZE = 256 * 1024;
/** Files kept per host, the most recently seen: a run edits the same few files again and again. */
const MAX_KNOWN_FILES = 64;

const knownByAgent = new WeakMap<HostAgent, Map<string, RemoteFileState>>();

/** Remember a regular file with its content; anything else at that path is forgotten. */
export function rememberFile(agent: HostAgent, state: RemoteFileState): void {
  let known = knownByAgent.get(agent);
  if (!known) knownByAgent.set(agent, (known = new Map()));
  known.delete(state.path);
  if (state.type === 'file' && state.content !== undefined && state.content.length <= MAX_KNOWN_SIZE) {
    // The host's checksum when it sent one (of this same content), else the controller's.
    known.set(state.path, { ...state, checksum: state.checksum ?? sha1(state.content) });
    // A Map keeps insertion order: the first key is the one seen longest ago.
    if (known.size > MAX_KNOWN_FILES) known.delete(known.keys().next().value!);
  }
}

export function recallFile(agent: HostAgent, path: string): RemoteFileState | undefined {
  return knownByAgent.get(agent)?.get(path);
}
