// EUI-48 (MAC) addresses: the spellings python-netaddr reads and the dialects it prints.

const FORMATS: [RegExp, number][] = [
  [/^([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2})$/i, 2],
  [/^([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})$/i, 2],
  [/^([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i, 4],
  [/^([0-9a-f]{1,4})-([0-9a-f]{1,4})-([0-9a-f]{1,4})$/i, 4],
  [/^([0-9a-f]{1,4})\.([0-9a-f]{1,4})\.([0-9a-f]{1,4})$/i, 4],
  [/^([0-9a-f]{5,6})-([0-9a-f]{5,6})$/i, 6],
  [/^([0-9a-f]{5,6}):([0-9a-f]{5,6})$/i, 6],
  [/^([0-9a-f]{11,12})$/i, 12],
];

/** The 48-bit value of a MAC address, or undefined when netaddr would not read it. */
export function parseMac(text: string): bigint | undefined {
  for (const [re, digits] of FORMATS) {
    const m = re.exec(text);
    if (m) return BigInt('0x' + m.slice(1).map((w) => w.padStart(digits, '0')).join(''));
  }
  // netaddr also takes the address as a decimal integer (Python's int(), blanks and sign allowed).
  const n = /^\s*\+?(\d+(?:_\d+)*)\s*$/.exec(text);
  const value = n ? BigInt(n[1].replace(/_/g, '')) : undefined;
  return value !== undefined && value < 1n << 48n ? value : undefined;
}

const hex12 = (v: bigint): string => v.toString(16).padStart(12, '0');
const pairs = (v: bigint): string[] => hex12(v).match(/../g) ?? [];

/** netaddr's dialects, as ansible.utils' hwaddr names them. */
export const MAC_DIALECTS: Record<string, (v: bigint) => string> = {
  bare: (v) => hex12(v).toUpperCase(),
  cisco: (v) => (hex12(v).match(/..../g) ?? []).join('.'),
  eui48: (v) => pairs(v).join('-').toUpperCase(),
  linux: (v) => pairs(v).join(':'),
  pgsql: (v) => `${hex12(v).slice(0, 6)}:${hex12(v).slice(6)}`,
  unix: (v) => pairs(v).map((p) => p.replace(/^0(?=.)/, '')).join(':'),
};
