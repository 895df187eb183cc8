// SSH keys for the lab: one client key pair per lab (accepted by root on every
// host) and a fresh ed25519 host key per host, generated before boot so that
// known_hosts can be written without ever scanning the network.
import { readFileSync, writeFileSync } from 'node:fs';
import { runSync } from './sys.js';

/** Generates an ed25519 key pair without passphrase; returns the public key line. */
export function generateKey(file: string, comment: string): string {
  runSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { check: true });
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/** known_hosts with one line per host: "<address> <type> <base64>". */
export function writeKnownHosts(file: string, entries: Array<{ address: string; publicKey: string }>): void {
  const lines = entries.map(({ address, publicKey }) => {
    const [type, data] = publicKey.split(/\s+/);
    return `${address} ${type} ${data}`;
  });
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o644 });
}
