// -e/--extra-vars: `k=v k2=v2`, JSON/YAML text, or @file.
import { readFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { parseKeyValue } from '../playbook/kv.js';
import { parseYaml } from '../yaml-source.js';
import { isVaultText } from '../vault/envelope.js';
import { openVault } from '../vault/secrets.js';

export function parseExtraVars(values: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    let data: unknown;
    if (value.startsWith('@')) {
      const file = value.slice(1);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new OptionsError(`Unable to retrieve file contents: could not find or access '${file}'`);
      }
      data = parseYaml(isVaultText(text) ? openVault(text, file).plaintext.toString('utf8') : text, file);
    } else if (/^\s*[[{]/.test(value)) {
      data = parseYaml(value, '<extra vars>');
    } else {
      const kv = parseKeyValue(value);
      if ('_raw_params' in kv) throw new OptionsError(`Invalid extra vars data supplied. '${value}' could not be made into a dictionary`);
      data = kv;
    }
    if (data === null) continue;
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw new OptionsError(`Invalid extra vars data supplied. '${value}' could not be made into a dictionary`);
    }
    Object.assign(out, data);
  }
  return out;
}
