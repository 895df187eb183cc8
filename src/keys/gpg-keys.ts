// Reading OpenPGP key ids from gpg's and apt-key's listings, as Ansible's
// apt_key and rpm_key modules read them, and fetching a key on the host.
import { quote } from '../host/shell.js';

/**
 * The key ids of a listing (apt_key's rule): `pub`/`sub` lines that are not
 * expired, id from "rsa4096/ID" (apt-key's long format) or the 5th colon field.
 */
export function keyIdsOfListing(output: string, short = false): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue;
    const code = line.split(/\s+/).filter((t) => t !== '')[1];
    const parts = code?.split('/');
    if (parts && parts.length === 2) found.push(parts[1]!);
    else {
      const fields = line.split(':');
      if (fields.length > 4) found.push(fields[4]!);
    }
  }
  return short ? found.map((k) => k.slice(-8)) : found;
}

/** rpm_key's reading of gpg --with-colons: the first pub line's key id and first fpr line's fingerprint. */
export function firstKey(output: string): { keyid?: string; fingerprint?: string } {
  const lines = output.split('\n').map((l) => l.trim());
  return {
    keyid: lines.find((l) => l.startsWith('pub:'))?.split(':')[4],
    fingerprint: lines.find((l) => l.startsWith('fpr:'))?.split(':')[9],
  };
}

/** Shell lines that download `url` into the file named by $var (curl, else wget); exits 4 with the error when it fails. */
export function fetchInto(variable: string, url: string, validateCerts: boolean): string {
  const u = quote(url);
  const insecureCurl = validateCerts ? '' : ' -k';
  const insecureWget = validateCerts ? '' : ' --no-check-certificate';
  return [
    `${variable}=$(mktemp)`,
    `if command -v curl >/dev/null 2>&1; then curl -fsSL${insecureCurl} -o "$${variable}" -- ${u}; else wget -q${insecureWget} -O "$${variable}" -- ${u}; fi ` +
      `|| { rm -f "$${variable}"; exit 4; }`,
  ].join('\n');
}
