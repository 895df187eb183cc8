// ssh_args ([ssh_connection] / ANSIBLE_SSH_ARGS): the OpenSSH options tsplay's
// own SSH client can follow, the first value of each winning as in ssh. The
// rest (ControlMaster, ControlPersist, ...) are returned for the warning.
import { OptionsError } from '../errors.js';
import type { HostKeyChecking } from '../connection/ssh.js';
import { shlexSplit } from '../inventory/shlex.js';

export interface SshArgSettings {
  proxyJump?: string;
  hostKeyChecking?: HostKeyChecking;
  knownHostsFile?: string;
  keepaliveSeconds?: number;
  connectTimeout?: number;
  identityFile?: string;
  port?: number;
  user?: string;
  configFile?: string;
  /** What is not followed, as written (`ControlMaster=auto`, `-C`). */
  ignored: string[];
}

const HOST_KEY: Record<string, HostKeyChecking> = { yes: 'strict', ask: 'strict', 'accept-new': 'accept-new', no: 'off', off: 'off' };

export function parseSshArgs(args: string): SshArgSettings {
  let words: string[];
  try {
    words = shlexSplit(args);
  } catch (e) {
    throw new OptionsError(`cannot parse ssh_args '${args}': ${(e as Error).message}`);
  }
  const out: SshArgSettings = { ignored: [] };
  const set = <K extends keyof SshArgSettings>(k: K, v: SshArgSettings[K]) => {
    if (out[k] === undefined) out[k] = v;
  };
  const number = (v: string, what: string): number => {
    if (!/^\d+$/.test(v)) throw new OptionsError(`ssh_args: ${what} must be a number, not '${v}'`);
    return Number(v);
  };
  const option = (text: string) => {
    const m = /^\s*(\w+)\s*(?:=\s*|\s+)(.*)$/.exec(text);
    if (!m) {
      out.ignored.push(text);
      return;
    }
    const value = m[2]!.trim();
    switch (m[1]!.toLowerCase()) {
      case 'proxyjump': return set('proxyJump', value);
      case 'stricthostkeychecking': {
        const mode = HOST_KEY[value.toLowerCase()];
        return mode ? set('hostKeyChecking', mode) : out.ignored.push(text);
      }
      case 'userknownhostsfile': return set('knownHostsFile', value);
      // tsplay reads only the user file when one is named, so a global file of /dev/null is what it does anyway.
      case 'globalknownhostsfile': return value === '/dev/null' ? undefined : out.ignored.push(text);
      case 'serveraliveinterval': return set('keepaliveSeconds', number(value, 'ServerAliveInterval'));
      case 'connecttimeout': return set('connectTimeout', number(value, 'ConnectTimeout'));
      case 'identityfile': return set('identityFile', value);
      case 'port': return set('port', number(value, 'Port'));
      case 'user': return set('user', value);
      default: out.ignored.push(text);
    }
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = () => words[++i] ?? '';
    const flag = /^-([oFiplJ])(.*)$/.exec(w);
    if (!flag) {
      out.ignored.push(w);
      continue;
    }
    const value = flag[2] !== '' ? flag[2]! : next();
    switch (flag[1]) {
      case 'o': option(value); break;
      case 'F': set('configFile', value); break;
      case 'i': set('identityFile', value); break;
      case 'p': set('port', number(value, '-p')); break;
      case 'l': set('user', value); break;
      case 'J': set('proxyJump', value); break;
    }
  }
  return out;
}
