import { isIPv4, isIPv6 } from 'node:net';

/** Whether `address` lies inside `cidr` (IPv4 or IPv6, e.g. 172.20.0.0/16). Malformed input is never inside. */
export function inCidr(address: string, cidr: string): boolean {
  const slash = cidr.indexOf('/');
  if (slash < 0) return false;
  const network = cidr.slice(0, slash);
  const bits = Number(cidr.slice(slash + 1));
  const a = toBytes(address);
  const n = toBytes(network);
  if (!a || !n || a.length !== n.length || !Number.isInteger(bits) || bits < 0 || bits > a.length * 8) return false;
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((a[byte]! & mask) !== (n[byte]! & mask)) return false;
  }
  return true;
}

/** Whether `address` lies in any of `cidrs`; an empty list accepts every address. */
export function inAnyCidr(address: string, cidrs: readonly string[]): boolean {
  return cidrs.length === 0 || cidrs.some((cidr) => inCidr(address, cidr));
}

function toBytes(address: string): number[] | undefined {
  if (isIPv4(address)) return address.split('.').map(Number);
  if (!isIPv6(address)) return undefined;
  const [head = '', tail] = address.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const headParts = parse(head);
  const tailParts = tail === undefined ? [] : parse(tail);
  const missing = 8 - headParts.length - tailParts.length;
  if (tail === undefined && missing !== 0) return undefined;
  const groups = [...headParts, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailParts];
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}
