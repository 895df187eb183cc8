// Splitting `host:port` (and `[ipv6]:port`) in inventory host definitions.

export interface HostAddress {
  pattern: string;
  port?: number;
}

export function splitHostPort(text: string): HostAddress {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text);
  if (bracketed && bracketed[1]!.includes(':')) {
    return bracketed[2] === undefined ? { pattern: bracketed[1]! } : { pattern: bracketed[1]!, port: Number(bracketed[2]) };
  }
  // A colon outside range brackets, other than the last one, means a bare IPv6 address.
  const outside = text.replace(/\[[^\]]*\]/g, '');
  const m = /^(.*):(\d+)$/.exec(text);
  if (m && (outside.match(/:/g) ?? []).length === 1) return { pattern: m[1]!, port: Number(m[2]) };
  return { pattern: text };
}
