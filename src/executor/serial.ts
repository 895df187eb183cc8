// `serial`: split a play's hosts into batches (numbers, percentages, lists).
import type { SerialSpec } from '../playbook/types.js';

function sizeOf(spec: number | string, total: number): number {
  if (typeof spec === 'number') return spec;
  const s = spec.trim();
  if (s.endsWith('%')) return Math.max(1, Math.floor((total * Number(s.slice(0, -1))) / 100));
  return Number(s);
}

export function batches(hosts: string[], serial?: SerialSpec): string[][] {
  if (!serial || serial.sizes.length === 0) return [hosts];
  const out: string[][] = [];
  let i = 0;
  let n = 0;
  while (i < hosts.length) {
    const spec = serial.sizes[Math.min(n, serial.sizes.length - 1)]!;
    let size = sizeOf(spec, hosts.length);
    if (size <= 0) size = hosts.length;
    out.push(hosts.slice(i, i + size));
    i += size;
    n++;
  }
  return out;
}
